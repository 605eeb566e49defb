#include "storage/knowledge_store.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "storage/change_log.h"
#include "storage/debug_check.h"

namespace healthcontent::storage {
namespace {

using google::protobuf::util::TimeUtil;

// ArticleCoding.source of a coding recorded by SetArticleCodes (a publish's
// is its revision's name).
constexpr char kSetArticleCodesSource[] = "SetArticleCodes";

// Inserts one code_index row; a row already there is kept.
absl::Status IndexCode(Database* db, const v1::Coding& coding, int64_t article_id,
                       const std::string& effective, int64_t sequence,
                       const std::string& therapy_type_slug) {
  ASSIGN_OR_RETURN(Statement insert, db->Prepare(R"sql(
      INSERT OR IGNORE INTO code_index
        (system, code, article_id, effective_date, sequence, therapy_type_slug)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6))sql"));
  insert.BindText(1, coding.system())
      .BindText(2, coding.code())
      .BindInt64(3, article_id)
      .BindText(4, effective)
      .BindInt64(5, sequence)
      .BindText(6, therapy_type_slug);
  return insert.Run();
}

struct LiveArticle {
  int64_t id = 0;
  bool withdrawn = false;
};

absl::StatusOr<LiveArticle> FindLiveArticle(Database* db, const std::string& slug) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db->Prepare("SELECT id, withdraw_time IS NOT NULL FROM articles WHERE slug = ?1"));
  stmt.BindText(1, slug);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError(absl::StrCat(ArticleName(slug), " does not exist"));
  if (stmt.ColumnInt64(1) != 0) {
    return absl::NotFoundError(absl::StrCat(ArticleName(slug), " was withdrawn"));
  }
  return LiveArticle{stmt.ColumnInt64(0), false};
}

}  // namespace

absl::StatusOr<v1::ArticleCoding> RecordArticleCoding(
    Database* db, int64_t article_id, const std::string& slug, absl::CivilDay effective,
    const google::protobuf::RepeatedPtrField<v1::Coding>& codes, int64_t sequence,
    const std::string& source, absl::Time now) {
  HC_DCHECK(db->InTransaction(), "RecordArticleCoding must run inside the write transaction");
  v1::ArticleCoding coding;
  coding.set_article(ArticleName(slug));
  *coding.mutable_effective_date() = ToProtoDate(effective);
  *coding.mutable_codes() = codes;
  coding.set_source(source);
  *coding.mutable_record_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now));
  coding.set_sequence(sequence);
  const std::string effective_text = FormatIsoDate(effective);
  ASSIGN_OR_RETURN(Statement insert, db->Prepare(R"sql(
      INSERT INTO article_codings (article_id, effective_date, sequence, from_revision, body)
      VALUES (?1, ?2, ?3, ?4, ?5))sql"));
  insert.BindInt64(1, article_id)
      .BindText(2, effective_text)
      .BindInt64(3, sequence)
      .BindInt64(4, source == kSetArticleCodesSource ? 0 : 1)
      .BindBlob(5, coding.SerializeAsString());
  RETURN_IF_ERROR(insert.Run());
  for (const v1::Coding& code : codes) {
    RETURN_IF_ERROR(IndexCode(db, code, article_id, effective_text, sequence, ""));
  }
  return coding;
}

