#include "search/index_follower.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "domain/article_rules.h"
#include "storage/search_source.h"

namespace healthcontent::search {
namespace {

namespace fs = std::filesystem;

constexpr char kGenerationPrefix[] = "gen-";
constexpr char kBuildingName[] = "building";
constexpr int kReadBatch = 1000;  // ids per LiveDocuments call

// The number of a `gen-N` directory name, or -1.
int GenerationNumber(const fs::path& path) {
  const std::string filename = path.filename().string();
  absl::string_view name = filename;
  int number = -1;
  if (!absl::ConsumePrefix(&name, kGenerationPrefix)) return -1;
  if (!absl::SimpleAtoi(name, &number) || number < 0) return -1;
  return number;
}

// The index documents of `ids` as `data` serves them now: a document for
// each live article, a removal for each other id.
absl::StatusOr<std::vector<IndexUpdate>> UpdatesFor(const storage::Dataset& data,
                                                    const std::vector<int64_t>& ids) {
  std::vector<IndexUpdate> updates;
  absl::flat_hash_map<std::string, std::vector<std::string>> current_names;
  for (size_t start = 0; start < ids.size(); start += kReadBatch) {
    std::vector<int64_t> chunk(ids.begin() + start,
                               ids.begin() + std::min(ids.size(), start + kReadBatch));
    ASSIGN_OR_RETURN(std::vector<storage::LiveDocument> live,
                     data.search_source->LiveDocuments(chunk));
    absl::flat_hash_map<int64_t, storage::LiveDocument*> by_id;
    for (storage::LiveDocument& document : live) by_id[document.article_id] = &document;
    for (int64_t id : chunk) {
      IndexUpdate& update = updates.emplace_back();
      update.article_id = id;
      auto it = by_id.find(id);
      if (it == by_id.end()) continue;  // withdrawn or gone: remove
      const storage::LiveDocument& in = *it->second;
      IndexDocument& doc = update.document.emplace();
      doc.article_id = id;
      doc.review_date = in.review_date;
      doc.next_review_date = in.next_review_date;
      doc.language_code = in.language_code;
      doc.title = in.article.title();
      doc.also_called.assign(in.article.also_called().begin(), in.article.also_called().end());
      doc.summary = in.article.summary();
      doc.body = domain::ArticleBodyText(in.article);
      for (const v1::TherapyType& type : in.article.therapy_types()) {
        std::string slug(absl::StripPrefix(type.name(), "therapyTypes/"));
        doc.therapy_types.push_back(slug);
        // The names the revision embeds, and the therapy type's names now
        // (aliases added since reach the article's search at once).
        doc.therapy_type_names.push_back(type.display_name());
        for (const std::string& alias : type.aliases()) doc.therapy_type_names.push_back(alias);
        auto names = current_names.find(slug);
        if (names == current_names.end()) {
          std::vector<std::string> now;
          absl::StatusOr<v1::TherapyType> current = data.therapy_types->Get(slug);
          if (current.ok()) {
            now.push_back(current->display_name());
            for (const std::string& alias : current->aliases()) now.push_back(alias);
          } else if (!absl::IsNotFound(current.status())) {
            return current.status();
          }
          names = current_names.emplace(slug, std::move(now)).first;
        }
        for (const std::string& name : names->second) {
          if (std::find(doc.therapy_type_names.begin(), doc.therapy_type_names.end(), name) ==
              doc.therapy_type_names.end()) {
            doc.therapy_type_names.push_back(name);
          }
        }
      }
    }
  }
  return updates;
}

}  // namespace

// An index generation's directory, removed when the generation has been
// replaced and its last search has finished.
struct IndexFollower::Generation {
  std::string directory;
  std::atomic<bool> obsolete{false};
};

IndexFollower::IndexFollower(Options options, DataSource source)
    : options_(std::move(options)), source_(std::move(source)) {}

IndexFollower::~IndexFollower() { Shutdown(); }

absl::Status IndexFollower::Start() {
  std::error_code error;
  fs::create_directories(options_.directory, error);
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat("cannot create search index directory ",
                                                      options_.directory, ": ", error.message()));
  }
  RETURN_IF_ERROR(OpenNewest());
  thread_ = std::thread([this] {
    if (options_.nice != 0 &&
        setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), options_.nice) != 0) {
      LogWarn("search index follower keeps the process's priority",
              {{"nice", absl::StrCat(options_.nice)}, {"error", std::strerror(errno)}});
    }
    Run();
  });
  return absl::OkStatus();
}

