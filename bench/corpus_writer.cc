#include "corpus_writer.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/date.h"
#include "common/status_macros.h"
#include "corpus_names.h"
#include "domain/article_rules.h"
#include "importers/interchange.h"
#include "storage/article_store.h"
#include "storage/storage.h"
#include "storage/therapy_type_store.h"
#include "synthetic_article.h"

namespace healthcontent::bench {
namespace {

namespace fs = std::filesystem;

struct Summary {
  int therapy_types = 0;
  int64_t revisions = 0;
  int64_t scheduled = 0;
  int64_t bytes_sum = 0;
  int64_t bytes_min = 0;
  int64_t bytes_max = 0;
};

// Upserts data_dir/therapy-types/*.json in name order, as LoadDataDir does,
// and returns them as stored.
absl::StatusOr<std::vector<v1::TherapyType>> LoadTherapyTypes(const std::string& data_dir,
                                                              storage::TherapyTypeStore* store) {
  const fs::path dir = fs::path(data_dir) / "therapy-types";
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path().string());
    }
  }
  if (ec) return absl::NotFoundError(absl::StrCat(dir.string(), ": ", ec.message()));
  std::sort(files.begin(), files.end());
  std::vector<v1::TherapyType> stored;
  for (const std::string& file : files) {
    ASSIGN_OR_RETURN(std::string text, importers::ReadFile(file));
    v1::UpsertTherapyTypeRequest request;
    RETURN_IF_ERROR(importers::ParseInterchangeJson(text, file, &request));
    absl::Status valid = domain::ValidateUpsertTherapyType(request);
    if (!valid.ok()) return absl::Status(valid.code(), absl::StrCat(file, ": ", valid.message()));
    ASSIGN_OR_RETURN(v1::TherapyType tt, store->Upsert(request.therapy_type(), absl::Now()));
    stored.push_back(std::move(tt));
  }
  if (stored.empty()) {
    return absl::NotFoundError(absl::StrCat("no therapy types in ", dir.string()));
  }
  // By name, as ListTherapyTypes returns them to the load generator's
  // publishers, so both rank them the same way.
  std::sort(stored.begin(), stored.end(),
            [](const v1::TherapyType& a, const v1::TherapyType& b) { return a.name() < b.name(); });
  return stored;
}

absl::StatusOr<Summary> Write(const CorpusOptions& options, const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Storage> storage,
                   storage::Storage::Open(path, storage::Storage::Options{}));
  // A benchmark corpus is rebuilt, never recovered: skip the fsync of every
  // commit (the server itself always runs synchronous=FULL) and give the
  // writer a large page cache for the growing indexes.
  RETURN_IF_ERROR(storage->Configure([](storage::Database* db) {
    return db->Execute("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;");
  }));
  storage::TherapyTypeStore therapy_types(storage.get());
  storage::ArticleStore articles(storage.get(), storage::ArticleStore::Options{});

  Summary summary;
  ASSIGN_OR_RETURN(std::vector<v1::TherapyType> types,
                   LoadTherapyTypes(options.data_dir, &therapy_types));
  summary.therapy_types = static_cast<int>(types.size());
  const SyntheticArticles corpus(options.seed, ReferencePoolSize(options.articles),
                                 std::move(types));

  const int64_t total = options.articles * options.revisions;
  const absl::Time start = absl::Now();
  const absl::CivilDay today = UtcDay(start);
  for (int64_t index = 0; index < options.articles; ++index) {
    const std::string slug = ArticleSlug(index);
    const std::vector<absl::CivilDay> dates = RevisionDates(options.seed, index, options.revisions);
    for (int ordinal = 0; ordinal < static_cast<int>(dates.size()); ++ordinal) {
      v1::PublishArticleRevisionRequest request =
          corpus.Revision(index, slug, ordinal, dates[ordinal]);
      absl::Status valid = domain::ValidatePublishRequest(request);
      if (!valid.ok()) {
        return absl::InternalError(absl::StrCat("the generator wrote an invalid revision of ", slug,
                                                ": ", valid.ToString()));
      }
      ASSIGN_OR_RETURN(v1::Article stored, articles.Publish(request, absl::Now()));
      const int64_t bytes = static_cast<int64_t>(stored.ByteSizeLong());
      summary.bytes_sum += bytes;
      summary.bytes_min = summary.revisions == 0 ? bytes : std::min(summary.bytes_min, bytes);
      summary.bytes_max = std::max(summary.bytes_max, bytes);
      if (dates[ordinal] > today) ++summary.scheduled;
      ++summary.revisions;
      if (summary.revisions % 10000 == 0) {
        const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
        std::fprintf(stderr, "corpus: %lld/%lld revisions (%.0f%%), %.0f/s, %.1f s\n",
                     static_cast<long long>(summary.revisions), static_cast<long long>(total),
                     100.0 * summary.revisions / total, summary.revisions / seconds, seconds);
      }
    }
  }
  return summary;
}

}  // namespace

