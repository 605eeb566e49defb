// import and export: content in and out in the interchange format (see
// importers/interchange.h), on a database file (--db) or over gRPC
// (--server). Exported files import back to the same bytes.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "cli/backend.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/remote.h"
#include "common/date.h"
#include "common/field_errors.h"
#include "common/files.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "common/status_names.h"
#include "domain/article_rules.h"
#include "importers/interchange.h"
#include "importers/medlineplus_importer.h"
#include "importers/nhs_importer.h"
#include "importers/page_importer.h"
#include "nlohmann/json.hpp"

namespace healthcontent::cli {
namespace {

namespace fs = std::filesystem;

// Where the command reads or writes: --db, else --server / $HEALTHCONTENT_SERVER.
// `token_required_by` names the command when a server write needs a token.
absl::StatusOr<std::unique_ptr<Backend>> OpenBackend(const CommandLine& command_line, bool writable,
                                                     absl::string_view command) {
  if (command_line.Has("db") && command_line.Has("server")) {
    return UsageError(absl::StrCat(command, " takes --db=PATH or --server=HOST:PORT, not both"));
  }
  if (command_line.Has("db")) {
    const std::string path = command_line.Get("db");
    std::error_code ec;
    if (!writable && !fs::exists(path, ec)) {
      return absl::NotFoundError(absl::StrCat(path, ": no such database file"));
    }
    return OpenLocalBackend(path, writable);
  }
  if (!command_line.Has("server") && std::getenv(kServerEnv) == nullptr) {
    return UsageError(
        absl::StrCat(command, " needs --db=PATH (a database file) or --server=HOST:PORT"));
  }
  ASSIGN_OR_RETURN(RemoteOptions options,
                   ReadRemoteOptions(command_line, writable ? command : absl::string_view()));
  return OpenRemoteBackend(options);
}

std::string RevisionNameOf(const v1::Article& article) {
  return absl::StrCat(article.name(), "/revisions/", DateText(article.review_date()));
}

// import ---------------------------------------------------------------------

constexpr char kImportUsage[] =
    R"(Usage: healthcontent import [--format=json|page|nhs|medlineplus] [--dry-run]
                            [--db=PATH | --server=HOST:PORT --token=TOKEN]
                            FILE_OR_DIR...

Imports content through the same validation and rules as the service, each
file all-or-nothing (one publish; a MedlinePlus file is read and validated
whole, then published a topic at a time), and reports per file (per topic
for MedlinePlus):
  imported   a new revision (or a new or changed therapy type)
  skipped    identical to what is already stored; nothing written
  refused    and why (with each invalid field)
Exits 1 if any file was refused, 2 if the database or server failed. A
failure that is not the file's (the server is down, the token is refused)
stops the batch.

Formats:
  json  (default) interchange files: PublishArticleRevisionRequest, or
        UpsertTherapyTypeRequest (recognised by their "therapyType" field or a
        therapy-types/ folder). A directory is read like data/: its therapy
        types first, then every other *.json below it in name order (hidden
        files and code-maps/ folders skipped).
  page  captured patient-education page text (*.txt in directories): the
        slug comes from the title unless --slug is given.
  nhs   NHS website content API pages (JSON-LD; *.json in directories).
  medlineplus
        MedlinePlus health-topics XML (mplus_topics_*.xml from
        https://medlineplus.gov/xml.html; *.xml in directories): a revision
        per <health-topic>, English topics first, a report line each. A
        file with any bad topic is refused whole. The revision date is the
        file's date-generated day (when NLM generated the snapshot, so when
        the text is known to have read so), not a topic's date-created: a
        topic keeps its creation day while its text changes, so every later
        snapshot would collide on it. Each snapshot imported is a revision;
        the same file again is skipped as identical. A Spanish topic linked
        to an English topic of the same file (<language-mapped-topic>) is its
        translation: articles/{english-slug}-es, translation_of the English
        article's revision of that day. An unlinked Spanish topic is an
        article of its own, slug from its title.

Flags:
  --db=PATH          write to this database file (created when missing). To
                     load a running server, prefer --server: its change feed
                     and caches see the writes at once.
  --server=HOST:PORT publish over gRPC (needs a publisher token)
  --dry-run          parse and validate only; --db and --server are not needed
  --publisher=NAME   page: the organisation that wrote the page
  --require-existing-therapy-types
                     page: refuse a page that lists a therapy type the
                     catalogue lacks. Without it such types are created first
                     (named by the slug rule, with the display name as the page
                     prints it; reported as "created therapy type ..."), and
                     ones that exist are left as they are.
  --language=CODE    page: BCP-47 language (default en)
  --slug=SLUG        page: the article's slug (one file only)
  --code-map=FILE    nhs: clinical codes for the pages, keyed by each
                     article's source_url (data/code-maps/nhs.json); added
                     to the codes a page carries
  --change-summary=TEXT  page: the revision's change summary
  --json             one JSON report {files:[{file,result,name,error}], ...}

)";

enum class Format { kJson, kPage, kNhs, kMedlinePlus };

struct FileReport {
  std::string file;
  std::string result;  // "imported", "skipped", "refused" or "valid"
  std::string name;    // the revision or therapy type
  absl::Status error;
  // Therapy types created for a page before its revision (names).
  std::vector<std::string> created_therapy_types;
};

bool IsHidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

bool UnderTherapyTypes(const std::string& path) {
  for (const fs::path& part : fs::path(path).parent_path()) {
    if (part == "therapy-types") return true;
  }
  return false;
}

// An interchange file holds an UpsertTherapyTypeRequest when its top-level
// object has "therapyType"; one that is not JSON at all counts by folder.
bool IsTherapyTypeFile(const std::string& path, absl::string_view text) {
  nlohmann::json doc = nlohmann::json::parse(text.begin(), text.end(), nullptr,
                                             /*allow_exceptions=*/false);
  if (doc.is_object()) {
    if (doc.contains("therapyType") || doc.contains("therapy_type")) return true;
    if (doc.contains("article")) return false;
  }
  return UnderTherapyTypes(path);
}

// The files a directory holds for `format`, in import order: sorted by path,
// and for json the therapy types first (articles name them).
std::vector<std::string> DirectoryFiles(const std::string& dir, Format format) {
  const std::string extension = format == Format::kPage          ? ".txt"
                                : format == Format::kMedlinePlus ? ".xml"
                                                                 : ".json";
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    // code-maps/ (data/code-maps/) holds importers' code maps, not requests.
    if (IsHidden(it->path()) || (it->is_directory() && it->path().filename() == "code-maps")) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == extension) {
      files.push_back(it->path().string());
    }
  }
  std::sort(files.begin(), files.end());
  if (format == Format::kJson) {
    std::stable_partition(files.begin(), files.end(), [](const std::string& file) {
      if (UnderTherapyTypes(file)) return true;
      absl::StatusOr<std::string> text = importers::ReadFile(file);
      return text.ok() && IsTherapyTypeFile(file, *text);
    });
  }
  return files;
}

