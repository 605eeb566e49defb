// Reading stored rows back, the ways the stores share: a keyset page of rows,
// and a table of serialized messages keyed by text (therapy types,
// references) read one by key or a page at a time. Stored bytes are decoded
// by DecodeStored (storage/database.h), so corruption is DataLoss naming the
// row.
#ifndef HEALTHCONTENT_STORAGE_STORED_ROWS_H_
#define HEALTHCONTENT_STORAGE_STORED_ROWS_H_

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"
#include "storage/database.h"

namespace healthcontent::storage {

// Reads one keyset page from `stmt`, whose query asks for `limit` + 1 rows:
// passes each row to `take` until `limit` rows are taken, or until `take`
// answers false (the page is full by another measure, such as bytes; that
// row is left for the next page). Returns has_more: whether a row was left
// over. `take` reads the row but does not step `stmt`.
inline absl::StatusOr<bool> ReadPage(
    Statement* stmt, int limit, absl::FunctionRef<absl::StatusOr<bool>(const Statement&)> take) {
  for (int taken = 0;; ++taken) {
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (!row) return false;
    if (taken == limit) return true;
    ASSIGN_OR_RETURN(bool took, take(*stmt));
    if (!took) return true;
  }
}

// A table of serialized `Message`s keyed by text, named by `name_of(key)`
// ("therapyTypes/x").
template <typename Message>
struct StoredMessageTable {
  // Selects the body of the row whose key is ?1.
  absl::string_view get_sql;
  // Selects (key, body) of the rows whose key is > ?1, by key, LIMIT ?2.
  absl::string_view page_sql;
  std::string (*name_of)(absl::string_view key);
};

// The message stored under `key`. NotFound "<name> does not exist" when
// there is none; DataLoss "stored <name> cannot be decoded ..." when its
// bytes do not parse.
template <typename Message>
absl::StatusOr<Message> ReadStoredMessage(Database* db, const StoredMessageTable<Message>& table,
                                          absl::string_view key) {
  ASSIGN_OR_RETURN(Statement stmt, db->Prepare(table.get_sql));
  stmt.BindText(1, key);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  const std::string name = table.name_of(key);
  if (!row) return absl::NotFoundError(absl::StrCat(name, " does not exist"));
  Message out;
  RETURN_IF_ERROR(DecodeStored(stmt.ColumnBlob(0), absl::StrCat("stored ", name), &out));
  return out;
}

template <typename Message>
struct StoredMessagePage {
  std::vector<std::string> keys;  // keys[i] is messages[i]'s
  std::vector<Message> messages;
  bool has_more = false;  // resume after keys.back()
};

// Up to `limit` messages with key > `after_key`, by key; errors as for
// ReadStoredMessage.
template <typename Message>
absl::StatusOr<StoredMessagePage<Message>> ReadStoredMessages(
    Database* db, const StoredMessageTable<Message>& table, absl::string_view after_key,
    int limit) {
  ASSIGN_OR_RETURN(Statement stmt, db->Prepare(table.page_sql));
  stmt.BindText(1, after_key).BindInt64(2, static_cast<int64_t>(limit) + 1);
  StoredMessagePage<Message> page;
  auto take = [&](const Statement& row) -> absl::StatusOr<bool> {
    const std::string& key = page.keys.emplace_back(row.ColumnText(0));
    RETURN_IF_ERROR(DecodeStored(row.ColumnBlob(1), absl::StrCat("stored ", table.name_of(key)),
                                 &page.messages.emplace_back()));
    return true;
  };
  ASSIGN_OR_RETURN(page.has_more, ReadPage(&stmt, limit, take));
  return page;
}

}  // namespace healthcontent::storage

#endif  // HEALTHCONTENT_STORAGE_STORED_ROWS_H_
