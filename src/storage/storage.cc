#include "storage/storage.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/schema.h"

namespace healthcontent::storage {

Storage::Storage(std::string path, Database::Options reader_options,
                 std::unique_ptr<Database> writer)
    : readers_(std::move(path), reader_options), writer_(std::move(writer)) {}

absl::StatusOr<std::unique_ptr<Storage>> Storage::Open(const std::string& path,
                                                       const Options& options) {
  if (options.immutable && !options.read_only) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": only read-only storage can be opened immutable"));
  }
  const Database::Options reader_options{.read_only = true, .immutable = options.immutable};
  std::unique_ptr<Database> writer;
  if (options.read_only) {
    ASSIGN_OR_RETURN(auto probe, Database::Open(path, reader_options));
    RETURN_IF_ERROR(CheckSchemaVersion(probe.get()));
  } else {
    ASSIGN_OR_RETURN(writer, Database::Open(path, {.read_only = false}));
    RETURN_IF_ERROR(MigrateSchema(writer.get()));
  }
  return std::unique_ptr<Storage>(new Storage(path, reader_options, std::move(writer)));
}

absl::Status Storage::Write(absl::FunctionRef<absl::Status(Database*)> fn) {
  absl::Status status;
  {
    absl::MutexLock lock(&write_mu_);
    if (writer_ == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat(readers_.path(), " is served read-only; send writes to the primary"));
    }
    status = fn(writer_.get());
  }
  if (status.ok()) {
    absl::MutexLock lock(&listeners_mu_);
    for (const auto& listener : listeners_) listener();
  }
  return status;
}

absl::Status Storage::CopyTo(const std::string& destination) {
  ASSIGN_OR_RETURN(Database * db, Reader());
  ASSIGN_OR_RETURN(Statement vacuum, db->PrepareUncached("VACUUM INTO ?1"));
  vacuum.BindText(1, destination);
  absl::Status status = vacuum.Run();
  if (!status.ok()) {
    return absl::Status(status.code(), absl::StrCat("copying the database to ", destination,
                                                    ": ", status.message()));
  }
  return absl::OkStatus();
}

void Storage::AddCommitListener(std::function<void()> listener) {
  absl::MutexLock lock(&listeners_mu_);
  listeners_.push_back(std::move(listener));
}

}  // namespace healthcontent::storage