// `status` with a leading "<file>: " dropped: the report names the file itself.
std::string Reason(const absl::Status& status, const std::string& file) {
  absl::string_view message = status.message();
  const std::string prefix = absl::StrCat(file, ": ");
  if (absl::StartsWith(message, prefix)) message.remove_prefix(prefix.size());
  return std::string(message);
}

// A failure that is not the file's: the store, the server or the token
// failed, and the remaining files would fail the same way.
bool StopsTheBatch(const absl::Status& status) {
  return ExitCodeFor(status) == kServerError || absl::IsUnauthenticated(status) ||
         absl::IsPermissionDenied(status);
}

class Importer {
 public:
  Importer(const CommandLine& command_line, Format format, Backend* backend)
      : format_(format),
        backend_(backend),
        // Publish times are stored to the microsecond, rounded down.
        started_(absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()))) {
    page_options_.publisher = command_line.Get("publisher");
    page_options_.language_code = command_line.Get("language", page_options_.language_code);
    page_options_.slug = command_line.Get("slug");
    page_options_.change_summary = command_line.Get("change-summary");
    create_therapy_types_ = !command_line.Has("require-existing-therapy-types");
  }

  // Codes for NHS pages (--code-map).
  void SetCodeMap(importers::NhsCodeMap map) { code_map_ = std::move(map); }

  // Only UpsertTherapyTypeRequest files are taken; any other is refused.
  void OnlyTherapyTypes() { only_therapy_types_ = true; }

  // Imports (or with no backend, validates) one file: one report, or one a
  // topic for a MedlinePlus file that could be read (each topic is its own
  // publish; a refused one does not stop the others unless the backend
  // failed).
  std::vector<FileReport> Import(const std::string& file) {
    std::vector<FileReport> reports;
    absl::Status status = ImportOrValidate(file, &reports);
    if (!status.ok()) {
      if (reports.empty()) reports.push_back(FileReport{file, "", "", absl::OkStatus(), {}});
      reports.back().result = "refused";
      reports.back().error = status;
    }
    return reports;
  }

 private:
  absl::Status ImportOrValidate(const std::string& file, std::vector<FileReport>* reports) {
    ASSIGN_OR_RETURN(std::string text, importers::ReadFile(file));
    if (format_ == Format::kJson && IsTherapyTypeFile(file, text)) {
      v1::UpsertTherapyTypeRequest request;
      RETURN_IF_ERROR(importers::ParseInterchangeJson(text, file, &request));
      RETURN_IF_ERROR(domain::ValidateUpsertTherapyType(request));
      FileReport& report = reports->emplace_back(FileReport{file, "", "", absl::OkStatus(), {}});
      report.name = request.therapy_type().name();
      if (backend_ == nullptr) {
        report.result = "valid";
        return absl::OkStatus();
      }
      ASSIGN_OR_RETURN(bool changed, backend_->UpsertTherapyType(request));
      report.result = changed ? "imported" : "skipped";
      return absl::OkStatus();
    }
    if (only_therapy_types_) {
      return absl::InvalidArgumentError(
          "not an UpsertTherapyTypeRequest: the file has no \"therapyType\" object (see "
          "data/therapy-types/)");
    }
    if (format_ == Format::kMedlinePlus) return ImportMedlinePlus(file, text, reports);
    v1::PublishArticleRevisionRequest request;
    std::vector<v1::TherapyType> listed_therapy_types;
    switch (format_) {
      case Format::kJson:
        RETURN_IF_ERROR(importers::ParseInterchangeJson(text, file, &request));
        break;
      case Format::kPage: {
        ASSIGN_OR_RETURN(request,
                         importers::ImportPage(text, page_options_, &listed_therapy_types));
        break;
      }
      case Format::kNhs: {
        ASSIGN_OR_RETURN(request, importers::ImportNhsPage(text, file, &code_map_));
        break;
      }
      case Format::kMedlinePlus:
        break;  // above
    }
    FileReport& report = reports->emplace_back(FileReport{file, "", "", absl::OkStatus(), {}});
    return Publish(std::move(request), listed_therapy_types, &report);
  }

  // One report a topic, in the importer's order: English topics first, as the
  // server refuses a translation whose source revision it does not hold.
  absl::Status ImportMedlinePlus(const std::string& file, const std::string& text,
                                 std::vector<FileReport>* reports) {
    ASSIGN_OR_RETURN(std::vector<v1::PublishArticleRevisionRequest> requests,
                     importers::ImportMedlinePlusTopics(text, file));
    for (v1::PublishArticleRevisionRequest& request : requests) {
      FileReport& report = reports->emplace_back(FileReport{file, "", "", absl::OkStatus(), {}});
      absl::Status status = Publish(std::move(request), {}, &report);
      if (status.ok()) continue;
      report.result = "refused";
      report.error = status;
      if (StopsTheBatch(status)) break;
    }
    return absl::OkStatus();
  }

  // Validates `request` and, with a backend, publishes it (after creating the
  // therapy types it lists that the catalogue lacks); fills `report` but its
  // result on failure.
  absl::Status Publish(v1::PublishArticleRevisionRequest request,
                       const std::vector<v1::TherapyType>& listed_therapy_types,
                       FileReport* report) {
    RETURN_IF_ERROR(domain::ValidatePublishRequest(request));
    report->name = RevisionNameOf(request.article());
    if (backend_ == nullptr) {
      report->result = "valid";
      return absl::OkStatus();
    }
    if (create_therapy_types_) {
      RETURN_IF_ERROR(CreateMissingTherapyTypes(listed_therapy_types, report));
    }
    ASSIGN_OR_RETURN(v1::Article stored, backend_->PublishRevision(request));
    report->name = RevisionNameOf(stored);
    // An identical republish answers with the revision stored earlier; a
    // new one was published during this run. (Over gRPC this compares the
    // server's clock with ours.)
    const absl::Time published = absl::FromUnixSeconds(stored.publish_time().seconds()) +
                                 absl::Nanoseconds(stored.publish_time().nanos());
    report->result = published < started_ ? "skipped" : "imported";
    return absl::OkStatus();
  }

  // Upserts each of `listed` that the backend does not hold yet; existing
  // ones are left untouched, so a curated display name or alias survives.
  absl::Status CreateMissingTherapyTypes(const std::vector<v1::TherapyType>& listed,
                                         FileReport* report) {
    for (const v1::TherapyType& type : listed) {
      const std::string slug(absl::StripPrefix(type.name(), "therapyTypes/"));
      absl::StatusOr<v1::UpsertTherapyTypeRequest> existing = backend_->ExportTherapyType(slug);
      if (existing.ok()) continue;
      if (!absl::IsNotFound(existing.status())) return existing.status();
      v1::UpsertTherapyTypeRequest create;
      *create.mutable_therapy_type() = type;
      RETURN_IF_ERROR(domain::ValidateUpsertTherapyType(create));
      RETURN_IF_ERROR(backend_->UpsertTherapyType(create).status());
      report->created_therapy_types.push_back(type.name());
    }
    return absl::OkStatus();
  }

  Format format_;
  Backend* backend_;  // nullptr for --dry-run
  bool create_therapy_types_ = true;
  bool only_therapy_types_ = false;
  importers::NhsCodeMap code_map_;
  absl::Time started_;
  importers::PageImportOptions page_options_;
};

