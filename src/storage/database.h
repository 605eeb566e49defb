// RAII over SQLite: Database owns a connection, Statement a prepared
// statement, Transaction a BEGIN ... COMMIT that rolls back unless committed.
//
// None of these types is thread-safe: a Database and everything prepared on it
// belong to one thread at a time (see ConnectionPool for one per thread).
#ifndef HEALTHCONTENT_STORAGE_DATABASE_H_
#define HEALTHCONTENT_STORAGE_DATABASE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message_lite.h"
#include "storage/debug_check.h"

struct sqlite3;
struct sqlite3_stmt;

namespace healthcontent::storage {

// Maps a SQLite result code (extended codes are on for every connection, so
// `rc` is one) to the most specific absl::Status:
//   BUSY, LOCKED, IOERR, CANTOPEN      Unavailable (retry)
//   FULL                               ResourceExhausted
//   CONSTRAINT_UNIQUE, _PRIMARYKEY,
//     _ROWID                           AlreadyExists (a clash with a row)
//   CONSTRAINT_FOREIGNKEY              FailedPrecondition (the row it refers
//                                      to does not exist)
//   CONSTRAINT_NOTNULL, _CHECK and any
//     other constraint                 Internal (our bug: see database.cc)
//   READONLY                           FailedPrecondition
//   CORRUPT, NOTADB                    Internal ("database is corrupt")
//   anything else                      Internal
// The message is `context`, SQLite's own message (from `db` when given) and
// what the code means.
absl::Status SqliteError(int rc, absl::string_view context, sqlite3* db = nullptr);

// Parses protobuf bytes read from the database into `out`: the one decoder of
// stored messages. DataLoss "<what> cannot be decoded (the database is
// damaged)" when they do not parse: the file is damaged, or something other
// than this service wrote it. `what` names the row, e.g. "stored
// articles/x/revisions/2024-01-02" or "stored references/doi-..." (the table
// follows from the resource).
absl::Status DecodeStored(absl::string_view bytes, absl::string_view what,
                          google::protobuf::MessageLite* out);

// A prepared statement. Move-only. Borrowed statements (from
// Database::Prepare's cache) are reset and their bindings cleared when the
// Statement goes out of scope; owned ones are finalized.
class Statement {
 public:
  Statement() = default;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binders take 1-based parameter indexes, as SQLite does. A failed bind is
  // remembered and reported by the next Step().
  Statement& BindInt64(int index, int64_t value);
  Statement& BindDouble(int index, double value);
  Statement& BindText(int index, absl::string_view value);
  Statement& BindBlob(int index, absl::string_view value);
  Statement& BindNull(int index);

  // Advances: true with a row to read, false when done.
  absl::StatusOr<bool> Step();
  // Steps to completion, expecting no rows (INSERT, UPDATE, DDL).
  absl::Status Run();

  int64_t ColumnInt64(int column) const;
  double ColumnDouble(int column) const;
  // Text and blob views stay valid until the next Step() or Reset().
  absl::string_view ColumnText(int column) const;
  absl::string_view ColumnBlob(int column) const;
  bool ColumnIsNull(int column) const;

  // Back to before the first Step(), bindings kept.
  void Reset();

 private:
  friend class Database;
  // `in_use` is the cache entry's flag of a borrowed statement, cleared on
  // release; nullptr for an owned statement, which is finalized.
  Statement(sqlite3_stmt* stmt, sqlite3* db, bool* in_use)
      : stmt_(stmt), db_(db), in_use_(in_use) {}
  void Release();

  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
  bool* in_use_ = nullptr;
  int bind_error_ = 0;
};

class Database {
 public:
  struct Options {
    // Open without write access (replicas, read connections).
    bool read_only = false;
    // Promise that nothing will change the file while it is open (a content
    // bundle, a file on read-only media). Implies read_only. The file is
    // opened through the URI parameter immutable=1, so SQLite takes no
    // locks and never creates -wal, -shm or -journal files next to it: it
    // works on a read-only filesystem. Committed pages still in a -wal file
    // are NOT seen, so use it only on files with none (VACUUM INTO copies,
    // cleanly closed databases). A file that does change under an immutable
    // connection gives wrong results or SQLITE_CORRUPT.
    // `path` may be a file name (escaped here) or a "file:" URI, to whose
    // query the parameter is added.
    bool immutable = false;
    // How long a statement waits for a lock held by another connection.
    int busy_timeout_ms = 5000;
  };

  // Opens (creating when writable) the database at `path`, turns on foreign
  // keys and, when writable, WAL journaling with synchronous=FULL so that a
  // committed transaction survives a crash or power loss. path() is `path`
  // as given, also for an immutable open.
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& path,
                                                        const Options& options);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more SQL statements without parameters or results.
  absl::Status Execute(absl::string_view sql);

  // A statement prepared once per connection and cached by its SQL text:
  // frequent queries pay for parsing once. Only one Statement for the same SQL
  // may be alive at a time (checked: HC_DCHECK); a second one, for a query
  // nested in its own loop, comes from PrepareUncached.
  absl::StatusOr<Statement> Prepare(absl::string_view sql);

  // A statement prepared just for this use (not cached).
  absl::StatusOr<Statement> PrepareUncached(absl::string_view sql);

  int64_t LastInsertRowId() const;
  // True while a transaction is open on this connection. SQLite may roll a
  // transaction back by itself on some errors (disk full, I/O error), so
  // callers that keep one open across several steps check this. Functions
  // that must run inside the write transaction check it too (HC_DCHECK).
  bool InTransaction() const;
  const std::string& path() const { return path_; }
  sqlite3* raw() { return db_; }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;  // a Statement holds it
  };

  sqlite3* db_;
  std::string path_;
  // Entries are boxed so that a Statement's pointer to `in_use` survives
  // rehashing.
  absl::flat_hash_map<std::string, std::unique_ptr<CachedStatement>> cache_;
};

// The one transaction mechanism: BEGIN IMMEDIATE ... COMMIT, rolled back by
// the destructor unless Commit() succeeded, so every early return leaves the
// database unchanged.
// Begun while a transaction is already open on the connection, it is a
// savepoint instead: Commit() releases it into the enclosing transaction,
// which makes it durable when that one commits, and the destructor rolls
// back only this transaction's work. Storage::Write is built on that: one
// Transaction per group of writes and one nested in it per write, so code
// running inside Storage::Write needs none of its own.
// When SQLite has already rolled the whole transaction back by itself (disk
// full, I/O error), the destructor has nothing left to undo and does nothing.
class Transaction {
 public:
  explicit Transaction(Database* db) : db_(db) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // Takes the write lock now (IMMEDIATE), so a busy database fails here, not
  // half-way through the work. At most once per Transaction.
  absl::Status Begin();
  // Requires a successful Begin() and no successful Commit() yet.
  absl::Status Commit();

 private:
  Database* db_;
  bool active_ = false;
  bool nested_ = false;
};

}  // namespace healthcontent::storage

#endif  // HEALTHCONTENT_STORAGE_DATABASE_H_
