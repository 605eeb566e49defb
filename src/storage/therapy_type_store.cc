#include "storage/therapy_type_store.h"

#include <utility>

#include "common/date.h"
#include "common/field_errors.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "domain/coding.h"
#include "google/protobuf/util/time_util.h"
#include "storage/change_log.h"
#include "storage/stored_rows.h"

namespace healthcontent::storage {
namespace {

const StoredMessageTable<v1::TherapyType> kTherapyTypes = {
    "SELECT body FROM therapy_types WHERE slug = ?1",
    "SELECT slug, body FROM therapy_types WHERE slug > ?1 ORDER BY slug LIMIT ?2",
    TherapyTypeName,
};

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
  ASSIGN_OR_RETURN(v1::TherapyType out, ReadStoredMessage(db, kTherapyTypes, slug));
  RETURN_IF_ERROR(FillArticleCount(db, slug, &out));
  return out;
}

absl::StatusOr<TherapyTypeStore::Page> TherapyTypeStore::List(const std::string& after_slug,
                                                              int limit) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(StoredMessagePage<v1::TherapyType> stored,
                   ReadStoredMessages(db, kTherapyTypes, after_slug, limit));
  for (size_t i = 0; i < stored.keys.size(); ++i) {
    RETURN_IF_ERROR(FillArticleCount(db, stored.keys[i], &stored.messages[i]));
  }
  return Page{std::move(stored.messages), stored.has_more};
}

absl::StatusOr<v1::TherapyType> TherapyTypeStore::Upsert(const v1::TherapyType& therapy_type,
                                                         absl::Time now) {
  ASSIGN_OR_RETURN(std::string slug,
                   ParseTherapyTypeName(therapy_type.name(), "therapy_type.name"));
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
    ASSIGN_OR_RETURN(Statement upsert, db->Prepare(R"sql(
        INSERT INTO therapy_types (slug, body, update_time) VALUES (?1, ?2, ?3)
        ON CONFLICT (slug) DO UPDATE SET body = excluded.body, update_time = excluded.update_time)sql"));
    upsert.BindText(1, slug)
        .BindBlob(2, stored.SerializeAsString())
        .BindInt64(3, absl::ToUnixMicros(now));
    RETURN_IF_ERROR(upsert.Run());
    v1::Change change;
    change.set_kind(v1::Change::THERAPY_TYPE_CHANGED);
    change.set_resource(therapy_type.name());
    return RecordChange(db, change, now);
  }));
  return stored;
}

}  // namespace healthcontent::storage