absl::Status IndexFollower::OpenNewest() {
  // A rebuild that a crash interrupted is discarded; of the complete
  // generations the newest is kept, the others removed.
  std::error_code error;
  fs::remove_all(fs::path(options_.directory) / kBuildingName, error);
  int newest = -1;
  for (const fs::directory_entry& entry : fs::directory_iterator(options_.directory, error)) {
    newest = std::max(newest, GenerationNumber(entry.path()));
  }
  for (const fs::directory_entry& entry : fs::directory_iterator(options_.directory, error)) {
    int number = GenerationNumber(entry.path());
    if (number >= 0 && number != newest) fs::remove_all(entry.path(), error);
  }
  if (newest < 0) return absl::OkStatus();  // the thread builds the first
  const std::string path =
      (fs::path(options_.directory) / absl::StrCat(kGenerationPrefix, newest)).string();
  absl::StatusOr<std::unique_ptr<SearchIndex>> index = SearchIndex::Open(path);
  if (absl::IsFailedPrecondition(index.status())) return index.status();  // locked
  if (!index.ok()) {
    LogWarn("search index unusable; rebuilding it",
            {{"index", path}, {"error", index.status().message()}});
    fs::remove_all(path, error);
    absl::MutexLock lock(&mu_);
    progress_.last_error = std::string(index.status().message());
    return absl::OkStatus();
  }
  Serve(std::shared_ptr<SearchIndex>(std::move(*index)));
  return absl::OkStatus();
}

void IndexFollower::Serve(std::shared_ptr<SearchIndex> index) {
  auto generation = std::make_shared<Generation>();
  generation->directory = index->directory();
  // The shared pointer searches hold: the last holder of a replaced
  // generation removes its directory.
  SearchIndex* raw = index.get();
  std::shared_ptr<SearchIndex> served(raw,
                                      [index = std::move(index), generation](SearchIndex*) mutable {
                                        index.reset();
                                        if (generation->obsolete) {
                                          std::error_code error;
                                          fs::remove_all(generation->directory, error);
                                        }
                                      });
  absl::MutexLock lock(&mu_);
  if (generation_ != nullptr) generation_->obsolete = true;
  generation_ = std::move(generation);
  index_ = std::move(served);
  progress_.serving = true;
  progress_.applied_sequence = index_->applied_sequence();
  progress_.documents = index_->document_count();
}

void IndexFollower::Wake() {
  absl::MutexLock lock(&mu_);
  wake_ = true;
}

void IndexFollower::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const SearchIndex> IndexFollower::index() const {
  absl::MutexLock lock(&mu_);
  return index_;
}

IndexFollower::Progress IndexFollower::progress() const {
  absl::MutexLock lock(&mu_);
  return progress_;
}

absl::Status IndexFollower::CatchUpNow() {
  std::shared_ptr<const storage::Dataset> data = source_();
  if (data == nullptr) return absl::UnavailableError("no data to index yet");
  return Step(*data);
}

void IndexFollower::Run() {
  absl::Duration backoff = absl::ZeroDuration();
  absl::Time last_step_end = absl::InfinitePast();
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return wake_ || stop_; };
      mu_.AwaitWithTimeout(absl::Condition(&woken), std::max(options_.poll_interval, backoff));
      if (stop_) return;
      // Let a burst of commits gather into one step.
      const absl::Duration wait = last_step_end + options_.min_step_interval - absl::Now();
      if (wait > absl::ZeroDuration()) {
        mu_.AwaitWithTimeout(absl::Condition(&stop_), wait);
        if (stop_) return;
      }
      wake_ = false;
    }
    std::shared_ptr<const storage::Dataset> data = source_();
    if (data == nullptr) continue;
    absl::Status status = Step(*data);
    last_step_end = absl::Now();
    absl::MutexLock lock(&mu_);
    if (status.ok()) {
      progress_.last_error.clear();
      backoff = absl::ZeroDuration();
    } else {
      if (progress_.last_error != status.message()) {
        LogError("search index update failed; retrying", {{"error", status.message()}});
      }
      progress_.last_error = std::string(status.message());
      backoff = std::min(absl::Seconds(30), std::max(absl::Seconds(1), backoff * 2));
    }
  }
}

absl::Status IndexFollower::Step(const storage::Dataset& data) {
  absl::MutexLock step_lock(&step_mu_);
  ASSIGN_OR_RETURN(int64_t latest, data.change_log->LatestSequence());
  std::shared_ptr<SearchIndex> index;
  {
    absl::MutexLock lock(&mu_);
    progress_.data_sequence = latest;
    index = index_;
  }
  std::string rebuild_why;
  if (index == nullptr) {
    rebuild_why = "there is no index yet";
  } else if (index->applied_sequence() > latest) {
    rebuild_why = absl::StrCat("the index has applied change ", index->applied_sequence(),
                               " but the database ends at change ", latest);
  } else {
    absl::Status status = CatchUp(data, *index);
    if (!absl::IsOutOfRange(status)) return status;
    rebuild_why = std::string(status.message());
  }
  RETURN_IF_ERROR(Rebuild(data, rebuild_why));
  {
    absl::MutexLock lock(&mu_);
    index = index_;
  }
  return CatchUp(data, *index);
}

