#include "storage/therapy_type_store.h"

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/resource_name.h"
#include "common/field_errors.h"
#include "common/status_macros.h"
#include "domain/coding.h"
#include "google/protobuf/util/time_util.h"
#include "storage/change_log.h"

namespace healthcontent::storage {
namespace {

// Live articles whose revision in force (live_articles) lists therapy type
// ?1, as RefreshLiveArticle keeps it.
constexpr absl::string_view kArticleCountSql =
    "SELECT article_count FROM live_therapy_type_counts WHERE therapy_type_slug = ?1";

absl::Status FillArticleCount(Database* db, const std::string& slug, v1::TherapyType* out) {
  ASSIGN_OR_RETURN(Statement count, db->Prepare(kArticleCountSql));
  count.BindText(1, slug);
  ASSIGN_OR_RETURN(bool row, count.Step());
  out->set_article_count(row ? static_cast<int32_t>(count.ColumnInt64(0)) : 0);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::TherapyType> TherapyTypeStore::Get(const std::string& slug) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(Statement stmt, db->Prepare("SELECT body FROM therapy_types WHERE slug = ?1"));
  stmt.BindText(1, slug);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError(absl::StrCat(TherapyTypeName(slug), " does not exist"));
  v1::TherapyType out;
  RETURN_IF_ERROR(
      DecodeStored(stmt.ColumnBlob(0), absl::StrCat("stored ", TherapyTypeName(slug)), &out));
  RETURN_IF_ERROR(FillArticleCount(db, slug, &out));
  return out;
}

absl::StatusOr<TherapyTypeStore::Page> TherapyTypeStore::List(const std::string& after_slug,
                                                              int limit) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(Statement stmt, db->Prepare(
      "SELECT slug, body FROM therapy_types WHERE slug > ?1 ORDER BY slug LIMIT ?2"));
  stmt.BindText(1, after_slug).BindInt64(2, limit + 1);
  Page page;
  std::vector<std::string> slugs;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (static_cast<int>(page.therapy_types.size()) == limit) {
      page.has_more = true;
      break;
    }
    slugs.emplace_back(stmt.ColumnText(0));
    RETURN_IF_ERROR(DecodeStored(stmt.ColumnBlob(1),
                                 absl::StrCat("stored ", TherapyTypeName(slugs.back())),
                                 &page.therapy_types.emplace_back()));
  }
  for (size_t i = 0; i < slugs.size(); ++i) {
    RETURN_IF_ERROR(FillArticleCount(db, slugs[i], &page.therapy_types[i]));
  }
  return page;
}

absl::StatusOr<v1::TherapyType> TherapyTypeStore::Upsert(const v1::TherapyType& therapy_type,
                                                         absl::Time now) {
  ASSIGN_OR_RETURN(std::string slug, ParseTherapyTypeName(therapy_type.name(), "therapy_type.name"));
  v1::TherapyType stored = therapy_type;
  stored.clear_article_count();
  {
    FieldViolations violations;
    domain::NormalizeCodings(stored.mutable_codes(), "therapy_type.codes", &violations);
    RETURN_IF_ERROR(violations.ToStatus());
  }
  *stored.mutable_update_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now));
  RETURN_IF_ERROR(storage_->Write([&](Database* db) -> absl::Status {
    Transaction txn(db);
    RETURN_IF_ERROR(txn.Begin());
    ASSIGN_OR_RETURN(Statement upsert, db->Prepare(R"sql(
        INSERT INTO therapy_types (slug, body, update_time) VALUES (?1, ?2, ?3)
        ON CONFLICT (slug) DO UPDATE SET body = excluded.body, update_time = excluded.update_time)sql"));
    upsert.BindText(1, slug).BindBlob(2, stored.SerializeAsString()).BindInt64(
        3, absl::ToUnixMicros(now));
    RETURN_IF_ERROR(upsert.Run());
    v1::Change change;
    change.set_kind(v1::Change::THERAPY_TYPE_CHANGED);
    change.set_resource(therapy_type.name());
    RETURN_IF_ERROR(RecordChange(db, change, now));
    return txn.Commit();
  }));
  return stored;
}

}  // namespace healthcontent::storage
