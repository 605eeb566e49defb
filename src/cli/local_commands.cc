// Commands that need no server: `token new` makes bearer tokens, `backup`
// copies a database file safely while a server keeps using it, `bundle` cuts
// a content bundle for read replicas from it, `recover` readies a restored
// database to be the primary again.
#include <openssl/rand.h>

#include <climits>
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/cli_common.h"
#include "cli/commands.h"
#include "common/hash.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"
#include "storage/bundle.h"
#include "storage/recovery.h"
#include "storage/storage.h"

namespace healthcontent::cli {
namespace {

namespace fs = std::filesystem;

// token ----------------------------------------------------------------------

constexpr char kTokenUsage[] = R"(Usage: healthcontent token new --role=ROLE [--json]

Prints a fresh random bearer token and the line to add to the server's
--auth_tokens_file. ROLE is reader, publisher or admin. The token is shown
once; the server stores only its SHA-256.

  --role=ROLE   reader, publisher or admin
  --json        {"role", "token", "sha256", "tokens_file_line"}

)";

absl::Status TokenNew(const CommandLine& command_line) {
  if (command_line.positional().size() != 1 || command_line.positional()[0] != "new") {
    return UsageError("usage: healthcontent token new --role=ROLE [--json]");
  }
  const std::string role = command_line.Get("role");
  if (role != "reader" && role != "publisher" && role != "admin") {
    return UsageError("token new needs --role=reader, --role=publisher or --role=admin");
  }
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return absl::UnavailableError("could not read random bytes from the system");
  }
  const std::string token =
      absl::StrCat("hct_", absl::WebSafeBase64Escape(absl::string_view(
                               reinterpret_cast<const char*>(bytes), sizeof(bytes))));
  const std::string hash = Sha256Hex(token);
  const std::string line = absl::StrCat(role, " ", hash);
  if (command_line.Has("json")) {
    nlohmann::json out = {
        {"role", role}, {"token", token}, {"sha256", hash}, {"tokens_file_line", line}};
    PrintOut(absl::StrCat(out.dump(2), "\n"));
  } else {
    PrintOut(absl::StrCat("token (give this to the client; it is not shown again):\n  ", token,
                          "\ntokens-file line (add this to the server's --auth_tokens_file):\n  ",
                          line, "\n"));
  }
  return absl::OkStatus();
}

// Opens the database file a server may be using, read-only: never creates,
// migrates or writes it. Not immutable: the server keeps committing to it.
// NotFound when there is no such file.
absl::StatusOr<std::unique_ptr<storage::Storage>> OpenLiveDatabase(const std::string& db) {
  std::error_code ec;
  if (!fs::exists(db, ec)) return absl::NotFoundError(absl::StrCat(db, ": no such database file"));
  storage::Storage::Options options;
  options.read_only = true;
  return storage::Storage::Open(db, options);
}

// backup ---------------------------------------------------------------------

constexpr char kBackupUsage[] = R"(Usage: healthcontent backup --db=PATH --out=FILE [--json]

Writes a consistent, compact copy of the database file PATH to FILE while a
server keeps serving from PATH (SQLite VACUUM INTO inside one read
transaction: the copy holds exactly one committed state). FILE must not
exist: a backup never overwrites. To restore, stop the server and put FILE
in place of PATH.

  --db=PATH   the live database file
  --out=FILE  the new backup file
  --json      {"db", "out", "bytes"}

)";

