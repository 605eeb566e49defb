#include "storage/database.h"

#include <sqlite3.h>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/debug_check.h"

namespace healthcontent::storage {
namespace {

// `path` as a URI filename with immutable=1 (https://sqlite.org/uri.html).
std::string ImmutableUri(const std::string& path) {
  if (absl::StartsWith(path, "file:")) {
    // Already a URI (tests open "file:...?vfs=faulty"): add to its query,
    // before any fragment.
    std::string uri = path.substr(0, path.find('#'));
    absl::StrAppend(&uri, uri.find('?') == std::string::npos ? "?" : "&", "immutable=1");
    return uri;
  }
  // An absolute path gets an empty authority ("file:///srv/x.db"), so that a
  // path starting with "//" is not read as a host name.
  std::string uri = absl::StartsWith(path, "/") ? "file://" : "file:";
  for (char c : path) {
    switch (c) {
      case '%':
        uri += "%25";
        break;
      case '?':
        uri += "%3f";
        break;
      case '#':
        uri += "%23";
        break;
      default:
        uri += c;
    }
  }
  uri += "?immutable=1";
  return uri;
}

}  // namespace

absl::Status SqliteError(int rc, absl::string_view context, sqlite3* db) {
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message = absl::StrCat(context, ": ", detail);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(absl::StrCat(message, " (the database is busy; retry)"));
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return absl::UnavailableError(absl::StrCat(message, " (storage I/O error)"));
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(
          absl::StrCat(message, " (the disk holding the database is full)"));
    case SQLITE_CONSTRAINT:
      switch (rc) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
        case SQLITE_CONSTRAINT_ROWID:
          return absl::AlreadyExistsError(message);
        case SQLITE_CONSTRAINT_FOREIGNKEY:
          return absl::FailedPreconditionError(
              absl::StrCat(message, " (it refers to a row that does not exist)"));
        default:
          // NOT NULL, CHECK, a trigger's RAISE, a STRICT type: Internal, not
          // InvalidArgument. Every value a store binds comes from a request
          // that domain validation has already accepted (field by field, with
          // a BadRequest naming the field), or from the service itself, so
          // the schema's rules restate what validation guarantees; a write
          // that breaks one is a bug of ours, and the caller could do nothing
          // to its request to fix it.
          return absl::InternalError(
              absl::StrCat(message, " (a write broke a rule of the schema)"));
      }
    case SQLITE_READONLY:
      return absl::FailedPreconditionError(
          absl::StrCat(message, " (the database is open read-only)"));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::InternalError(absl::StrCat(message, " (database is corrupt)"));
    default:
      return absl::InternalError(message);
  }
}

absl::Status DecodeStored(absl::string_view bytes, absl::string_view what,
                          google::protobuf::MessageLite* out) {
  if (!out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat(what, " cannot be decoded (the database is damaged)"));
  }
  return absl::OkStatus();
}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      db_(other.db_),
      in_use_(std::exchange(other.in_use_, nullptr)),
      bind_error_(other.bind_error_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Release();
    stmt_ = std::exchange(other.stmt_, nullptr);
    db_ = other.db_;
    in_use_ = std::exchange(other.in_use_, nullptr);
    bind_error_ = other.bind_error_;
  }
  return *this;
}

Statement::~Statement() { Release(); }

void Statement::Release() {
  if (stmt_ == nullptr) return;
  if (in_use_ == nullptr) {
    sqlite3_finalize(stmt_);
  } else {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *in_use_ = false;
  }
  stmt_ = nullptr;
  in_use_ = nullptr;
}

