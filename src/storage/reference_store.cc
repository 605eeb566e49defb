#include "storage/reference_store.h"

#include "absl/strings/str_cat.h"
#include "common/resource_name.h"
#include "common/status_macros.h"

namespace healthcontent::storage {

absl::StatusOr<v1::Reference> ReferenceStore::Get(const std::string& id) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(Statement stmt, db->Prepare("SELECT body FROM refs WHERE id = ?1"));
  stmt.BindText(1, id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError(absl::StrCat(ReferenceName(id), " does not exist"));
  v1::Reference out;
  RETURN_IF_ERROR(
      DecodeStored(stmt.ColumnBlob(0), absl::StrCat("stored ", ReferenceName(id)), &out));
  return out;
}

absl::StatusOr<ReferenceStore::Page> ReferenceStore::List(const std::string& after_id,
                                                          int limit) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(Statement stmt,
                   db->Prepare("SELECT body FROM refs WHERE id > ?1 ORDER BY id LIMIT ?2"));
  stmt.BindText(1, after_id).BindInt64(2, limit + 1);
  Page page;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (static_cast<int>(page.references.size()) == limit) {
      page.has_more = true;
      break;
    }
    RETURN_IF_ERROR(
        DecodeStored(stmt.ColumnBlob(0), "a stored reference", &page.references.emplace_back()));
  }
  return page;
}

}  // namespace healthcontent::storage