absl::Status Backup(const CommandLine& command_line) {
  if (!command_line.Has("db") || !command_line.Has("out") || !command_line.positional().empty()) {
    return UsageError("usage: healthcontent backup --db=PATH --out=FILE");
  }
  const std::string db = command_line.Get("db");
  const std::string out = command_line.Get("out");
  std::error_code ec;
  if (fs::exists(out, ec)) {
    return absl::AlreadyExistsError(
        absl::StrCat(out, " already exists; a backup never overwrites a file"));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Storage> storage, OpenLiveDatabase(db));
  RETURN_IF_ERROR(storage->CopyTo(out));
  const auto bytes = fs::file_size(out, ec);
  if (command_line.Has("json")) {
    nlohmann::json report = {{"db", db}, {"out", out}, {"bytes", ec ? 0 : bytes}};
    PrintOut(absl::StrCat(report.dump(2), "\n"));
  } else {
    PrintOut(absl::StrCat("backed up ", db, " to ", out, " (", ec ? 0 : bytes, " bytes)\n"));
  }
  return absl::OkStatus();
}

// bundle ---------------------------------------------------------------------

constexpr char kBundleUsage[] = R"(Usage: healthcontent bundle --db=PATH --out=DIR [--keep=N]

Cuts a content bundle for read replicas from the database file PATH while a
server keeps serving and writing it, then keeps only the newest N bundles in
DIR. A bundle is a directory DIR/bundle-<change sequence>-<UTC time> holding
  healthcontent.db  a consistent, compact copy of the database (SQLite
                    VACUUM INTO inside one read transaction: exactly one
                    committed state)
  MANIFEST.json     the copy's change sequence, article and revision counts,
                    schema version, creation time, size and SHA-256, read
                    from the copy itself
It is written in DIR/.staging-* and renamed into place once everything is on
disk, so DIR never holds half a bundle. Pruning also removes staging
directories left over by a crash (untouched for an hour).

A replica checks a bundle against its manifest before serving it and opens
the database immutable: read-only, without locks or -wal/-shm files, so the
bundle can sit on a read-only filesystem.

Prints the manifest as JSON, with "path": the new bundle's directory.

  --db=PATH   the live database file (opened read-only; never migrated)
  --out=DIR   where bundles go; created if missing
  --keep=N    bundles to keep, newest first, this one included (default 5,
              at least 1)

)";

absl::Status Bundle(const CommandLine& command_line) {
  if (!command_line.Has("db") || !command_line.Has("out") || !command_line.positional().empty()) {
    return UsageError("usage: healthcontent bundle --db=PATH --out=DIR [--keep=N]");
  }
  const std::string db = command_line.Get("db");
  const std::string out = command_line.Get("out");
  ASSIGN_OR_RETURN(int64_t keep, command_line.GetInt("keep", 5));
  if (keep < 1 || keep > INT_MAX) {
    return UsageError(absl::StrCat("--keep=", keep, " must be at least 1"));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Storage> storage, OpenLiveDatabase(db));
  ASSIGN_OR_RETURN(storage::BundleManifest manifest,
                   storage::CutBundle(storage.get(), out, absl::Now()));
  // The bundle is cut and usable even if pruning fails: say where it is first.
  PrintOut(storage::BundleManifestJson(manifest, /*include_path=*/true));
  absl::Status pruned = storage::PruneBundles(out, static_cast<int>(keep));
  if (!pruned.ok()) {
    return absl::Status(pruned.code(), absl::StrCat("cut ", manifest.path,
                                                    " but pruning failed: ", pruned.message()));
  }
  return absl::OkStatus();
}

// recover --------------------------------------------------------------------

constexpr char kRecoverUsage[] =
    R"(Usage: healthcontent recover --db=PATH [--bundle-dir=DIR] [--sequence-gap=N] [--json]

Readies a primary's database that was restored after its disk was lost
(`litestream restore`, see deploy/README.md "Disaster recovery") to take
writes again. Run it with no server on PATH, after the restore and before the
server starts; deploy/litestream/restore-primary does both.

  1. The newest bundle in DIR that verifies (checksum, schema) is found.
  2. The database and that bundle must be the same history: every change
     both hold is the same change. If not, nothing is changed and the
     command fails naming the first sequence that differs.
  3. When the bundle is newer than the database (its change sequence is
     higher), or PATH does not exist, PATH is replaced by the bundle's copy:
     every revision comes back with its original sequence, etag and
     publish_time. Otherwise the database is kept as it is.
  4. A PRIMARY_RESTORED change is recorded N sequences past the newest
     change, so that no sequence number the lost primary may have announced
     after what was restored is used again (skipped when the newest change
     already is one: running it twice fences once).

