#include "storage/bundle.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <system_error>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"
#include "storage/change_log.h"
#include "storage/schema.h"

namespace healthcontent::storage {
namespace {

namespace fs = std::filesystem;

constexpr char kBundlePrefix[] = "bundle-";
constexpr char kStagingPrefix[] = ".staging-";
// A staging directory untouched for this long is a crashed cut's leftover.
constexpr std::chrono::hours kAbandonedStagingAge{1};
// MANIFEST.json is a few hundred bytes; anything this big is not one.
constexpr size_t kMaxManifestBytes = 64 << 10;

absl::Status Prefixed(absl::string_view prefix, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(prefix, ": ", status.message()));
}

// Removes a directory tree when destroyed, unless released: a failed cut
// leaves nothing behind.
class RemoveOnExit {
 public:
  explicit RemoveOnExit(std::string path) : path_(std::move(path)) {}
  RemoveOnExit(const RemoveOnExit&) = delete;
  RemoveOnExit& operator=(const RemoveOnExit&) = delete;
  ~RemoveOnExit() {
    if (path_.empty()) return;
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  void Release() { path_.clear(); }

 private:
  std::string path_;
};

// Feeds the file at `path` to `consume` in 1 MiB chunks, so a database of any
// size is read in constant memory.
absl::Status ReadChunks(const std::string& path,
                        absl::FunctionRef<absl::Status(absl::string_view)> consume) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return FileError("opening", path, errno);
  std::unique_ptr<char[]> buffer(new char[1 << 20]);
  while (true) {
    ssize_t n = ::read(fd.get(), buffer.get(), 1 << 20);
    if (n < 0) {
      if (errno == EINTR) continue;
      return FileError("reading", path, errno);
    }
    if (n == 0) return absl::OkStatus();
    RETURN_IF_ERROR(consume(absl::string_view(buffer.get(), static_cast<size_t>(n))));
  }
}

// Lower-case hex SHA-256 of a file's content, as Sha256Hex (common/hash.h)
// gives for a string, computed without holding the file in memory.
absl::StatusOr<std::string> Sha256OfFile(const std::string& path) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  if (context == nullptr || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    return absl::InternalError("cannot start a SHA-256 digest (OpenSSL)");
  }
  RETURN_IF_ERROR(ReadChunks(path, [&](absl::string_view chunk) {
    EVP_DigestUpdate(context.get(), chunk.data(), chunk.size());
    return absl::OkStatus();
  }));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context.get(), digest, &length) != 1) {
    return absl::InternalError("cannot finish a SHA-256 digest (OpenSSL)");
  }
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

absl::StatusOr<std::string> ReadSmallFile(const std::string& path, size_t max_bytes) {
  std::string text;
  RETURN_IF_ERROR(ReadChunks(path, [&](absl::string_view chunk) {
    if (text.size() + chunk.size() > max_bytes) {
      return absl::DataLossError(absl::StrCat(path, " is over ", max_bytes, " bytes"));
    }
    text.append(chunk.data(), chunk.size());
    return absl::OkStatus();
  }));
  return text;
}

// What a bundle's database holds, as the manifest records it.
struct BundleContents {
  int64_t change_sequence = 0;
  int64_t article_count = 0;
  int64_t revision_count = 0;
};

// Opens the database file as a replica will (read-only, immutable; Storage
// refuses a schema version other than this build's with FailedPrecondition)
// and reads what it holds.
absl::StatusOr<BundleContents> ReadBundleContents(const std::string& db_path) {
  Storage::Options options;
  options.read_only = true;
  options.immutable = true;
  ASSIGN_OR_RETURN(std::unique_ptr<Storage> storage, Storage::Open(db_path, options));
  BundleContents contents;
  ASSIGN_OR_RETURN(contents.change_sequence, ChangeLog(storage.get()).LatestSequence());
  ASSIGN_OR_RETURN(Database * db, storage->Reader());
  ASSIGN_OR_RETURN(Statement count,
                   db->PrepareUncached(
                       "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM revisions)"));
  ASSIGN_OR_RETURN(bool row, count.Step());
  if (!row) {
    return absl::InternalError(absl::StrCat("counting the rows of ", db_path, " gave no row"));
  }
  contents.article_count = count.ColumnInt64(0);
  contents.revision_count = count.ColumnInt64(1);
  return contents;
}