std::string ReportLine(const FileReport& report) {
  std::string line;
  for (const std::string& created : report.created_therapy_types) {
    absl::StrAppend(&line, "created therapy type ", created, "\n");
  }
  absl::StrAppend(&line, absl::StrFormat("%-9s %s", report.result, report.file));
  if (report.result == "refused") {
    absl::StrAppend(&line, ": ", Reason(report.error, report.file), "\n");
    for (const std::string& violation : FieldViolationLines(report.error)) {
      absl::StrAppend(&line, "            ", violation, "\n");
    }
    return line;
  }
  absl::StrAppend(&line, ": ", report.name, report.result == "skipped" ? " is identical" : "",
                  "\n");
  return line;
}

nlohmann::json ReportJson(const FileReport& report) {
  nlohmann::json out = {{"file", report.file}, {"result", report.result}};
  if (!report.name.empty()) out["name"] = report.name;
  if (!report.created_therapy_types.empty()) {
    out["createdTherapyTypes"] = report.created_therapy_types;
  }
  if (!report.error.ok()) {
    nlohmann::json error = {{"code", std::string(LowerStatusCodeName(report.error.code()))},
                            {"message", std::string(report.error.message())}};
    google::rpc::BadRequest bad_request;
    if (GetBadRequest(report.error, &bad_request)) {
      for (const auto& violation : bad_request.field_violations()) {
        error["fieldViolations"].push_back(
            nlohmann::json{{"field", violation.field()}, {"description", violation.description()}});
      }
    }
    out["error"] = std::move(error);
  }
  return out;
}

