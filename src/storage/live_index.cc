#include "storage/live_index.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/status_macros.h"
#include "domain/article_rules.h"
#include "domain/article_wire.h"
#include "healthcontent/v1/article.pb.h"
#include "storage/debug_check.h"

namespace healthcontent::storage {
namespace {

// The listing entry of a stored revision: its basic view, on the wire.
absl::StatusOr<std::string> ListingEntry(absl::string_view body) {
  std::string listing;
  domain::ServedFields basic;
  basic.basic_view = true;
  absl::Status status = domain::AppendServedArticle(body, basic, &listing);
  if (!status.ok()) {
    return absl::DataLossError(absl::StrCat(
        "a stored revision cannot be decoded (the database is damaged): ", status.message()));
  }
  return listing;
}

}  // namespace

absl::Status RefreshLiveArticle(Database* db, int64_t article_id, absl::CivilDay today) {
  HC_DCHECK(db->InTransaction(), "RefreshLiveArticle must run inside the write transaction");
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
  ASSIGN_OR_RETURN(Statement remove_listing,
                   db->Prepare("DELETE FROM live_listings WHERE article_id = ?1"));
  remove_listing.BindInt64(1, article_id);
  RETURN_IF_ERROR(remove_listing.Run());
  ASSIGN_OR_RETURN(Statement remove_live,
                   db->Prepare("DELETE FROM live_articles WHERE article_id = ?1"));
  remove_live.BindInt64(1, article_id);
  RETURN_IF_ERROR(remove_live.Run());

  ASSIGN_OR_RETURN(Statement current, db->Prepare(R"sql(
      SELECT a.slug, r.review_date, r.next_review_date, r.title, r.publisher, r.language_code, b.body,
             r.audience, r.source_article_id, r.source_review_date, r.reading_grade, r.reading_ease
      FROM articles a JOIN revisions r ON r.article_id = a.id
      JOIN revision_bodies b ON b.article_id = r.article_id AND b.review_date = r.review_date
      WHERE a.id = ?1 AND a.withdraw_time IS NULL AND r.review_date <= ?2
      ORDER BY r.review_date DESC LIMIT 1)sql"));
  current.BindInt64(1, article_id).BindText(2, FormatIsoDate(today));
  ASSIGN_OR_RETURN(bool row, current.Step());
  if (!row) return absl::OkStatus();

  ASSIGN_OR_RETURN(std::string listing, ListingEntry(current.ColumnBlob(6)));
  ASSIGN_OR_RETURN(Statement insert_live, db->Prepare(R"sql(
      INSERT INTO live_articles (article_id, slug, review_date, next_review_date, title,
                                 publisher, language_code, audience, source_article_id,
                                 source_review_date, reading_grade, reading_ease)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12))sql"));
  insert_live.BindInt64(1, article_id);
  for (int column = 0; column < 6; ++column) {
    insert_live.BindText(column + 2, current.ColumnText(column));
  }
  insert_live.BindInt64(8, current.ColumnInt64(7)).BindText(10, current.ColumnText(9));
  if (current.ColumnIsNull(8)) {
    insert_live.BindNull(9);
  } else {
    insert_live.BindInt64(9, current.ColumnInt64(8));
  }
  for (int column : {10, 11}) {
    if (current.ColumnIsNull(column)) {
      insert_live.BindNull(column + 1);
    } else {
      insert_live.BindDouble(column + 1, current.ColumnDouble(column));
    }
  }
  RETURN_IF_ERROR(insert_live.Run());
  ASSIGN_OR_RETURN(Statement insert_listing,
                   db->Prepare("INSERT INTO live_listings (article_id, listing) VALUES (?1, ?2)"));
  insert_listing.BindInt64(1, article_id).BindBlob(2, listing);
  RETURN_IF_ERROR(insert_listing.Run());
  ASSIGN_OR_RETURN(Statement count, db->Prepare(R"sql(
      INSERT INTO live_therapy_type_counts (therapy_type_slug, article_count)
      SELECT DISTINCT therapy_type_slug, 1 FROM revision_therapy_types
      WHERE article_id = ?1 AND review_date = ?2
      ON CONFLICT (therapy_type_slug) DO UPDATE SET article_count = article_count + 1)sql"));
  count.BindInt64(1, article_id).BindText(2, current.ColumnText(1));
  return count.Run();
}

}  // namespace healthcontent::storage

namespace healthcontent::storage {

absl::Status BackfillLiveListings(Database* db) {
  HC_DCHECK(db->InTransaction(), "BackfillLiveListings must run inside a write transaction");
  std::vector<int64_t> ids;
  {
    ASSIGN_OR_RETURN(Statement live, db->PrepareUncached("SELECT article_id FROM live_articles"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, live.Step());
      if (!row) break;
      ids.push_back(live.ColumnInt64(0));
    }
  }
  ASSIGN_OR_RETURN(Statement body, db->PrepareUncached(R"sql(
      SELECT b.body FROM live_articles live JOIN revision_bodies b
      ON b.article_id = live.article_id AND b.review_date = live.review_date
      WHERE live.article_id = ?1)sql"));
  ASSIGN_OR_RETURN(
      Statement update,
      db->PrepareUncached("INSERT INTO live_listings (article_id, listing) VALUES (?1, ?2)"));
  for (int64_t id : ids) {
    body.Reset();
    body.BindInt64(1, id);
    ASSIGN_OR_RETURN(bool row, body.Step());
    if (!row) return absl::InternalError(absl::StrCat("live article ", id, " has no body"));
    ASSIGN_OR_RETURN(std::string listing, ListingEntry(body.ColumnBlob(0)));
    update.Reset();
    update.BindInt64(1, id).BindBlob(2, listing);
    RETURN_IF_ERROR(update.Run());
  }
  return absl::OkStatus();
}

}  // namespace healthcontent::storage
