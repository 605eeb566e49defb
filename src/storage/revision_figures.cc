#include "storage/revision_figures.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/debug_check.h"
#include "storage/live_index.h"
#include "storage/storage.h"

namespace healthcontent::storage {

absl::StatusOr<const domain::ReadabilityScorer*> SharedReadabilityScorer() {
  // Loaded once; a failure is kept too, so every publish reports the same
  // missing dictionary instead of retrying the load.
  static const auto* const scorer = new absl::StatusOr<std::unique_ptr<domain::ReadabilityScorer>>(
      domain::ReadabilityScorer::Create());
  if (!scorer->ok()) return scorer->status();
  return scorer->value().get();
}

absl::Status ScoreRevision(v1::Article* article) {
  ASSIGN_OR_RETURN(const domain::ReadabilityScorer* scorer, SharedReadabilityScorer());
  article->clear_readability();
  v1::Readability figures = scorer->Score(*article);
  if (figures.ease_formula() != v1::Readability::FORMULA_UNSPECIFIED) {
    *article->mutable_readability() = std::move(figures);
  }
  return absl::OkStatus();
}

namespace {

// Adds `column` (with its SQL declaration) to `table` unless it is there.
absl::Status AddColumnIfMissing(Database* db, absl::string_view table, absl::string_view column,
                                absl::string_view declaration) {
  ASSIGN_OR_RETURN(Statement info,
                   db->PrepareUncached(absl::StrCat("SELECT 1 FROM pragma_table_info('", table,
                                                    "') WHERE name = ?1")));
  info.BindText(1, column);
  ASSIGN_OR_RETURN(bool present, info.Step());
  if (present) return absl::OkStatus();
  return db->Execute(
      absl::StrCat("ALTER TABLE ", table, " ADD COLUMN ", column, " ", declaration, ";"));
}

}  // namespace

absl::Status BackfillRevisionFigures(Database* db) {
  HC_DCHECK(db->InTransaction(),
            "BackfillRevisionFigures must run inside the migration's transaction");
  for (absl::string_view table : {"revisions", "live_articles"}) {
    RETURN_IF_ERROR(AddColumnIfMissing(db, table, "audience", "INTEGER NOT NULL DEFAULT 1"));
    RETURN_IF_ERROR(
        AddColumnIfMissing(db, table, "source_article_id",
                           table == "revisions" ? "INTEGER REFERENCES articles(id)" : "INTEGER"));
    RETURN_IF_ERROR(
        AddColumnIfMissing(db, table, "source_review_date", "TEXT NOT NULL DEFAULT ''"));
    RETURN_IF_ERROR(AddColumnIfMissing(db, table, "reading_grade", "REAL"));
    RETURN_IF_ERROR(AddColumnIfMissing(db, table, "reading_ease", "REAL"));
  }
  RETURN_IF_ERROR(db->Execute(R"sql(
      CREATE INDEX IF NOT EXISTS revisions_by_source ON revisions(source_article_id, article_id)
        WHERE source_article_id IS NOT NULL;
      CREATE INDEX IF NOT EXISTS live_articles_by_source ON live_articles(source_article_id)
        WHERE source_article_id IS NOT NULL;)sql"));
  ASSIGN_OR_RETURN(
      Statement read,
      db->PrepareUncached(
          "SELECT id, article_id, review_date, body FROM revision_bodies ORDER BY id"));
  ASSIGN_OR_RETURN(Statement write_body,
                   db->PrepareUncached("UPDATE revision_bodies SET body = ?2 WHERE id = ?1"));
  ASSIGN_OR_RETURN(Statement write_figures,
                   db->PrepareUncached("UPDATE revisions SET reading_grade = ?3, reading_ease = ?4 "
                                       "WHERE article_id = ?1 AND review_date = ?2"));
  while (true) {
    ASSIGN_OR_RETURN(bool row, read.Step());
    if (!row) break;
    v1::Article article;
    RETURN_IF_ERROR(
        DecodeStored(read.ColumnBlob(3),
                     absl::StrCat("stored revision_bodies row ", read.ColumnInt64(0), " (article ",
                                  read.ColumnInt64(1), ", review date ", read.ColumnText(2), ")"),
                     &article));
    RETURN_IF_ERROR(ScoreRevision(&article));
    if (!article.has_readability()) continue;
    write_body.Reset();
    write_body.BindInt64(1, read.ColumnInt64(0)).BindBlob(2, article.SerializeAsString());
    RETURN_IF_ERROR(write_body.Run());
    write_figures.Reset();
    write_figures.BindInt64(1, read.ColumnInt64(1)).BindText(2, read.ColumnText(2));
    if (article.readability().has_flesch_kincaid_grade()) {
      write_figures.BindDouble(3, article.readability().flesch_kincaid_grade());
    } else {
      write_figures.BindNull(3);
    }
    write_figures.BindDouble(4, article.readability().reading_ease());
    RETURN_IF_ERROR(write_figures.Run());
  }
  RETURN_IF_ERROR(db->Execute(R"sql(
      UPDATE live_articles SET
        reading_grade = (SELECT r.reading_grade FROM revisions r
                         WHERE r.article_id = live_articles.article_id
                           AND r.review_date = live_articles.review_date),
        reading_ease = (SELECT r.reading_ease FROM revisions r
                        WHERE r.article_id = live_articles.article_id
                          AND r.review_date = live_articles.review_date);
      DELETE FROM live_listings;)sql"));
  return BackfillLiveListings(db);
}

}  // namespace healthcontent::storage