// "bundle-000000000042-20260601T120000123Z".
std::string BundleName(int64_t change_sequence, absl::Time now) {
  std::string time = absl::StrReplaceAll(
      absl::FormatTime("%Y%m%dT%H%M%E3SZ", now, absl::UTCTimeZone()), {{".", ""}});
  return absl::StrFormat("%s%012d-%s", kBundlePrefix, change_sequence, time);
}

// True for exactly the names BundleName makes.
bool IsBundleName(absl::string_view name) {
  // '#' stands for a digit.
  constexpr absl::string_view kPattern = "bundle-############-########T#########Z";
  if (name.size() != kPattern.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (kPattern[i] == '#' ? !absl::ascii_isdigit(name[i]) : name[i] != kPattern[i]) return false;
  }
  return true;
}

// --- MANIFEST.json ---------------------------------------------------------

// Reads an integer field; DataLoss names the manifest and the field.
absl::StatusOr<int64_t> IntField(const nlohmann::json& json, const char* key,
                                 const std::string& manifest_path) {
  auto it = json.find(key);
  if (it == json.end() || !it->is_number_integer()) {
    return absl::DataLossError(
        absl::StrCat(manifest_path, ": \"", key, "\" is missing or not a whole number"));
  }
  return it->get<int64_t>();
}

absl::StatusOr<std::string> StringField(const nlohmann::json& json, const char* key,
                                        const std::string& manifest_path) {
  auto it = json.find(key);
  if (it == json.end() || !it->is_string()) {
    return absl::DataLossError(
        absl::StrCat(manifest_path, ": \"", key, "\" is missing or not a string"));
  }
  return it->get<std::string>();
}

// Parses MANIFEST.json. The format is checked first: a later format may
// have other fields.
absl::StatusOr<BundleManifest> ParseManifest(absl::string_view text,
                                             const std::string& manifest_path) {
  nlohmann::json json =
      nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return absl::DataLossError(absl::StrCat(manifest_path, " is not a JSON object"));
  }
  BundleManifest manifest;
  ASSIGN_OR_RETURN(int64_t format, IntField(json, "format", manifest_path));
  if (format != kBundleFormat) {
    return absl::FailedPreconditionError(
        absl::StrCat(manifest_path, ": bundle format ", format,
                     " is not one this build reads (it reads format ", kBundleFormat, ")"));
  }
  ASSIGN_OR_RETURN(int64_t schema_version, IntField(json, "schema_version", manifest_path));
  if (schema_version != LatestSchemaVersion()) {
    return absl::FailedPreconditionError(
        absl::StrCat(manifest_path, ": the bundle has schema version ", schema_version,
                     "; this build needs ", LatestSchemaVersion()));
  }
  manifest.schema_version = static_cast<int>(schema_version);
  ASSIGN_OR_RETURN(manifest.change_sequence, IntField(json, "change_sequence", manifest_path));
  ASSIGN_OR_RETURN(manifest.article_count, IntField(json, "article_count", manifest_path));
  ASSIGN_OR_RETURN(manifest.revision_count, IntField(json, "revision_count", manifest_path));
  ASSIGN_OR_RETURN(manifest.created, StringField(json, "created", manifest_path));
  ASSIGN_OR_RETURN(manifest.database_file, StringField(json, "database_file", manifest_path));
  ASSIGN_OR_RETURN(manifest.database_bytes, IntField(json, "database_bytes", manifest_path));
  ASSIGN_OR_RETURN(manifest.sha256, StringField(json, "sha256", manifest_path));
  // The database must be inside the bundle: a name, not a path.
  if (manifest.database_file.empty() || manifest.database_file == "." ||
      manifest.database_file == ".." || absl::StrContains(manifest.database_file, '/')) {
    return absl::DataLossError(absl::StrCat(manifest_path, ": \"database_file\" \"",
                                            manifest.database_file,
                                            "\" is not a file name inside the bundle"));
  }
  return manifest;
}

