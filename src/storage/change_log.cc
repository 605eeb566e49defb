#include "storage/change_log.h"

#include "common/date.h"
#include "common/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "storage/debug_check.h"

namespace healthcontent::storage {

using google::protobuf::util::TimeUtil;

absl::Status RecordChange(Database* db, v1::Change change, absl::Time now) {
  HC_DCHECK(db->InTransaction(), "RecordChange must run inside the write transaction");
  // Writers are serialised (Storage::Write), so max + 1 has no gaps and no races.
  ASSIGN_OR_RETURN(Statement insert, db->Prepare(R"sql(
      INSERT INTO changes (sequence, kind, resource, revision_id, etag, commit_time, effective_date)
      VALUES ((SELECT coalesce(max(sequence), 0) + 1 FROM changes), ?1, ?2, ?3, ?4, ?5, ?6))sql"));
  std::string effective;
  if (!IsEmptyDate(change.effective_date())) {
    ASSIGN_OR_RETURN(absl::CivilDay day, FromProtoDate(change.effective_date()));
    effective = FormatIsoDate(day);
  }
  insert.BindInt64(1, change.kind())
      .BindText(2, change.resource())
      .BindText(3, change.revision_id())
      .BindText(4, change.etag())
      .BindInt64(5, absl::ToUnixMicros(now))
      .BindText(6, effective);
  return insert.Run();
}

absl::StatusOr<std::vector<v1::Change>> ChangeLog::After(int64_t since, int limit) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(Statement stmt, db->Prepare(R"sql(
      SELECT sequence, kind, resource, revision_id, etag, commit_time, effective_date
      FROM changes WHERE sequence > ?1 ORDER BY sequence LIMIT ?2)sql"));
  stmt.BindInt64(1, since).BindInt64(2, limit);
  std::vector<v1::Change> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    v1::Change& change = out.emplace_back();
    change.set_sequence(stmt.ColumnInt64(0));
    change.set_kind(static_cast<v1::Change::Kind>(stmt.ColumnInt64(1)));
    change.set_resource(std::string(stmt.ColumnText(2)));
    change.set_revision_id(std::string(stmt.ColumnText(3)));
    change.set_etag(std::string(stmt.ColumnText(4)));
    *change.mutable_commit_time() = TimeUtil::MicrosecondsToTimestamp(stmt.ColumnInt64(5));
    if (!stmt.ColumnText(6).empty()) {
      ASSIGN_OR_RETURN(absl::CivilDay day, ParseIsoDate(stmt.ColumnText(6)));
      *change.mutable_effective_date() = ToProtoDate(day);
    }
  }
  return out;
}

absl::StatusOr<int64_t> ChangeLog::LatestSequence() const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(Statement stmt, db->Prepare("SELECT coalesce(max(sequence), 0) FROM changes"));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.ColumnInt64(0) : 0;
}

}  // namespace healthcontent::storage