A primary started with --bundle_dir refuses writes (FAILED_PRECONDITION)
while its database is behind the newest bundle, until this has run.

  --db=PATH          the restored database file (created from the bundle when
                     missing)
  --bundle-dir=DIR   the primary's bundles (what `healthcontent bundle --out`
                     writes and replicas read)
  --sequence-gap=N   how far the sequence jumps (default 1000000)
  --json             the report as JSON

)";

absl::Status Recover(const CommandLine& command_line) {
  if (!command_line.Has("db") || !command_line.positional().empty()) {
    return UsageError("usage: healthcontent recover --db=PATH [--bundle-dir=DIR]");
  }
  ASSIGN_OR_RETURN(int64_t gap, command_line.GetInt("sequence-gap", storage::kDefaultSequenceGap));
  if (gap < 1) return UsageError(absl::StrCat("--sequence-gap=", gap, " must be at least 1"));
  ASSIGN_OR_RETURN(storage::RecoveryReport report,
                   storage::RecoverPrimary(command_line.Get("db"), command_line.Get("bundle-dir"),
                                           gap, absl::Now()));
  if (command_line.Has("json")) {
    nlohmann::json out = {
        {"database_sequence", report.database_sequence}, {"bundle", report.bundle},
        {"bundle_sequence", report.bundle_sequence},     {"took_bundle", report.took_bundle},
        {"skipped_bundles", report.skipped_bundles},     {"fence_sequence", report.fence_sequence}};
    PrintOut(out.dump(2) + "\n");
    return absl::OkStatus();
  }
  std::string text;
  for (const std::string& skipped : report.skipped_bundles) {
    absl::StrAppend(&text, "skipped bundle: ", skipped, "\n");
  }
  absl::StrAppend(&text, "database: newest change ", report.database_sequence, "\n");
  if (report.bundle.empty()) {
    absl::StrAppend(&text, "bundle: none\n");
  } else {
    absl::StrAppend(&text, "bundle: ", report.bundle, " (change ", report.bundle_sequence, ")\n");
  }
  absl::StrAppend(&text, report.took_bundle
                             ? "took the bundle's content: it is newer than the database\n"
                             : "kept the database: the bundle is not newer\n");
  if (report.fence_sequence > 0) {
    absl::StrAppend(&text, "recorded PRIMARY_RESTORED at sequence ", report.fence_sequence,
                    "; the next change is ", report.fence_sequence + 1, "\n");
  } else {
    absl::StrAppend(&text, "already fenced: the newest change is PRIMARY_RESTORED\n");
  }
  PrintOut(text);
  return absl::OkStatus();
}

template <absl::Status (*command)(const CommandLine&)>
int Run(const CommandLine& command_line) {
  return Finish(command(command_line));
}

}  // namespace

std::vector<CommandSpec> LocalCommands() {
  return {
      {"token",
       "make a bearer token and its tokens-file line (token new)",
       kTokenUsage,
       {{"role", true}, {"json", false}},
       &Run<TokenNew>},
      {"backup",
       "copy a live database file consistently",
       kBackupUsage,
       {{"db", true}, {"out", true}, {"json", false}},
       &Run<Backup>},
      {"bundle",
       "cut a content bundle for read replicas",
       kBundleUsage,
       {{"db", true}, {"out", true}, {"keep", true}},
       &Run<Bundle>},
      {"recover",
       "ready a restored primary database (after disk loss)",
       kRecoverUsage,
       {{"db", true}, {"bundle-dir", true}, {"sequence-gap", true}, {"json", false}},
       &Run<Recover>},
  };
}

}  // namespace healthcontent::cli