// The cut itself; CutBundle adds the context to errors.
absl::StatusOr<BundleManifest> CutBundleInto(Storage* storage, const std::string& out_dir,
                                             absl::Time now) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return FileError("creating", out_dir, ec.value());

  std::string staging = absl::StrCat(out_dir, "/", kStagingPrefix, "XXXXXX");
  if (::mkdtemp(staging.data()) == nullptr) {
    return FileError("creating a staging directory in", out_dir, errno);
  }
  RemoveOnExit remove_staging(staging);
  // mkdtemp makes it 0700; replicas may read bundles as another user.
  if (::chmod(staging.c_str(), 0755) != 0) return FileError("chmod 0755", staging, errno);

  BundleManifest manifest;
  const std::string db_path = absl::StrCat(staging, "/", manifest.database_file);
  RETURN_IF_ERROR(storage->CopyTo(db_path));
  // SQLite documents that VACUUM INTO does not fsync its output.
  RETURN_IF_ERROR(SyncPath(db_path, /*directory=*/false));

  // Described from the copy, never from the live database, which has moved
  // on since the copy's read transaction.
  absl::StatusOr<BundleContents> contents = ReadBundleContents(db_path);
  if (!contents.ok()) {
    return Prefixed(absl::StrCat("reading the copy ", db_path), contents.status());
  }
  manifest.change_sequence = contents->change_sequence;
  manifest.article_count = contents->article_count;
  manifest.revision_count = contents->revision_count;
  manifest.schema_version = LatestSchemaVersion();  // Storage::Open checked the copy's
  manifest.created = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", now, absl::UTCTimeZone());
  const uintmax_t bytes = fs::file_size(db_path, ec);
  if (ec) return FileError("reading the size of", db_path, ec.value());
  manifest.database_bytes = static_cast<int64_t>(bytes);
  ASSIGN_OR_RETURN(manifest.sha256, Sha256OfFile(db_path));

  RETURN_IF_ERROR(WriteFileDurably(absl::StrCat(staging, "/", kBundleManifestFile),
                                   BundleManifestJson(manifest)));
  RETURN_IF_ERROR(SyncPath(staging, /*directory=*/true));

  const std::string bundle = absl::StrCat(out_dir, "/", BundleName(manifest.change_sequence, now));
  if (::rename(staging.c_str(), bundle.c_str()) != 0) {
    const int error = errno;
    if (error == EEXIST || error == ENOTEMPTY) {
      return absl::AlreadyExistsError(absl::StrCat(bundle, " already exists"));
    }
    return FileError(absl::StrCat("renaming ", staging, " to"), bundle, error);
  }
  remove_staging.Release();
  // Until out_dir is fsynced the rename may not survive a crash; a bundle
  // the caller was told failed must not stay either.
  RemoveOnExit remove_bundle(bundle);
  RETURN_IF_ERROR(SyncPath(out_dir, /*directory=*/true));
  remove_bundle.Release();
  manifest.path = bundle;
  return manifest;
}

}  // namespace

std::string BundleManifestJson(const BundleManifest& manifest, bool include_path) {
  nlohmann::ordered_json json = {
      {"format", manifest.format},
      {"change_sequence", manifest.change_sequence},
      {"article_count", manifest.article_count},
      {"revision_count", manifest.revision_count},
      {"schema_version", manifest.schema_version},
      {"created", manifest.created},
      {"database_file", manifest.database_file},
      {"database_bytes", manifest.database_bytes},
      {"sha256", manifest.sha256},
  };
  if (include_path) json["path"] = manifest.path;
  // Replace rather than throw on a path that is not UTF-8.
  return absl::StrCat(json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace),
                      "\n");
}