absl::Status IndexFollower::CatchUp(const storage::Dataset& data, SearchIndex& index) {
  ASSIGN_OR_RETURN(int64_t latest, data.change_log->LatestSequence());
  int64_t applied = index.applied_sequence();
  while (applied < latest) {
    ASSIGN_OR_RETURN(std::vector<v1::Change> changes,
                     data.change_log->After(applied, options_.batch_size));
    if (changes.empty()) break;
    if (changes.front().sequence() != applied + 1) {
      return absl::OutOfRangeError(absl::StrCat("the change log has no change ", applied + 1));
    }
    std::vector<std::string> slugs;
    std::vector<int64_t> ids;
    for (const v1::Change& change : changes) {
      if (absl::StartsWith(change.resource(), "articles/")) {
        slugs.emplace_back(absl::StripPrefix(change.resource(), "articles/"));
      } else if (absl::StartsWith(change.resource(), "therapyTypes/")) {
        // Its names are indexed into the articles that carry it.
        ASSIGN_OR_RETURN(std::vector<int64_t> carrying,
                         data.search_source->LiveArticleIdsWithTherapyType(
                             std::string(absl::StripPrefix(change.resource(), "therapyTypes/"))));
        ids.insert(ids.end(), carrying.begin(), carrying.end());
      }
    }
    ASSIGN_OR_RETURN(std::vector<int64_t> named, data.search_source->ArticleIds(slugs));
    ids.insert(ids.end(), named.begin(), named.end());
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    ASSIGN_OR_RETURN(std::vector<IndexUpdate> updates, UpdatesFor(data, ids));
    RETURN_IF_ERROR(index.Apply(updates, changes.back().sequence()));
    applied = changes.back().sequence();
    absl::MutexLock lock(&mu_);
    progress_.applied_sequence = applied;
    progress_.documents = index.document_count();
  }
  return absl::OkStatus();
}

absl::Status IndexFollower::Rebuild(const storage::Dataset& data, absl::string_view why) {
  LogInfo("building the search index", {{"directory", options_.directory}, {"reason", why}});
  const absl::Time start = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    progress_.rebuilding = true;
    progress_.rebuilt_documents = 0;
  }
  auto finish = [this](absl::Status status) {
    absl::MutexLock lock(&mu_);
    progress_.rebuilding = false;
    return status;
  };
  // Changes committed while the articles are read are applied after, from
  // the sequence read first: re-indexing an article twice is harmless.
  absl::StatusOr<int64_t> from = data.change_log->LatestSequence();
  if (!from.ok()) return finish(from.status());
  const std::string building = (fs::path(options_.directory) / kBuildingName).string();
  absl::StatusOr<std::unique_ptr<SearchIndex>> fresh = SearchIndex::Create(building);
  if (!fresh.ok()) return finish(fresh.status());
  int64_t after = 0;
  int64_t done = 0;
  while (true) {
    absl::StatusOr<std::vector<int64_t>> ids =
        data.search_source->LiveArticleIds(after, kReadBatch);
    if (!ids.ok()) return finish(ids.status());
    if (ids->empty()) break;
    after = ids->back();
    absl::StatusOr<std::vector<IndexUpdate>> updates = UpdatesFor(data, *ids);
    if (!updates.ok()) return finish(updates.status());
    if (absl::Status status = (*fresh)->Apply(*updates, 0); !status.ok()) return finish(status);
    done += static_cast<int64_t>(ids->size());
    bool stopping = false;
    {
      absl::MutexLock lock(&mu_);
      progress_.rebuilt_documents = done;
      stopping = stop_;
    }
    if (stopping) return finish(absl::CancelledError("shutting down"));
  }
  if (absl::Status status = (*fresh)->Apply({}, *from); !status.ok()) return finish(status);
  fresh->reset();  // closes it, so the directory can move

  int number = 0;
  {
    absl::MutexLock lock(&mu_);
    if (generation_ != nullptr) {
      number = GenerationNumber(fs::path(generation_->directory)) + 1;
    }
  }
  const std::string path =
      (fs::path(options_.directory) / absl::StrCat(kGenerationPrefix, number)).string();
  std::error_code error;
  fs::remove_all(path, error);
  fs::rename(building, path, error);
  if (error) {
    return finish(absl::InternalError(
        absl::StrCat("cannot move the new search index to ", path, ": ", error.message())));
  }
  absl::StatusOr<std::unique_ptr<SearchIndex>> index = SearchIndex::Open(path);
  if (!index.ok()) return finish(index.status());
  Serve(std::shared_ptr<SearchIndex>(std::move(*index)));
  {
    absl::MutexLock lock(&mu_);
    ++progress_.rebuilds;
  }
  if (options_.on_serving) options_.on_serving();
  LogInfo("search index built",
          {{"directory", path},
           {"documents", absl::StrCat(done)},
           {"sequence", absl::StrCat(*from)},
           {"seconds", absl::StrCat(absl::ToDoubleSeconds(absl::Now() - start))}});
  return finish(absl::OkStatus());
}

}  // namespace healthcontent::search
