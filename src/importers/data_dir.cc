#include "importers/data_dir.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/article_rules.h"
#include "importers/interchange.h"

namespace healthcontent::importers {
namespace {

namespace fs = std::filesystem;

// The *.json files directly in `dir` (or in its subfolders when `nested`), sorted.
std::vector<std::string> JsonFiles(const fs::path& dir, bool nested) {
  std::vector<std::string> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  auto add = [&](const fs::directory_entry& entry) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path().string());
    }
  };
  if (nested) {
    for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) add(entry);
  } else {
    for (const auto& entry : fs::directory_iterator(dir, ec)) add(entry);
  }
  std::sort(files.begin(), files.end());
  return files;
}

absl::Status WithFile(const absl::Status& status, const std::string& file) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(file, ": ", status.message()));
}

}  // namespace

absl::StatusOr<DataDirSummary> LoadDataDir(const std::string& dir,
                                           storage::TherapyTypeStore* therapy_types,
                                           storage::ArticleStore* articles, absl::Time now) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return absl::NotFoundError(absl::StrCat(dir, " is not a directory"));
  }
  DataDirSummary summary;
  for (const std::string& file : JsonFiles(fs::path(dir) / "therapy-types", false)) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(file));
    v1::UpsertTherapyTypeRequest request;
    RETURN_IF_ERROR(ParseInterchangeJson(text, file, &request));
    RETURN_IF_ERROR(WithFile(domain::ValidateUpsertTherapyType(request), file));
    RETURN_IF_ERROR(WithFile(therapy_types->Upsert(request.therapy_type(), now).status(), file));
    ++summary.therapy_types;
  }
  for (const std::string& file : JsonFiles(fs::path(dir) / "articles", true)) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(file));
    v1::PublishArticleRevisionRequest request;
    RETURN_IF_ERROR(ParseInterchangeJson(text, file, &request));
    RETURN_IF_ERROR(WithFile(domain::ValidatePublishRequest(request), file));
    RETURN_IF_ERROR(WithFile(articles->Publish(request, now).status(), file));
    ++summary.revisions;
  }
  return summary;
}

}  // namespace healthcontent::importers