Statement& Statement::BindInt64(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindDouble(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindText(int index, absl::string_view value) {
  int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindBlob(int index, absl::string_view value) {
  // A zero-length blob must still bind as a blob, not NULL.
  int rc = sqlite3_bind_blob64(stmt_, index, value.empty() ? "" : value.data(), value.size(),
                               SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

absl::StatusOr<bool> Statement::Step() {
  if (bind_error_ != 0) return SqliteError(bind_error_, "binding a parameter", db_);
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(rc, absl::StrCat("running ", sqlite3_sql(stmt_)), db_);
}

absl::Status Statement::Run() {
  ASSIGN_OR_RETURN(bool row, Step());
  while (row) {
    ASSIGN_OR_RETURN(row, Step());
  }
  return absl::OkStatus();
}

int64_t Statement::ColumnInt64(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::ColumnDouble(int column) const { return sqlite3_column_double(stmt_, column); }

absl::string_view Statement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return absl::string_view(reinterpret_cast<const char*>(text),
                           sqlite3_column_bytes(stmt_, column));
}

absl::string_view Statement::ColumnBlob(int column) const {
  const void* blob = sqlite3_column_blob(stmt_, column);
  if (blob == nullptr) return {};
  return absl::string_view(static_cast<const char*>(blob), sqlite3_column_bytes(stmt_, column));
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

void Statement::Reset() { sqlite3_reset(stmt_); }

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                         const Options& options) {
  sqlite3* raw = nullptr;
  const bool read_only = options.read_only || options.immutable;
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  flags |= read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  const std::string filename = options.immutable ? ImmutableUri(path) : path;
  int rc = sqlite3_open_v2(filename.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteError(rc, absl::StrCat("opening database ", path), raw);
    sqlite3_close_v2(raw);
    return status;
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  std::unique_ptr<Database> db(new Database(raw, path));
  RETURN_IF_ERROR(db->Execute("PRAGMA foreign_keys = ON;"));
  if (!read_only) {
    RETURN_IF_ERROR(db->Execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"));
    // Savepoint and statement journals (Storage::Write runs every write in a
    // savepoint) stay in memory instead of temporary files: they only ever
    // serve a rollback inside an open transaction, never recovery.
    RETURN_IF_ERROR(db->Execute("PRAGMA temp_store = MEMORY;"));
  }
  // Touch the schema so that a file that is not a database fails here, at
  // open, with a clear message rather than on the first query.
  RETURN_IF_ERROR(db->Execute("SELECT count(*) FROM sqlite_schema;"));
  return db;
}

Database::~Database() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached->stmt);
  sqlite3_close_v2(db_);
}

absl::Status Database::Execute(absl::string_view sql) {
  std::string copy(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    sqlite3_free(error);
    return SqliteError(rc, absl::StrCat("executing ", copy.substr(0, 80)), db_);
  }
  return absl::OkStatus();
}

absl::StatusOr<Statement> Database::Prepare(absl::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(rc, absl::StrCat("preparing ", sql), db_);
    auto cached = std::make_unique<CachedStatement>();
    cached->stmt = stmt;
    it = cache_.emplace(std::string(sql), std::move(cached)).first;
  }
  CachedStatement& cached = *it->second;
  // A second Statement would reset and rebind the first one's statement
  // under it.
  HC_DCHECK(!cached.in_use,
            absl::StrCat("Database::Prepare: a Statement for this SQL is still alive (only one "
                         "may be; use PrepareUncached for a second): ",
                         sql));
  cached.in_use = true;
  return Statement(cached.stmt, db_, &cached.in_use);
}

absl::StatusOr<Statement> Database::PrepareUncached(absl::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, absl::StrCat("preparing ", sql), db_);
  return Statement(stmt, db_, /*in_use=*/nullptr);
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

bool Database::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Transaction::~Transaction() {
  // Nothing to undo when SQLite already rolled the whole transaction back.
  if (!active_ || !db_->InTransaction()) return;
  if (nested_) {
    db_->Execute("ROLLBACK TO hc_transaction; RELEASE hc_transaction;").IgnoreError();
  } else {
    db_->Execute("ROLLBACK;").IgnoreError();
  }
}

absl::Status Transaction::Begin() {
  HC_DCHECK(!active_, "Transaction::Begin called twice");
  nested_ = db_->InTransaction();
  RETURN_IF_ERROR(db_->Execute(nested_ ? "SAVEPOINT hc_transaction;" : "BEGIN IMMEDIATE;"));
  active_ = true;
  return absl::OkStatus();
}

absl::Status Transaction::Commit() {
  HC_DCHECK(active_, "Transaction::Commit without an open transaction (no Begin, or committed)");
  absl::Status status = db_->Execute(nested_ ? "RELEASE hc_transaction;" : "COMMIT;");
  // A failed COMMIT leaves the transaction open; the destructor rolls it back.
  if (status.ok()) active_ = false;
  return status;
}

}  // namespace healthcontent::storage