absl::StatusOr<BundleManifest> CutBundle(Storage* storage, const std::string& out_dir,
                                         absl::Time now) {
  // Absolute, so the returned path is usable from anywhere and the copy's
  // name never starts with "file:" (VACUUM INTO would read it as a URI).
  std::error_code ec;
  fs::path absolute = fs::absolute(out_dir, ec);
  if (ec) return FileError("resolving", out_dir, ec.value());
  absolute = absolute.lexically_normal();
  std::string dir = absolute.string();
  if (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  absl::StatusOr<BundleManifest> manifest = CutBundleInto(storage, dir, now);
  if (!manifest.ok()) {
    return Prefixed(absl::StrCat("cutting a bundle in ", dir), manifest.status());
  }
  return manifest;
}

absl::StatusOr<BundleManifest> VerifyBundle(const std::string& bundle_dir) {
  std::error_code ec;
  if (!fs::is_directory(bundle_dir, ec)) {
    return absl::NotFoundError(absl::StrCat(bundle_dir, " is not a bundle directory"));
  }
  const std::string manifest_path = absl::StrCat(bundle_dir, "/", kBundleManifestFile);
  absl::StatusOr<std::string> text = ReadSmallFile(manifest_path, kMaxManifestBytes);
  if (absl::IsNotFound(text.status())) {
    return absl::FailedPreconditionError(
        absl::StrCat(bundle_dir, " has no ", kBundleManifestFile, ": not a finished bundle"));
  }
  RETURN_IF_ERROR(text.status());
  ASSIGN_OR_RETURN(BundleManifest manifest, ParseManifest(*text, manifest_path));
  manifest.path = bundle_dir;

  const std::string db_path = absl::StrCat(bundle_dir, "/", manifest.database_file);
  const uintmax_t bytes = fs::file_size(db_path, ec);
  if (ec == std::errc::no_such_file_or_directory) {
    return absl::DataLossError(
        absl::StrCat(bundle_dir, ": the database file ", manifest.database_file, " is missing"));
  }
  if (ec) return FileError("reading the size of", db_path, ec.value());
  if (static_cast<int64_t>(bytes) != manifest.database_bytes) {
    return absl::DataLossError(absl::StrCat(bundle_dir, ": ", manifest.database_file, " size is ",
                                            bytes, " bytes but the manifest says ",
                                            manifest.database_bytes, " (a partial copy?)"));
  }
  ASSIGN_OR_RETURN(std::string sha256, Sha256OfFile(db_path));
  if (sha256 != manifest.sha256) {
    return absl::DataLossError(absl::StrCat(
        bundle_dir, ": ", manifest.database_file, " checksum mismatch: its SHA-256 is ", sha256,
        " but the manifest says ", manifest.sha256, " (the file is corrupt)"));
  }

  absl::StatusOr<BundleContents> contents = ReadBundleContents(db_path);
  if (absl::IsFailedPrecondition(contents.status())) {
    return Prefixed(bundle_dir, contents.status());  // another schema version
  }
  if (!contents.ok()) {
    return absl::DataLossError(
        absl::StrCat(bundle_dir, ": ", manifest.database_file,
                     " does not open read-only as a database: ", contents.status().message()));
  }
  auto differs = [&](absl::string_view what, int64_t actual, int64_t expected) {
    return absl::DataLossError(absl::StrCat(bundle_dir, ": the database's ", what, " is ", actual,
                                            " but the manifest says ", expected));
  };
  if (contents->change_sequence != manifest.change_sequence) {
    return differs("change sequence", contents->change_sequence, manifest.change_sequence);
  }
  if (contents->article_count != manifest.article_count) {
    return differs("article count", contents->article_count, manifest.article_count);
  }
  if (contents->revision_count != manifest.revision_count) {
    return differs("revision count", contents->revision_count, manifest.revision_count);
  }
  return manifest;
}

std::vector<std::string> ListBundles(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::error_code type_ec;
    if (IsBundleName(name) && it->is_directory(type_ec)) names.push_back(std::move(name));
  }
  // Fixed-width fields: name order is (sequence, time) order.
  std::sort(names.begin(), names.end(), std::greater<>());
  std::vector<std::string> paths;
  paths.reserve(names.size());
  for (const std::string& name : names) paths.push_back(absl::StrCat(dir, "/", name));
  return paths;
}

absl::Status PruneBundles(const std::string& dir, int keep) {
  if (keep < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("pruning ", dir, ": keep must be at least 1, not ", keep));
  }
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return absl::NotFoundError(absl::StrCat("pruning ", dir, ": not a directory"));
  }
  absl::Status first_error;
  auto remove = [&](const std::string& path) {
    std::error_code remove_ec;
    fs::remove_all(path, remove_ec);
    if (remove_ec && first_error.ok()) {
      first_error = FileError("pruning: removing", path, remove_ec.value());
    }
  };

  const std::vector<std::string> bundles = ListBundles(dir);
  for (size_t i = static_cast<size_t>(keep); i < bundles.size(); ++i) remove(bundles[i]);

  std::vector<fs::path> staging_dirs;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (absl::StartsWith(it->path().filename().string(), kStagingPrefix)) {
      staging_dirs.push_back(it->path());
    }
  }
  if (ec && first_error.ok()) first_error = FileError("pruning: listing", dir, ec.value());
  const auto now = fs::file_time_type::clock::now();
  for (const fs::path& staging : staging_dirs) {
    // A cut in progress keeps writing inside its directory: its age is that
    // of the newest change to it or to any file in it.
    std::error_code time_ec;
    fs::file_time_type newest = fs::last_write_time(staging, time_ec);
    if (time_ec) continue;  // gone: a cut just renamed it into a bundle
    for (fs::directory_iterator it(staging, time_ec), end; !time_ec && it != end;
         it.increment(time_ec)) {
      std::error_code entry_ec;
      fs::file_time_type changed = it->last_write_time(entry_ec);
      if (!entry_ec) newest = std::max(newest, changed);
    }
    if (now - newest >= kAbandonedStagingAge) remove(staging.string());
  }
  return first_error;
}

}  // namespace healthcontent::storage