// Imports `files` (already expanded from directories) and prints the
// per-file report and the totals; returns the exit code. `command` names the
// command in errors.
int ImportFiles(const CommandLine& command_line, Format format,
                const std::vector<std::string>& files, absl::string_view command,
                bool only_therapy_types) {
  // The code map first: a bad one stops the import before anything is opened.
  importers::NhsCodeMap code_map;
  if (command_line.Has("code-map")) {
    const std::string path = command_line.Get("code-map");
    absl::StatusOr<std::string> text = importers::ReadFile(path);
    if (!text.ok()) return ReportError(text.status());
    absl::StatusOr<importers::NhsCodeMap> map = importers::ParseNhsCodeMap(*text, path);
    if (!map.ok()) return ReportError(map.status());
    code_map = *std::move(map);
  }
  const bool dry_run = command_line.Has("dry-run");
  std::unique_ptr<Backend> backend;
  if (!dry_run) {
    auto opened = OpenBackend(command_line, /*writable=*/true, command);
    if (!opened.ok()) return ReportError(opened.status());
    backend = *std::move(opened);
  }
  const bool json = command_line.Has("json");
  Importer importer(command_line, format, backend.get());
  if (only_therapy_types) importer.OnlyTherapyTypes();
  importer.SetCodeMap(std::move(code_map));
  nlohmann::json reports = nlohmann::json::array();
  int imported = 0, skipped = 0, refused = 0, valid = 0;
  absl::Status aborted;
  {
    Progress progress(static_cast<int>(files.size()));
    for (size_t i = 0; i < files.size(); ++i) {
      progress.Update(static_cast<int>(i), files[i]);
      for (const FileReport& report : importer.Import(files[i])) {
        if (report.result == "refused" && StopsTheBatch(report.error)) {
          aborted = report.error;
          break;
        }
        imported += report.result == "imported";
        skipped += report.result == "skipped";
        refused += report.result == "refused";
        valid += report.result == "valid";
        if (json) {
          reports.push_back(ReportJson(report));
        } else {
          progress.Clear();
          PrintOut(ReportLine(report));
        }
      }
      if (!aborted.ok()) break;
    }
  }
  if (json) {
    nlohmann::json out = {{"files", std::move(reports)}, {"dryRun", dry_run},
                          {"imported", imported},        {"skipped", skipped},
                          {"refused", refused},          {"valid", valid}};
    PrintOut(absl::StrCat(out.dump(2), "\n"));
  } else if (dry_run) {
    PrintOut(absl::StrCat(valid, " valid, ", refused, " refused (dry run: nothing written)\n"));
  } else {
    PrintOut(absl::StrCat(imported, " imported, ", skipped, " skipped as identical, ", refused,
                          " refused\n"));
  }
  if (!aborted.ok()) return ReportError(aborted);
  return refused > 0 ? kUserError : kOk;
}

