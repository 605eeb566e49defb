#include "storage/reference_store.h"

#include <utility>

#include "common/resource_name.h"
#include "common/status_macros.h"
#include "storage/stored_rows.h"

namespace healthcontent::storage {
namespace {

const StoredMessageTable<v1::Reference> kReferences = {
    "SELECT body FROM refs WHERE id = ?1",
    "SELECT id, body FROM refs WHERE id > ?1 ORDER BY id LIMIT ?2",
    ReferenceName,
};

}  // namespace

absl::StatusOr<v1::Reference> ReferenceStore::Get(const std::string& id) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  return ReadStoredMessage(db, kReferences, id);
}

absl::StatusOr<ReferenceStore::Page> ReferenceStore::List(const std::string& after_id,
                                                          int limit) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(StoredMessagePage<v1::Reference> stored,
                   ReadStoredMessages(db, kReferences, after_id, limit));
  return Page{std::move(stored.messages), stored.has_more};
}

}  // namespace healthcontent::storage
