#include "storage/live_index.h"

#include <string>

#include "common/date.h"
#include "common/status_macros.h"
#include "domain/article_rules.h"
#include "healthcontent/v1/article.pb.h"

namespace healthcontent::storage {

absl::Status RefreshLiveArticle(Database* db, int64_t article_id, absl::CivilDay today) {
  // The therapy types of the revision leaving the index count one article
  // less; those of the one entering, below, one more.
  ASSIGN_OR_RETURN(Statement uncount, db->Prepare(R"sql(
      UPDATE live_therapy_type_counts SET article_count = article_count - 1
      WHERE therapy_type_slug IN (
        SELECT t.therapy_type_slug FROM live_articles live
        JOIN revision_therapy_types t
          ON t.article_id = live.article_id AND t.review_date = live.review_date
        WHERE live.article_id = ?1))sql"));
  uncount.BindInt64(1, article_id);
  RETURN_IF_ERROR(uncount.Run());
  ASSIGN_OR_RETURN(Statement remove_live, db->Prepare("DELETE FROM live_articles WHERE article_id = ?1"));
  remove_live.BindInt64(1, article_id);
  RETURN_IF_ERROR(remove_live.Run());
  ASSIGN_OR_RETURN(Statement remove_text, db->Prepare("DELETE FROM article_search WHERE rowid = ?1"));
  remove_text.BindInt64(1, article_id);
  RETURN_IF_ERROR(remove_text.Run());

  ASSIGN_OR_RETURN(Statement current, db->Prepare(R"sql(
      SELECT a.slug, r.review_date, r.next_review_date, r.title, r.publisher, r.language_code, b.body
      FROM articles a JOIN revisions r ON r.article_id = a.id
      JOIN revision_bodies b ON b.article_id = r.article_id AND b.review_date = r.review_date
      WHERE a.id = ?1 AND a.withdraw_time IS NULL AND r.review_date <= ?2
      ORDER BY r.review_date DESC LIMIT 1)sql"));
  current.BindInt64(1, article_id).BindText(2, FormatIsoDate(today));
  ASSIGN_OR_RETURN(bool row, current.Step());
  if (!row) return absl::OkStatus();

  v1::Article article;
  absl::string_view body = current.ColumnBlob(6);
  if (!article.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return absl::InternalError("stored revision cannot be decoded (database is corrupt?)");
  }
  ASSIGN_OR_RETURN(Statement insert_live, db->Prepare(R"sql(
      INSERT INTO live_articles (article_id, slug, review_date, next_review_date, title,
                                 publisher, language_code)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7))sql"));
  insert_live.BindInt64(1, article_id);
  for (int column = 0; column < 6; ++column) {
    insert_live.BindText(column + 2, current.ColumnText(column));
  }
  RETURN_IF_ERROR(insert_live.Run());
  ASSIGN_OR_RETURN(Statement count, db->Prepare(R"sql(
      INSERT INTO live_therapy_type_counts (therapy_type_slug, article_count)
      SELECT DISTINCT therapy_type_slug, 1 FROM revision_therapy_types
      WHERE article_id = ?1 AND review_date = ?2
      ON CONFLICT (therapy_type_slug) DO UPDATE SET article_count = article_count + 1)sql"));
  count.BindInt64(1, article_id).BindText(2, current.ColumnText(1));
  RETURN_IF_ERROR(count.Run());
  ASSIGN_OR_RETURN(Statement insert_text, db->Prepare(
      "INSERT INTO article_search (rowid, title, summary, body) VALUES (?1, ?2, ?3, ?4)"));
  insert_text.BindInt64(1, article_id)
      .BindText(2, article.title())
      .BindText(3, article.summary())
      .BindText(4, domain::ArticleBodyText(article));
  return insert_text.Run();
}

}  // namespace healthcontent::storage