int Import(const CommandLine& command_line) {
  if (command_line.positional().empty()) {
    return Finish(UsageError("usage: healthcontent import [flags] FILE_OR_DIR... (see --help)"));
  }
  const std::string format_name = command_line.Get("format", "json");
  Format format;
  if (format_name == "json") {
    format = Format::kJson;
  } else if (format_name == "page") {
    format = Format::kPage;
  } else if (format_name == "nhs") {
    format = Format::kNhs;
  } else if (format_name == "medlineplus") {
    format = Format::kMedlinePlus;
  } else {
    return Finish(
        UsageError(absl::StrCat("--format=", format_name, ": use json, page, nhs or medlineplus")));
  }
  std::vector<std::string> files;
  for (const std::string& argument : command_line.positional()) {
    std::error_code ec;
    if (fs::is_directory(argument, ec)) {
      std::vector<std::string> found = DirectoryFiles(argument, format);
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(argument);  // a missing file is reported as refused
    }
  }
  if (command_line.Has("slug") && files.size() != 1) {
    return Finish(UsageError("--slug names one article: give exactly one page file"));
  }
  if (command_line.Has("code-map") && format != Format::kNhs) {
    return Finish(UsageError("--code-map is for --format=nhs"));
  }
  return ImportFiles(command_line, format, files, "import", /*only_therapy_types=*/false);
}

// therapy-types upsert -------------------------------------------------------

}  // namespace

int UpsertTherapyTypeFiles(const CommandLine& command_line) {
  std::vector<std::string> files(command_line.positional().begin() + 1,
                                 command_line.positional().end());
  if (files.empty()) {
    return Finish(UsageError("usage: healthcontent therapy-types upsert FILE... (see --help)"));
  }
  return ImportFiles(command_line, Format::kJson, files, "therapy-types upsert",
                     /*only_therapy_types=*/true);
}

namespace {

// export ---------------------------------------------------------------------

constexpr char kExportUsage[] =
    R"(Usage: healthcontent export [--db=PATH | --server=HOST:PORT] (--all | NAME...)
                            [--out=DIR]

Writes content in the interchange format (protobuf JSON, as in data/), which
`healthcontent import` reads back to the same bytes. NAME is
  articles/{slug}                         its revision in force today
  articles/{slug}/revisions/{YYYY-MM-DD}  one revision
  therapyTypes/{slug}                     one therapy type
--all exports every therapy type and every revision of every live article.

  --db=PATH          read this database file (read-only; safe while a server
                     uses it)
  --server=HOST:PORT read from a server over gRPC
  --out=DIR          write DIR/therapy-types/{slug}.json and
                     DIR/articles/{slug}/{YYYY-MM-DD}.json (the data/ layout),
                     replacing files of the same name; without it the
                     documents go to stdout one after another

)";

// One document to export: a therapy type (fetched already by --all, else by
// slug) or an article revision.
struct ExportItem {
  bool is_therapy_type = false;
  std::string slug;
  absl::CivilDay review_date;  // revisions only
  std::optional<v1::UpsertTherapyTypeRequest> therapy_type;
};

// Writes one exported file, making its directory first: WriteFileDurably, so
// a crash leaves the old file or the whole new one.
absl::Status WriteExportFile(const fs::path& path, absl::string_view content) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot create ", path.parent_path().string(), ": ", ec.message()));
  }
  return WriteFileDurably(path.string(), content);
}