int WriteCorpus(const CorpusOptions& options) {
  if (options.db_path.empty()) {
    std::fprintf(stderr, "healthcontent-corpus: --db is required\n");
    return 1;
  }
  if (options.articles < 1 || options.articles > kMaxArticles) {
    std::fprintf(stderr, "healthcontent-corpus: --articles must be 1..%lld\n",
                 static_cast<long long>(kMaxArticles));
    return 1;
  }
  if (options.revisions < 1 || options.revisions > kMaxRevisions) {
    std::fprintf(stderr, "healthcontent-corpus: --revisions must be 1..%d\n", kMaxRevisions);
    return 1;
  }
  std::error_code ec;
  if (fs::exists(options.db_path, ec)) {
    std::fprintf(stderr, "healthcontent-corpus: %s exists; remove it first\n",
                 options.db_path.c_str());
    return 1;
  }
  const std::string partial = options.db_path + ".partial";
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(partial + suffix, ec);

  const absl::Time start = absl::Now();
  absl::StatusOr<Summary> summary = Write(options, partial);
  // Write() has closed the database by now, checkpointing and removing its WAL.
  if (summary.ok() && fs::exists(partial + "-wal", ec)) {
    summary = absl::InternalError(absl::StrCat(partial, "-wal is still there after closing"));
  }
  if (!summary.ok()) {
    std::fprintf(stderr, "healthcontent-corpus: %s\n", summary.status().ToString().c_str());
    return 1;
  }
  fs::rename(partial, options.db_path, ec);
  if (ec) {
    std::fprintf(stderr, "healthcontent-corpus: renaming %s: %s\n", partial.c_str(),
                 ec.message().c_str());
    return 1;
  }
  fs::remove(partial + "-shm", ec);
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const uintmax_t db_bytes = fs::file_size(options.db_path, ec);
  std::fprintf(stderr,
               "corpus: %lld articles, %lld revisions (%lld scheduled), %.0f bytes per stored "
               "revision (%lld-%lld), %.1f MB, %.1f s\n",
               static_cast<long long>(options.articles), static_cast<long long>(summary->revisions),
               static_cast<long long>(summary->scheduled),
               static_cast<double>(summary->bytes_sum) / summary->revisions,
               static_cast<long long>(summary->bytes_min),
               static_cast<long long>(summary->bytes_max), db_bytes / 1e6, seconds);
  std::printf("%s\n",
              absl::StrFormat(
                  R"({"db":"%s","articles":%d,"revisions":%d,"scheduled_revisions":%d,)"
                  R"("seed":%d,"therapy_types":%d,"reference_pool":%d,)"
                  R"("revision_bytes_mean":%.0f,"revision_bytes_min":%d,"revision_bytes_max":%d,)"
                  R"("db_bytes":%d,"seconds":%.1f})",
                  options.db_path, options.articles, summary->revisions, summary->scheduled,
                  options.seed, summary->therapy_types, ReferencePoolSize(options.articles),
                  static_cast<double>(summary->bytes_sum) / summary->revisions, summary->bytes_min,
                  summary->bytes_max, static_cast<int64_t>(db_bytes), seconds)
                  .c_str());
  return 0;
}

}  // namespace healthcontent::bench
