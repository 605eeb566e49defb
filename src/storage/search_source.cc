#include "storage/search_source.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/date.h"
#include "common/status_macros.h"
#include "storage/article_filter_sql.h"

namespace healthcontent::storage {
namespace {

constexpr size_t kMaxIdsPerCall = 1000;

absl::StatusOr<std::vector<int64_t>> ReadIds(Statement& stmt) {
  std::vector<int64_t> ids;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return ids;
    ids.push_back(stmt.ColumnInt64(0));
  }
}

}  // namespace

absl::StatusOr<std::vector<int64_t>> SearchSource::LiveArticleIds(int64_t after_id,
                                                                  int limit) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(Statement stmt,
                   db->Prepare("SELECT article_id FROM live_articles WHERE article_id > ?1 "
                               "ORDER BY article_id LIMIT ?2"));
  stmt.BindInt64(1, after_id).BindInt64(2, limit);
  return ReadIds(stmt);
}

absl::StatusOr<std::vector<int64_t>> SearchSource::ArticleIds(
    const std::vector<std::string>& slugs) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(Statement stmt, db->Prepare("SELECT id FROM articles WHERE slug = ?1"));
  std::vector<int64_t> ids;
  for (const std::string& slug : slugs) {
    stmt.BindText(1, slug);
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (row) ids.push_back(stmt.ColumnInt64(0));
    stmt.Reset();
  }
  return ids;
}

absl::StatusOr<std::vector<int64_t>> SearchSource::LiveArticleIdsWithTherapyType(
    const std::string& therapy_type_slug) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(Statement stmt, db->Prepare(R"sql(
      SELECT DISTINCT live.article_id FROM live_articles live
      JOIN revision_therapy_types t
        ON t.article_id = live.article_id AND t.review_date = live.review_date
      WHERE t.therapy_type_slug = ?1 ORDER BY live.article_id)sql"));
  stmt.BindText(1, therapy_type_slug);
  return ReadIds(stmt);
}

absl::StatusOr<absl::flat_hash_set<int64_t>> SearchSource::FilterLiveArticleIds(
    const domain::FilterNode& filter, absl::CivilDay today, int due_soon_days) const {
  constexpr int kFilterFirstIndex = 1;
  ASSIGN_OR_RETURN(SqlFilter sql_filter,
                   CompileArticleFilter(&filter, today, due_soon_days, kFilterFirstIndex));
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(Statement stmt,
                   db->PrepareUncached(absl::StrCat(
                       "SELECT live.article_id FROM live_articles live WHERE ", sql_filter.sql)));
  BindFilterParams(sql_filter.params, kFilterFirstIndex, &stmt);
  absl::flat_hash_set<int64_t> ids;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return ids;
    ids.insert(stmt.ColumnInt64(0));
  }
}

absl::StatusOr<std::vector<LiveDocument>> SearchSource::LiveDocuments(
    const std::vector<int64_t>& ids, std::optional<absl::CivilDay> today) const {
  if (ids.empty()) return std::vector<LiveDocument>{};
  if (ids.size() > kMaxIdsPerCall) {
    return absl::InvalidArgumentError(
        absl::StrCat("LiveDocuments takes at most ", kMaxIdsPerCall, " ids, got ", ids.size()));
  }
  // The ids are integers, so writing them into the SQL is safe; one
  // statement per call reads every row in one snapshot.
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(
      Statement stmt,
      db->PrepareUncached(absl::StrCat(
          R"sql(
      SELECT live.article_id, live.slug, live.review_date, live.next_review_date,
             live.language_code, b.body, )sql",
          // A formatted date is digits and hyphens: safe to write into the SQL.
          today.has_value()
              ? TranslationStatusSql("live", absl::StrCat("'", FormatIsoDate(*today), "'"))
              : "0",
          R"sql(
      FROM live_articles live
      JOIN revision_bodies b ON b.article_id = live.article_id AND b.review_date = live.review_date
      WHERE live.article_id IN ()sql",
          absl::StrJoin(ids, ","), ")")));
  absl::flat_hash_map<int64_t, LiveDocument> found;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    LiveDocument document;
    document.article_id = stmt.ColumnInt64(0);
    document.slug = std::string(stmt.ColumnText(1));
    document.review_date = std::string(stmt.ColumnText(2));
    document.next_review_date = std::string(stmt.ColumnText(3));
    document.language_code = std::string(stmt.ColumnText(4));
    RETURN_IF_ERROR(
        DecodeStored(stmt.ColumnBlob(5),
                     absl::StrCat("stored revision ", document.slug, "@", document.review_date),
                     &document.article));
    document.translation_status = static_cast<v1::Article::TranslationStatus>(stmt.ColumnInt64(6));
    found.emplace(document.article_id, std::move(document));
  }
  std::vector<LiveDocument> documents;
  documents.reserve(found.size());
  for (int64_t id : ids) {
    auto it = found.find(id);
    if (it == found.end()) continue;  // not live, or listed twice
    documents.push_back(std::move(it->second));
    found.erase(it);
  }
  return documents;
}

}  // namespace healthcontent::storage