absl::StatusOr<std::vector<ExportItem>> ExportItems(const CommandLine& command_line,
                                                    Backend* backend) {
  std::vector<ExportItem> items;
  if (command_line.Has("all")) {
    ASSIGN_OR_RETURN(auto therapy_types, backend->ExportTherapyTypes());
    for (auto& request : therapy_types) {
      ASSIGN_OR_RETURN(std::string slug,
                       ParseTherapyTypeName(request.therapy_type().name(), "therapy type"));
      items.push_back({true, slug, {}, std::move(request)});
    }
    ASSIGN_OR_RETURN(auto keys, backend->AllRevisionKeys());
    for (const auto& key : keys) items.push_back({false, key.slug, key.review_date, {}});
    return items;
  }
  for (const std::string& name : command_line.positional()) {
    if (absl::StartsWith(name, "therapyTypes/")) {
      ASSIGN_OR_RETURN(std::string slug, ParseTherapyTypeName(name, "NAME"));
      items.push_back({true, slug, {}, {}});
    } else if (absl::StrContains(name, "/revisions/")) {
      ASSIGN_OR_RETURN(RevisionName revision, ParseRevisionName(name, "NAME"));
      items.push_back({false, revision.article_slug, revision.review_date, {}});
    } else {
      ASSIGN_OR_RETURN(std::string slug, ParseArticleName(name, "NAME"));
      ASSIGN_OR_RETURN(absl::CivilDay in_force, backend->InForceReviewDate(slug));
      items.push_back({false, slug, in_force, {}});
    }
  }
  return items;
}

absl::Status Export(const CommandLine& command_line) {
  if (command_line.Has("all") == !command_line.positional().empty()) {
    return UsageError("usage: healthcontent export (--all | NAME...) [--out=DIR] (see --help)");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Backend> backend,
                   OpenBackend(command_line, /*writable=*/false, "export"));
  ASSIGN_OR_RETURN(std::vector<ExportItem> items, ExportItems(command_line, backend.get()));
  const bool to_dir = command_line.Has("out");
  const fs::path out_dir = command_line.Get("out");
  int therapy_types = 0, revisions = 0;
  Progress progress(to_dir ? static_cast<int>(items.size()) : 0);
  for (size_t i = 0; i < items.size(); ++i) {
    const ExportItem& item = items[i];
    std::string text;
    fs::path path;
    if (item.is_therapy_type) {
      if (item.therapy_type.has_value()) {
        text = importers::FormatInterchangeJson(*item.therapy_type);
      } else {
        ASSIGN_OR_RETURN(auto request, backend->ExportTherapyType(item.slug));
        text = importers::FormatInterchangeJson(request);
      }
      path = out_dir / "therapy-types" / (item.slug + ".json");
      ++therapy_types;
    } else {
      ASSIGN_OR_RETURN(auto request, backend->ExportRevision(item.slug, item.review_date));
      text = importers::FormatInterchangeJson(request);
      path = out_dir / "articles" / item.slug / (FormatIsoDate(item.review_date) + ".json");
      ++revisions;
    }
    progress.Update(static_cast<int>(i), path.string());
    if (to_dir) {
      RETURN_IF_ERROR(WriteExportFile(path, text));
    } else {
      PrintOut(text);
    }
  }
  progress.Clear();
  if (to_dir) {
    PrintOut(absl::StrCat("exported ", therapy_types,
                          therapy_types == 1 ? " therapy type and " : " therapy types and ",
                          revisions, revisions == 1 ? " revision" : " revisions", " to ",
                          out_dir.string(), "\n"));
  }
  return absl::OkStatus();
}

int RunExport(const CommandLine& command_line) { return Finish(Export(command_line)); }

std::vector<FlagSpec> WithRemoteFlags(std::vector<FlagSpec> own) {
  for (FlagSpec& flag : RemoteFlags()) own.push_back(std::move(flag));
  return own;
}

}  // namespace

std::vector<CommandSpec> TransferCommands() {
  return {
      {"import", "import interchange JSON, captured pages, NHS pages or MedlinePlus topics",
       absl::StrCat(kImportUsage, kRemoteFlagsHelp),
       WithRemoteFlags({{"format", true},
                        {"dry-run", false},
                        {"db", true},
                        {"publisher", true},
                        {"require-existing-therapy-types", false},
                        {"language", true},
                        {"slug", true},
                        {"code-map", true},
                        {"change-summary", true},
                        {"json", false}}),
       &Import},
      {"export", "export content as interchange JSON (the data/ layout)",
       absl::StrCat(kExportUsage, kRemoteFlagsHelp),
       WithRemoteFlags({{"db", true}, {"all", false}, {"out", true}}), &RunExport},
  };
}

}  // namespace healthcontent::cli