absl::Status IndexRevisionTherapyTypeCodes(Database* db, int64_t article_id,
                                           const v1::Article& revision) {
  HC_DCHECK(db->InTransaction(),
            "IndexRevisionTherapyTypeCodes must run inside the write transaction");
  ASSIGN_OR_RETURN(absl::CivilDay review_date, FromProtoDate(revision.review_date()));
  const std::string review_text = FormatIsoDate(review_date);
  for (const v1::TherapyType& therapy_type : revision.therapy_types()) {
    ASSIGN_OR_RETURN(std::string slug, ParseTherapyTypeName(therapy_type.name(), "therapy type"));
    for (const v1::Coding& code : therapy_type.codes()) {
      RETURN_IF_ERROR(IndexCode(db, code, article_id, review_text, 0, slug));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<KnowledgeStore::CodeMatch>> KnowledgeStore::FindByCode(
    const std::string& system_uri, const std::string& code, absl::CivilDay day) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  const std::string day_text = FormatIsoDate(day);
  ASSIGN_OR_RETURN(Statement candidates, db->Prepare(R"sql(
      SELECT a.slug, c.article_id, c.effective_date, c.sequence, c.therapy_type_slug
      FROM code_index c JOIN articles a ON a.id = c.article_id
      WHERE c.system = ?1 AND c.code = ?2 AND c.effective_date <= ?3
        AND a.withdraw_time IS NULL
      ORDER BY a.slug)sql"));
  candidates.BindText(1, system_uri).BindText(2, code).BindText(3, day_text);
  struct Row {
    std::string effective_date;
    int64_t sequence;
    std::string therapy_type_slug;
  };
  std::map<std::string, std::pair<int64_t, std::vector<Row>>> by_slug;
  while (true) {
    ASSIGN_OR_RETURN(bool row, candidates.Step());
    if (!row) break;
    auto& entry = by_slug[std::string(candidates.ColumnText(0))];
    entry.first = candidates.ColumnInt64(1);
    entry.second.push_back(Row{std::string(candidates.ColumnText(2)), candidates.ColumnInt64(3),
                               std::string(candidates.ColumnText(4))});
  }

  std::vector<CodeMatch> matches;
  for (const auto& [slug, entry] : by_slug) {
    const int64_t article_id = entry.first;
    ASSIGN_OR_RETURN(
        Statement in_force,
        db->Prepare(
            "SELECT max(review_date) FROM revisions WHERE article_id = ?1 AND review_date <= ?2"));
    in_force.BindInt64(1, article_id).BindText(2, day_text);
    ASSIGN_OR_RETURN(bool has_row, in_force.Step());
    if (!has_row || in_force.ColumnIsNull(0)) continue;  // not served on that day
    const std::string review_date(in_force.ColumnText(0));

    // The coding in force: the later recorded of (a) the codes of the
    // newest revision on or before the day that was published with codes
    // and (b) the latest SetArticleCodes record in effect by the day.
    ASSIGN_OR_RETURN(Statement coding, db->Prepare(R"sql(
        SELECT effective_date, sequence FROM (
          SELECT * FROM (SELECT effective_date, sequence FROM article_codings
                         WHERE article_id = ?1 AND from_revision = 1 AND effective_date <= ?2
                         ORDER BY effective_date DESC, sequence DESC LIMIT 1)
          UNION ALL
          SELECT * FROM (SELECT effective_date, sequence FROM article_codings
                         WHERE article_id = ?1 AND from_revision = 0 AND effective_date <= ?2
                         ORDER BY sequence DESC LIMIT 1))
        ORDER BY sequence DESC LIMIT 1)sql"));
    coding.BindInt64(1, article_id).BindText(2, day_text);
    ASSIGN_OR_RETURN(bool has_coding, coding.Step());
    const std::string coding_date = has_coding ? std::string(coding.ColumnText(0)) : "";
    const int64_t coding_sequence = has_coding ? coding.ColumnInt64(1) : -1;

    const Row* through_type = nullptr;
    bool on_article = false;
    for (const Row& row : entry.second) {
      if (row.therapy_type_slug.empty()) {
        on_article |=
            has_coding && row.effective_date == coding_date && row.sequence == coding_sequence;
      } else if (row.effective_date == review_date && through_type == nullptr) {
        through_type = &row;
      }
    }
    if (on_article) {
      matches.push_back(CodeMatch{slug, true, ""});
    } else if (through_type != nullptr) {
      matches.push_back(CodeMatch{slug, false, through_type->therapy_type_slug});
    }
  }
  return matches;
}

absl::StatusOr<v1::ArticleCoding> KnowledgeStore::SetArticleCodes(
    const std::string& slug, const google::protobuf::RepeatedPtrField<v1::Coding>& codes,
    absl::CivilDay effective, absl::Time now) {
  v1::ArticleCoding result;
  RETURN_IF_ERROR(storage_->Write([&](Database* db) -> absl::Status {
    ASSIGN_OR_RETURN(LiveArticle article, FindLiveArticle(db, slug));
    v1::Change change;
    change.set_kind(v1::Change::ARTICLE_CODES_CHANGED);
    change.set_resource(ArticleName(slug));
    *change.mutable_effective_date() = ToProtoDate(effective);
    RETURN_IF_ERROR(RecordChange(db, change, now));
    ASSIGN_OR_RETURN(
        result, RecordArticleCoding(db, article.id, slug, effective, codes, db->LastInsertRowId(),
                                    kSetArticleCodesSource, now));
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<std::vector<v1::ArticleCoding>> KnowledgeStore::ListCodings(
    const std::string& slug) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(LiveArticle article, FindLiveArticle(db, slug));
  ASSIGN_OR_RETURN(Statement stmt, db->Prepare(R"sql(
      SELECT body, effective_date, sequence FROM article_codings WHERE article_id = ?1
      ORDER BY effective_date DESC, sequence DESC)sql"));
  stmt.BindInt64(1, article.id);
  std::vector<v1::ArticleCoding> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    RETURN_IF_ERROR(
        DecodeStored(stmt.ColumnBlob(0),
                     absl::StrCat("stored coding of ", ArticleName(slug), " effective ",
                                  stmt.ColumnText(1), " (change ", stmt.ColumnInt64(2), ")"),
                     &out.emplace_back()));
  }
  return out;
}

}  // namespace healthcontent::storage
