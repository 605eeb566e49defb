#include "storage/article_store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/date.h"
#include "common/field_errors.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "domain/article_rules.h"
#include "domain/article_wire.h"
#include "domain/coding.h"
#include "domain/language.h"
#include "google/protobuf/util/time_util.h"
#include "storage/article_filter_sql.h"
#include "storage/change_log.h"
#include "storage/debug_check.h"
#include "storage/knowledge_store.h"
#include "storage/live_index.h"
#include "storage/revision_figures.h"
#include "storage/stored_rows.h"

namespace healthcontent::storage {
namespace {

using google::protobuf::util::TimeUtil;

struct ArticleRow {
  int64_t id = 0;
  bool withdrawn = false;
};

// Looks up an article's row; NotFound when absent.
absl::StatusOr<ArticleRow> FindArticle(Database* db, const std::string& slug) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db->Prepare("SELECT id, withdraw_time IS NOT NULL FROM articles WHERE slug = ?1"));
  stmt.BindText(1, slug);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError(absl::StrCat(ArticleName(slug), " does not exist"));
  return ArticleRow{stmt.ColumnInt64(0), stmt.ColumnInt64(1) != 0};
}

absl::Status WithdrawnError(const std::string& slug) {
  return absl::NotFoundError(absl::StrCat(ArticleName(slug), " was withdrawn"));
}

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

// Refuses a patient article above the server's grade limit (0: no limit).
absl::Status CheckReadingGrade(const v1::Article& scored, v1::Audience audience, double max_grade) {
  if (max_grade <= 0 || audience != v1::AUDIENCE_PATIENT) return absl::OkStatus();
  const v1::Readability& r = scored.readability();
  if (!r.has_flesch_kincaid_grade() || r.flesch_kincaid_grade() <= max_grade) {
    return absl::OkStatus();
  }
  return InvalidFieldError(
      "article", absl::StrFormat("reads at Flesch-Kincaid grade %.2f (%d words, %d sentences, "
                                 "%d syllables), above this server's limit of %.1f for patient "
                                 "articles (--max_patient_reading_grade); shorten sentences and "
                                 "words, or publish it for AUDIENCE_PROFESSIONAL",
                                 r.flesch_kincaid_grade(), r.words(), r.sentences(), r.syllables(),
                                 max_grade));
}

// Checks a translation's source against the database; returns the source's
// article id. InvalidArgument naming the field otherwise.
absl::StatusOr<int64_t> CheckTranslationSource(Database* db, int64_t article_id,
                                               const v1::Article& in) {
  const v1::TranslationSource& source = in.translation_of();
  ASSIGN_OR_RETURN(std::string source_slug,
                   ParseArticleName(source.article(), "article.translation_of.article"));
  absl::StatusOr<ArticleRow> row = FindArticle(db, source_slug);
  if (absl::IsNotFound(row.status())) {
    return InvalidFieldError("article.translation_of.article",
                             absl::StrCat(source.article(),
                                          " does not exist; publish the "
                                          "source before its translations"));
  }
  RETURN_IF_ERROR(row.status());
  if (row->withdrawn) {
    return InvalidFieldError("article.translation_of.article",
                             absl::StrCat(source.article(), " was withdrawn"));
  }
  ASSIGN_OR_RETURN(Statement revision, db->Prepare(R"sql(
      SELECT r.language_code, s.slug FROM revisions r
      LEFT JOIN articles s ON s.id = r.source_article_id
      WHERE r.article_id = ?1 AND r.review_date = ?2)sql"));
  revision.BindInt64(1, row->id).BindText(2, source.revision_id());
  ASSIGN_OR_RETURN(bool found, revision.Step());
  if (!found) {
    return InvalidFieldError(
        "article.translation_of.revision_id",
        absl::StrCat(source.article(), "/revisions/", source.revision_id(), " does not exist"));
  }
  if (!revision.ColumnIsNull(1)) {
    return InvalidFieldError("article.translation_of.article",
                             absl::StrCat(source.article(), " is itself a translation (of ",
                                          ArticleName(std::string(revision.ColumnText(1))),
                                          "); name the original as the source"));
  }
  if (absl::EqualsIgnoreCase(revision.ColumnText(0), in.language_code())) {
    return InvalidFieldError(
        "article.language_code",
        absl::StrCat("is \"", in.language_code(), "\", the language of ", source.article(),
                     "; a translation is in another "
                     "language"));
  }
  ASSIGN_OR_RETURN(Statement translated, db->Prepare(R"sql(
      SELECT a.slug FROM revisions r JOIN articles a ON a.id = r.article_id
      WHERE r.source_article_id = ?1 LIMIT 1)sql"));
  translated.BindInt64(1, article_id);
  ASSIGN_OR_RETURN(bool has_translations, translated.Step());
  if (has_translations) {
    return InvalidFieldError("article.translation_of",
                             absl::StrCat(in.name(), " is the source of translations (",
                                          ArticleName(std::string(translated.ColumnText(0))),
                                          "), so it cannot be a translation itself"));
  }
  return row->id;
}

// Binds a revision's grade and ease to parameters `first` and `first` + 1
// (NULL when not computed).
void BindFigures(const v1::Article& article, int first, Statement* stmt) {
  const v1::Readability& r = article.readability();
  if (article.has_readability() && r.has_flesch_kincaid_grade()) {
    stmt->BindDouble(first, r.flesch_kincaid_grade());
  } else {
    stmt->BindNull(first);
  }
  if (article.has_readability()) {
    stmt->BindDouble(first + 1, r.reading_ease());
  } else {
    stmt->BindNull(first + 1);
  }
}

// Records TRANSLATION_STALE for each live translation of `source_id` that
// the source's clinical review of `review_date`, now in force, leaves behind
// and that no other clinical review in force had already left behind.
absl::Status RecordStaleTranslations(Database* db, int64_t source_id, absl::CivilDay review_date,
                                     absl::CivilDay today, absl::Time now) {
  ASSIGN_OR_RETURN(Statement stale, db->Prepare(R"sql(
      SELECT a.slug, live.review_date, r.etag
      FROM live_articles live
      JOIN articles a ON a.id = live.article_id
      JOIN revisions r ON r.article_id = live.article_id AND r.review_date = live.review_date
      WHERE live.source_article_id = ?1 AND live.source_review_date < ?2
        AND NOT EXISTS (SELECT 1 FROM revisions s
                        WHERE s.article_id = ?1 AND s.change_type = ?4
                          AND s.review_date > live.source_review_date
                          AND s.review_date <= ?3 AND s.review_date != ?2)
      ORDER BY a.slug)sql"));
  stale.BindInt64(1, source_id)
      .BindText(2, FormatIsoDate(review_date))
      .BindText(3, FormatIsoDate(today))
      .BindInt64(4, v1::CHANGE_TYPE_CLINICAL_REVIEW);
  std::vector<v1::Change> changes;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stale.Step());
    if (!row) break;
    v1::Change& change = changes.emplace_back();
    change.set_kind(v1::Change::TRANSLATION_STALE);
    change.set_resource(ArticleName(std::string(stale.ColumnText(0))));
    change.set_revision_id(std::string(stale.ColumnText(1)));
    change.set_etag(domain::ServedEtag(stale.ColumnText(2), v1::Article::TRANSLATION_STALE));
    *change.mutable_effective_date() = ToProtoDate(review_date);
  }
  for (const v1::Change& change : changes) RETURN_IF_ERROR(RecordChange(db, change, now));
  return absl::OkStatus();
}

}  // namespace

namespace {

// Reads the row of `stmt` (review_date, next_review_date, etag, body,
// translation status from column `first` on) into a StoredRevision of
// articles/{slug}.
absl::StatusOr<ArticleStore::StoredRevision> ReadStored(const Statement& stmt, int first,
                                                        absl::string_view slug) {
  ArticleStore::StoredRevision stored;
  stored.slug = std::string(slug);
  absl::StatusOr<absl::CivilDay> review = ParseIsoDate(stmt.ColumnText(first));
  absl::StatusOr<absl::CivilDay> next = ParseIsoDate(stmt.ColumnText(first + 1));
  if (!review.ok() || !next.ok()) {
    return absl::DataLossError(absl::StrCat(
        "stored revision dates of ", ArticleName(slug), " (\"", stmt.ColumnText(first), "\", \"",
        stmt.ColumnText(first + 1), "\") cannot be decoded (the database is damaged)"));
  }
  stored.review_date = *review;
  stored.next_review_date = *next;
  stored.etag = std::string(stmt.ColumnText(first + 2));
  stored.body = std::string(stmt.ColumnBlob(first + 3));
  stored.translation_status =
      static_cast<v1::Article::TranslationStatus>(stmt.ColumnInt64(first + 4));
  return stored;
}

// "stored articles/{slug}/revisions/{review date}", for DecodeStored.
std::string StoredRevisionName(const ArticleStore::StoredRevision& stored) {
  return absl::StrCat("stored ", RevisionResourceName(stored.slug, stored.review_date));
}

absl::StatusOr<v1::Article> ParseStored(const ArticleStore::StoredRevision& stored,
                                        absl::CivilDay today) {
  v1::Article article;
  RETURN_IF_ERROR(DecodeStored(stored.body, StoredRevisionName(stored), &article));
  article.clear_not_modified();
  article.clear_review_status();
  article.set_scheduled(stored.review_date > today);
  article.set_translation_status(stored.translation_status);
  return article;
}

}  // namespace

absl::StatusOr<ArticleStore::StoredRevision> ArticleStore::GetInForceStored(
    const std::string& slug, absl::CivilDay day) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  // One indexed probe of (article_id, review_date) for the greatest review
  // date <= day, then the row itself by primary key.
  static const std::string* const kSql =
      new std::string(absl::StrCat(R"sql(
      SELECT a.withdraw_time IS NOT NULL, r.review_date, r.next_review_date, r.etag, b.body, )sql",
                                   TranslationStatusSql("r", "?2"), R"sql(
      FROM articles a
      LEFT JOIN revisions r
        ON r.article_id = a.id
       AND r.review_date = (SELECT MAX(m.review_date) FROM revisions m
                            WHERE m.article_id = a.id AND m.review_date <= ?2)
      LEFT JOIN revision_bodies b ON b.article_id = r.article_id AND b.review_date = r.review_date
      WHERE a.slug = ?1)sql"));
  ASSIGN_OR_RETURN(Statement stmt, db->Prepare(*kSql));
  stmt.BindText(1, slug).BindText(2, FormatIsoDate(day));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError(absl::StrCat(ArticleName(slug), " does not exist"));
  if (stmt.ColumnInt64(0) != 0) return WithdrawnError(slug);
  if (stmt.ColumnIsNull(4)) {
    return absl::NotFoundError(
        absl::StrCat(ArticleName(slug), " has no revision in force on ", FormatIsoDate(day)));
  }
  return ReadStored(stmt, 1, slug);
}

absl::StatusOr<ArticleStore::StoredRevision> ArticleStore::GetRevisionStored(
    const std::string& slug, absl::CivilDay review_date, absl::CivilDay today,
    bool include_withdrawn) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  static const std::string* const kSql =
      new std::string(absl::StrCat(R"sql(
      SELECT a.withdraw_time IS NOT NULL, r.review_date, r.next_review_date, r.etag, b.body, )sql",
                                   TranslationStatusSql("r", "?3"), R"sql(
      FROM articles a
      LEFT JOIN revisions r ON r.article_id = a.id AND r.review_date = ?2
      LEFT JOIN revision_bodies b ON b.article_id = r.article_id AND b.review_date = r.review_date
      WHERE a.slug = ?1)sql"));
  ASSIGN_OR_RETURN(Statement stmt, db->Prepare(*kSql));
  stmt.BindText(1, slug).BindText(2, FormatIsoDate(review_date)).BindText(3, FormatIsoDate(today));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError(absl::StrCat(ArticleName(slug), " does not exist"));
  if (stmt.ColumnInt64(0) != 0 && !include_withdrawn) return WithdrawnError(slug);
  if (stmt.ColumnIsNull(4)) {
    return absl::NotFoundError(
        absl::StrCat(RevisionResourceName(slug, review_date), " does not exist"));
  }
  return ReadStored(stmt, 1, slug);
}

absl::StatusOr<ArticleStore::LanguageChoice> ArticleStore::ChooseLanguage(
    const std::string& slug, absl::CivilDay day, absl::Span<const std::string> preferred,
    bool allow_fallback) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  const std::string day_text = FormatIsoDate(day);
  // The named article's revision in force: its source is the group's root.
  ASSIGN_OR_RETURN(Statement named, db->Prepare(R"sql(
      SELECT a.id, r.source_article_id FROM articles a
      JOIN revisions r ON r.article_id = a.id
      WHERE a.slug = ?1 AND a.withdraw_time IS NULL
        AND r.review_date = (SELECT MAX(m.review_date) FROM revisions m
                             WHERE m.article_id = a.id AND m.review_date <= ?2))sql"));
  named.BindText(1, slug).BindText(2, day_text);
  ASSIGN_OR_RETURN(bool found, named.Step());
  if (!found) return LanguageChoice{slug, false};
  const int64_t named_id = named.ColumnInt64(0);
  const int64_t root = named.ColumnIsNull(1) ? named_id : named.ColumnInt64(1);

  // The root and every live translation of it, each in its revision in
  // force that day: the named article first, then the source, then by slug.
  ASSIGN_OR_RETURN(Statement group, db->Prepare(R"sql(
      SELECT a.slug, r.language_code, a.id = ?1 FROM articles a
      JOIN revisions r ON r.article_id = a.id
      WHERE (a.id = ?1 OR a.id IN (SELECT t.article_id FROM revisions t
                                   WHERE t.source_article_id = ?1))
        AND a.withdraw_time IS NULL
        AND r.review_date = (SELECT MAX(m.review_date) FROM revisions m
                             WHERE m.article_id = a.id AND m.review_date <= ?2)
        AND (a.id = ?1 OR r.source_article_id = ?1)
      ORDER BY a.id = ?3 DESC, a.id = ?1 DESC, a.slug)sql"));
  group.BindInt64(1, root).BindText(2, day_text).BindInt64(3, named_id);
  std::vector<domain::LanguageCandidate> candidates;
  while (true) {
    ASSIGN_OR_RETURN(bool row, group.Step());
    if (!row) break;
    candidates.push_back({std::string(group.ColumnText(0)), std::string(group.ColumnText(1)),
                          group.ColumnInt64(2) != 0});
  }
  std::optional<domain::LanguageChoice> choice =
      domain::ChooseLanguage(preferred, candidates, allow_fallback);
  if (!choice.has_value()) {
    std::vector<std::string> available;
    for (const domain::LanguageCandidate& c : candidates) {
      available.push_back(c.language_code.empty() ? "(none given)" : c.language_code);
    }
    return absl::NotFoundError(absl::StrCat(ArticleName(slug), " has no translation in force on ",
                                            day_text, " in ", absl::StrJoin(preferred, ", "),
                                            " (available: ", absl::StrJoin(available, ", "),
                                            "), and no_language_fallback refuses the others"));
  }
  return LanguageChoice{candidates[choice->index].slug, choice->fallback};
}

absl::StatusOr<v1::Article> ArticleStore::GetInForce(const std::string& slug, absl::CivilDay day,
                                                     absl::CivilDay today) const {
  ASSIGN_OR_RETURN(StoredRevision stored, GetInForceStored(slug, day));
  return ParseStored(stored, today);
}

absl::StatusOr<v1::Article> ArticleStore::GetRevision(const std::string& slug,
                                                      absl::CivilDay review_date,
                                                      absl::CivilDay today,
                                                      bool include_withdrawn) const {
  ASSIGN_OR_RETURN(StoredRevision stored,
                   GetRevisionStored(slug, review_date, today, include_withdrawn));
  return ParseStored(stored, today);
}

absl::StatusOr<ArticleStore::StoredArticlePage> ArticleStore::ListStored(
    const ListQuery& query) const {
  // ?1, ?2: the keyset cursor; ?3: the limit; the filter's parameters from ?4.
  constexpr int kFilterFirstIndex = 4;
  ASSIGN_OR_RETURN(SqlFilter filter, CompileArticleFilter(query.filter, query.today,
                                                          query.due_soon_days, kFilterFirstIndex));
  // The basic view reads each article's listing entry from live_articles;
  // the full view joins the bodies.
  std::string sql = absl::StrCat(
      "SELECT live.slug, ", SortValueColumn(query.order),
      ", live.review_date, live.next_review_date, '', ",
      query.basic_view ? "l.listing, " : "b.body, ",
      // The day is a formatted date (digits and hyphens), safe to inline.
      TranslationStatusSql("live", absl::StrCat("'", FormatIsoDate(query.today), "'")),
      query.basic_view ? " FROM live_articles live "
                         "JOIN live_listings l ON l.article_id = live.article_id "
                       : " FROM live_articles live JOIN revision_bodies b "
                         "ON b.article_id = live.article_id AND b.review_date = live.review_date ",
      "WHERE ", filter.sql, " AND ", query.has_cursor ? KeysetCondition(query.order, 1) : "1",
      " ORDER BY ", OrderByClause(query.order), " LIMIT ?3");
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  // Filtered queries vary without bound; only the plain listing is cached.
  ASSIGN_OR_RETURN(Statement stmt,
                   query.filter == nullptr ? db->Prepare(sql) : db->PrepareUncached(sql));
  if (query.has_cursor) {
    if (query.order.field == domain::ArticleOrder::Field::kName) {
      stmt.BindText(1, query.after_slug);
    } else {
      stmt.BindText(1, query.after_value).BindText(2, query.after_slug);
    }
  }
  stmt.BindInt64(3, query.limit + 1);
  BindFilterParams(filter.params, kFilterFirstIndex, &stmt);
  StoredArticlePage page;
  page.revisions.reserve(static_cast<size_t>(query.limit));
  int64_t bytes = 0;
  auto take = [&](const Statement& row) -> absl::StatusOr<bool> {
    ASSIGN_OR_RETURN(StoredRevision stored, ReadStored(row, 2, row.ColumnText(0)));
    if (stored.body.empty()) {
      return absl::DataLossError(absl::StrCat("live article ", row.ColumnText(0),
                                              " has an empty listing entry (the database is "
                                              "damaged)"));
    }
    const int64_t cost = static_cast<int64_t>(stored.body.size()) + query.entry_overhead_bytes;
    if (query.max_bytes > 0 && !page.revisions.empty() && bytes + cost > query.max_bytes) {
      return false;  // the next page resumes after the last one kept
    }
    bytes += cost;
    page.last_slug = std::string(row.ColumnText(0));
    page.last_value = std::string(row.ColumnText(1));
    page.revisions.push_back(std::move(stored));
    return true;
  };
  ASSIGN_OR_RETURN(page.has_more, ReadPage(&stmt, query.limit, take));
  return page;
}

absl::StatusOr<ArticleStore::ArticlePage> ArticleStore::List(const ListQuery& query) const {
  ASSIGN_OR_RETURN(StoredArticlePage stored, ListStored(query));
  ArticlePage page;
  page.has_more = stored.has_more;
  page.last_value = std::move(stored.last_value);
  page.last_slug = std::move(stored.last_slug);
  page.articles.reserve(stored.revisions.size());
  for (const StoredRevision& revision : stored.revisions) {
    RETURN_IF_ERROR(
        DecodeStored(revision.body, StoredRevisionName(revision), &page.articles.emplace_back()));
  }
  return page;
}

absl::StatusOr<ArticleStore::RevisionPage> ArticleStore::ListRevisions(
    const std::string& slug, const std::string& before_date, int limit, absl::CivilDay today,
    bool include_withdrawn) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(ArticleRow article_row, FindArticle(db, slug));
  if (article_row.withdrawn && !include_withdrawn) return WithdrawnError(slug);
  ASSIGN_OR_RETURN(Statement stmt, db->Prepare(R"sql(
      SELECT review_date, next_review_date, title, change_type, change_summary,
             publish_time, etag
      FROM revisions
      WHERE article_id = ?1 AND (?2 = '' OR review_date < ?2)
      ORDER BY review_date DESC LIMIT ?3)sql"));
  stmt.BindInt64(1, article_row.id).BindText(2, before_date).BindInt64(3, limit + 1);
  // The revision in force today is the newest one on or before today.
  std::string today_text = FormatIsoDate(today);
  ASSIGN_OR_RETURN(
      Statement in_force,
      db->Prepare(
          "SELECT max(review_date) FROM revisions WHERE article_id = ?1 AND review_date <= ?2"));
  in_force.BindInt64(1, article_row.id).BindText(2, today_text);
  ASSIGN_OR_RETURN(bool has_in_force, in_force.Step());
  std::string in_force_date =
      has_in_force && !in_force.ColumnIsNull(0) ? std::string(in_force.ColumnText(0)) : "";

  RevisionPage page;
  auto take = [&](const Statement& row) -> absl::StatusOr<bool> {
    v1::ArticleRevision& rev = page.revisions.emplace_back();
    std::string review_text(row.ColumnText(0));
    ASSIGN_OR_RETURN(absl::CivilDay review, ParseIsoDate(review_text));
    ASSIGN_OR_RETURN(absl::CivilDay next, ParseIsoDate(row.ColumnText(1)));
    rev.set_name(RevisionResourceName(slug, review));
    rev.set_revision_id(review_text);
    rev.set_title(std::string(row.ColumnText(2)));
    *rev.mutable_review_date() = ToProtoDate(review);
    *rev.mutable_next_review_date() = ToProtoDate(next);
    rev.set_change_type(static_cast<v1::ChangeType>(row.ColumnInt64(3)));
    rev.set_change_summary(std::string(row.ColumnText(4)));
    *rev.mutable_publish_time() = TimeUtil::MicrosecondsToTimestamp(row.ColumnInt64(5));
    rev.set_etag(std::string(row.ColumnText(6)));
    rev.set_scheduled(review > today);
    rev.set_in_force(review_text == in_force_date);
    return true;
  };
  ASSIGN_OR_RETURN(page.has_more, ReadPage(&stmt, limit, take));
  return page;
}

namespace {

constexpr absl::string_view kPublishMethod = "PublishArticleRevision";

// What Publish works out before it takes the write lock.
struct PublishPlan {
  v1::PublishArticleRevisionRequest request;  // codes in normal form
  std::string slug;
  absl::CivilDay review_date;
  std::string review_text;     // review_date as YYYY-MM-DD, the revision id
  absl::CivilDay next_review;  // as given, else the default interval on
  std::string content_hash;
  v1::Article scored;     // the revision's readability, nothing else
  v1::Audience audience;  // as given, else AUDIENCE_PATIENT

  const v1::Article& article() const { return request.article(); }
};

// Step 1, outside the write: normalizes the codes, parses the name and
// dates, hashes the content and scores the reading level (the costly part).
// InvalidArgument naming the field for bad codes, a bad name or date, or a
// patient text above options.max_patient_reading_grade.
absl::StatusOr<PublishPlan> PlanPublish(const v1::PublishArticleRevisionRequest& original,
                                        const ArticleStore::Options& options) {
  PublishPlan plan;
  // Codes are stored, hashed and compared in normal form ("k220" is K22.0).
  plan.request = original;
  {
    FieldViolations violations;
    domain::NormalizeCodings(plan.request.mutable_article()->mutable_codes(), "article.codes",
                             &violations);
    RETURN_IF_ERROR(violations.ToStatus());
  }
  const v1::Article& in = plan.article();
  ASSIGN_OR_RETURN(plan.slug, ParseArticleName(in.name(), "article.name"));
  ASSIGN_OR_RETURN(plan.review_date, FromProtoDate(in.review_date()));
  plan.review_text = FormatIsoDate(plan.review_date);
  // The hash covers the request as it will be stored: a publish that leaves
  // next_review_date to the default and one that spells the default out are
  // the same revision (so an exported file re-imports idempotently).
  const absl::CivilDay default_next_review =
      domain::DefaultNextReviewDate(plan.review_date, options.review_interval_years);
  if (IsEmptyDate(in.next_review_date())) {
    v1::PublishArticleRevisionRequest resolved = plan.request;
    *resolved.mutable_article()->mutable_next_review_date() = ToProtoDate(default_next_review);
    plan.content_hash = domain::PublishContentHash(resolved);
    plan.next_review = default_next_review;
  } else {
    plan.content_hash = domain::PublishContentHash(plan.request);
    plan.next_review = FromProtoDate(in.next_review_date()).value_or(plan.review_date);
  }

  *plan.scored.mutable_title() = in.title();
  *plan.scored.mutable_summary() = in.summary();
  *plan.scored.mutable_lead() = in.lead();
  *plan.scored.mutable_sections() = in.sections();
  plan.scored.set_language_code(in.language_code());
  RETURN_IF_ERROR(ScoreRevision(&plan.scored));
  plan.audience = in.audience() == v1::AUDIENCE_UNSPECIFIED ? v1::AUDIENCE_PATIENT : in.audience();
  RETURN_IF_ERROR(CheckReadingGrade(plan.scored, plan.audience, options.max_patient_reading_grade));
  return plan;
}

// The steps below run inside the write transaction (Storage::Write), in
// this order; an error from any of them rolls the whole publish back.

// Step 2: a retried request_id gets the first answer. True with `*answer`
// set when the request_id was seen; InvalidArgument when it was used for a
// different request.
absl::StatusOr<bool> ReplayRequest(Database* db, const PublishPlan& plan, v1::Article* answer) {
  HC_DCHECK(db->InTransaction(), "ReplayRequest must run inside the write transaction");
  const std::string& request_id = plan.request.request_id();
  if (request_id.empty()) return false;
  ASSIGN_OR_RETURN(
      Statement seen,
      db->Prepare("SELECT method, request_hash, response FROM requests WHERE request_id = ?1"));
  seen.BindText(1, request_id);
  ASSIGN_OR_RETURN(bool row, seen.Step());
  if (!row) return false;
  if (seen.ColumnText(0) != kPublishMethod || seen.ColumnText(1) != plan.content_hash) {
    return InvalidFieldError(
        "request_id",
        absl::StrCat("\"", request_id, "\" was already used for a different request"));
  }
  RETURN_IF_ERROR(DecodeStored(seen.ColumnBlob(2),
                               absl::StrCat("stored answer to request_id ", request_id), answer));
  return true;
}

// Step 3: the article's row id, creating the article when it is new.
// FailedPrecondition for a withdrawn article.
absl::StatusOr<int64_t> FindOrCreateArticle(Database* db, const std::string& slug, absl::Time now) {
  HC_DCHECK(db->InTransaction(), "FindOrCreateArticle must run inside the write transaction");
  absl::StatusOr<ArticleRow> found = FindArticle(db, slug);
  if (found.ok()) {
    if (found->withdrawn) {
      return absl::FailedPreconditionError(
          absl::StrCat(ArticleName(slug), " was withdrawn; it cannot take new revisions"));
    }
    return found->id;
  }
  if (!absl::IsNotFound(found.status())) return found.status();
  ASSIGN_OR_RETURN(Statement insert,
                   db->Prepare("INSERT INTO articles (slug, create_time) VALUES (?1, ?2)"));
  insert.BindText(1, slug).BindInt64(2, Micros(now));
  RETURN_IF_ERROR(insert.Run());
  return db->LastInsertRowId();
}

// Step 4: a revision already on the review date. True with `*stored` set
// when it has the same content (the publish is a no-op); AlreadyExists when
// its content differs; false when there is none.
absl::StatusOr<bool> FindSameRevision(Database* db, int64_t article_id, const PublishPlan& plan,
                                      v1::Article* stored) {
  HC_DCHECK(db->InTransaction(), "FindSameRevision must run inside the write transaction");
  ASSIGN_OR_RETURN(
      Statement existing,
      db->Prepare("SELECT r.content_hash, b.body FROM revisions r JOIN revision_bodies b "
                  "ON b.article_id = r.article_id AND b.review_date = r.review_date "
                  "WHERE r.article_id = ?1 AND r.review_date = ?2"));
  existing.BindInt64(1, article_id).BindText(2, plan.review_text);
  ASSIGN_OR_RETURN(bool row, existing.Step());
  if (!row) return false;
  const std::string name = RevisionResourceName(plan.slug, plan.review_date);
  if (existing.ColumnText(0) != plan.content_hash) {
    return absl::AlreadyExistsError(
        absl::StrCat(name,
                     " already exists with different content; revisions are immutable, so publish "
                     "the change under a new review date"));
  }
  RETURN_IF_ERROR(DecodeStored(existing.ColumnBlob(1), absl::StrCat("stored ", name), stored));
  return true;
}

// Step 5 (no database): the revision as it will be stored, before its
// therapy types, references and etag are filled in. Output-only fields of
// the request are replaced by the server's.
v1::Article BuildRevision(const PublishPlan& plan, absl::Time now) {
  v1::Article revision = plan.article();
  revision.set_audience(plan.audience);
  revision.clear_translation_status();
  revision.clear_language_fallback();
  revision.clear_readability();
  if (plan.scored.has_readability()) *revision.mutable_readability() = plan.scored.readability();
  revision.clear_etag();
  revision.clear_not_modified();
  revision.clear_scheduled();
  revision.clear_review_status();
  revision.set_revision_id(plan.review_text);
  *revision.mutable_review_date() = ToProtoDate(plan.review_date);
  *revision.mutable_next_review_date() = ToProtoDate(plan.next_review);
  *revision.mutable_publish_time() = TimeUtil::MicrosecondsToTimestamp(Micros(now));
  return revision;
}

// Step 6: replaces each therapy type named in `revision` by its stored copy
// (without update time and article count), which the revision keeps as it
// is today. InvalidArgument with one field violation per unknown type.
absl::Status EmbedTherapyTypes(Database* db, v1::Article* revision) {
  HC_DCHECK(db->InTransaction(), "EmbedTherapyTypes must run inside the write transaction");
  FieldViolations unknown_types;
  for (int i = 0; i < revision->therapy_types_size(); ++i) {
    v1::TherapyType* tt = revision->mutable_therapy_types(i);
    ASSIGN_OR_RETURN(std::string tt_slug, ParseTherapyTypeName(tt->name(), "therapy type"));
    ASSIGN_OR_RETURN(Statement get, db->Prepare("SELECT body FROM therapy_types WHERE slug = ?1"));
    get.BindText(1, tt_slug);
    ASSIGN_OR_RETURN(bool row, get.Step());
    if (!row) {
      unknown_types.Add(
          absl::StrCat("article.therapy_types[", i, "].name"),
          absl::StrCat(tt->name(), " does not exist; create it with UpsertTherapyType first"));
      continue;
    }
    RETURN_IF_ERROR(DecodeStored(get.ColumnBlob(0), absl::StrCat("stored ", tt->name()), tt));
    tt->clear_update_time();
    tt->clear_article_count();
  }
  return unknown_types.ToStatus();
}

// Step 7: names each reference of `revision` (the id of the stored work it
// matches, or a new id) and stores it as this latest citation has it.
absl::Status StoreReferences(Database* db, v1::Article* revision) {
  HC_DCHECK(db->InTransaction(), "StoreReferences must run inside the write transaction");
  for (v1::Reference& ref : *revision->mutable_references()) {
    std::string key = domain::ReferenceMatchKey(ref);
    ASSIGN_OR_RETURN(Statement find, db->Prepare("SELECT id FROM refs WHERE match_key = ?1"));
    find.BindText(1, key);
    ASSIGN_OR_RETURN(bool row, find.Step());
    std::string id = row ? std::string(find.ColumnText(0)) : domain::ReferenceIdForKey(key);
    ref.set_name(ReferenceName(id));
    ASSIGN_OR_RETURN(Statement upsert, db->Prepare(R"sql(
        INSERT INTO refs (id, match_key, body) VALUES (?1, ?2, ?3)
        ON CONFLICT (match_key) DO UPDATE SET body = excluded.body)sql"));
    upsert.BindText(1, id).BindText(2, key).BindBlob(3, ref.SerializeAsString());
    RETURN_IF_ERROR(upsert.Run());
  }
  return absl::OkStatus();
}

// Inserts one link row per name in `names`, in order: `sql` takes
// (article_id, review_date, position, the name without `prefix`).
template <typename Named>
absl::Status InsertLinks(Database* db, absl::string_view sql, int64_t article_id,
                         const std::string& review_text,
                         const google::protobuf::RepeatedPtrField<Named>& named,
                         absl::string_view prefix) {
  for (int i = 0; i < named.size(); ++i) {
    ASSIGN_OR_RETURN(Statement link, db->Prepare(sql));
    link.BindInt64(1, article_id)
        .BindText(2, review_text)
        .BindInt64(3, i)
        .BindText(4, named.Get(i).name().substr(prefix.size()));
    RETURN_IF_ERROR(link.Run());
  }
  return absl::OkStatus();
}

// Step 8: the revision's rows: its indexed columns, its body, and its links
// to therapy types and references. `revision` is complete (etag set).
absl::Status InsertRevision(Database* db, int64_t article_id, int64_t source_article_id,
                            const PublishPlan& plan, const v1::Article& revision, absl::Time now) {
  HC_DCHECK(db->InTransaction(), "InsertRevision must run inside the write transaction");
  ASSIGN_OR_RETURN(Statement insert, db->Prepare(R"sql(
      INSERT INTO revisions (article_id, review_date, next_review_date, title, change_type,
                             change_summary, publish_time, etag, content_hash, body,
                             publisher, language_code, audience, source_article_id,
                             source_review_date, reading_grade, reading_ease)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17))sql"));
  insert.BindInt64(1, article_id)
      .BindText(2, plan.review_text)
      .BindText(3, FormatIsoDate(plan.next_review))
      .BindText(4, revision.title())
      .BindInt64(5, plan.request.change_type())
      .BindText(6, plan.request.change_summary())
      .BindInt64(7, Micros(now))
      .BindText(8, revision.etag())
      .BindText(9, plan.content_hash)
      .BindBlob(10, "")  // bodies live in revision_bodies (schema v3)
      .BindText(11, revision.publisher())
      .BindText(12, revision.language_code())
      .BindInt64(13, revision.audience())
      .BindText(15, revision.translation_of().revision_id());
  if (source_article_id != 0) {
    insert.BindInt64(14, source_article_id);
  } else {
    insert.BindNull(14);
  }
  BindFigures(revision, 16, &insert);
  RETURN_IF_ERROR(insert.Run());
  ASSIGN_OR_RETURN(
      Statement insert_body,
      db->Prepare(
          "INSERT INTO revision_bodies (article_id, review_date, body) VALUES (?1, ?2, ?3)"));
  insert_body.BindInt64(1, article_id)
      .BindText(2, plan.review_text)
      .BindBlob(3, revision.SerializeAsString());
  RETURN_IF_ERROR(insert_body.Run());
  RETURN_IF_ERROR(InsertLinks(db, R"sql(
      INSERT INTO revision_therapy_types (article_id, review_date, position, therapy_type_slug)
      VALUES (?1, ?2, ?3, ?4))sql",
                              article_id, plan.review_text, revision.therapy_types(),
                              "therapyTypes/"));
  return InsertLinks(db, R"sql(
      INSERT INTO revision_references (article_id, review_date, position, reference_id)
      VALUES (?1, ?2, ?3, ?4))sql",
                     article_id, plan.review_text, revision.references(), "references/");
}

// Step 9: what follows from the new revision, in the same transaction: the
// feed's change (REVISION_PUBLISHED, or REVISION_SCHEDULED for a future
// review date, which ApplyDueSchedules announces on its day), translations
// a clinical review leaves stale, the article's coding and code index, and
// the in-force index.
absl::Status RecordRevisionEffects(Database* db, int64_t article_id, const PublishPlan& plan,
                                   const v1::Article& revision, absl::Time now) {
  HC_DCHECK(db->InTransaction(), "RecordRevisionEffects must run inside the write transaction");
  const absl::CivilDay today = UtcDay(now);
  const bool scheduled = plan.review_date > today;
  v1::Change change;
  change.set_kind(scheduled ? v1::Change::REVISION_SCHEDULED : v1::Change::REVISION_PUBLISHED);
  change.set_resource(ArticleName(plan.slug));
  change.set_revision_id(plan.review_text);
  change.set_etag(revision.etag());
  *change.mutable_effective_date() = ToProtoDate(plan.review_date);
  RETURN_IF_ERROR(RecordChange(db, change, now));
  if (!scheduled && plan.request.change_type() == v1::CHANGE_TYPE_CLINICAL_REVIEW) {
    RETURN_IF_ERROR(RecordStaleTranslations(db, article_id, plan.review_date, today, now));
  }
  // A publish that sets codes codes the article from this review date on.
  if (revision.codes_size() > 0) {
    RETURN_IF_ERROR(RecordArticleCoding(db, article_id, plan.slug, plan.review_date,
                                        revision.codes(), db->LastInsertRowId(),
                                        RevisionResourceName(plan.slug, plan.review_date), now)
                        .status());
  }
  RETURN_IF_ERROR(IndexRevisionTherapyTypeCodes(db, article_id, revision));
  if (scheduled) {
    ASSIGN_OR_RETURN(
        Statement schedule,
        db->Prepare("INSERT INTO scheduled_revisions (article_id, review_date) VALUES (?1, ?2)"));
    schedule.BindInt64(1, article_id).BindText(2, plan.review_text);
    RETURN_IF_ERROR(schedule.Run());
  }
  return RefreshLiveArticle(db, article_id, today);
}

// Step 10: remembers the answer under the request's request_id, if any, for
// ReplayRequest.
absl::Status RememberAnswer(Database* db, const PublishPlan& plan, const v1::Article& answer,
                            absl::Time now) {
  HC_DCHECK(db->InTransaction(), "RememberAnswer must run inside the write transaction");
  if (plan.request.request_id().empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(Statement remember, db->Prepare(R"sql(
      INSERT INTO requests (request_id, method, request_hash, response, create_time)
      VALUES (?1, ?2, ?3, ?4, ?5))sql"));
  remember.BindText(1, plan.request.request_id())
      .BindText(2, kPublishMethod)
      .BindText(3, plan.content_hash)
      .BindBlob(4, answer.SerializeAsString())
      .BindInt64(5, Micros(now));
  return remember.Run();
}

}  // namespace

absl::StatusOr<v1::Article> ArticleStore::Publish(const v1::PublishArticleRevisionRequest& original,
                                                  absl::Time now) {
  ASSIGN_OR_RETURN(const PublishPlan plan, PlanPublish(original, options_));
  v1::Article result;
  RETURN_IF_ERROR(storage_->Write([&](Database* db) -> absl::Status {
    ASSIGN_OR_RETURN(bool replayed, ReplayRequest(db, plan, &result));
    if (replayed) return absl::OkStatus();
    ASSIGN_OR_RETURN(int64_t article_id, FindOrCreateArticle(db, plan.slug, now));
    ASSIGN_OR_RETURN(bool unchanged, FindSameRevision(db, article_id, plan, &result));
    if (unchanged) return absl::OkStatus();
    int64_t source_article_id = 0;
    if (plan.article().has_translation_of()) {
      ASSIGN_OR_RETURN(source_article_id, CheckTranslationSource(db, article_id, plan.article()));
    }
    result = BuildRevision(plan, now);
    RETURN_IF_ERROR(EmbedTherapyTypes(db, &result));
    RETURN_IF_ERROR(StoreReferences(db, &result));
    result.set_etag(domain::ComputeEtag(result));
    RETURN_IF_ERROR(InsertRevision(db, article_id, source_article_id, plan, result, now));
    RETURN_IF_ERROR(RecordRevisionEffects(db, article_id, plan, result, now));
    return RememberAnswer(db, plan, result, now);
  }));
  return result;
}

absl::Status ArticleStore::Withdraw(const std::string& slug, const std::string& reason,
                                    absl::Time now) {
  return storage_->Write([&](Database* db) -> absl::Status {
    ASSIGN_OR_RETURN(ArticleRow row, FindArticle(db, slug));
    if (row.withdrawn) return absl::OkStatus();
    ASSIGN_OR_RETURN(
        Statement update,
        db->Prepare("UPDATE articles SET withdraw_time = ?2, withdraw_reason = ?3 WHERE id = ?1"));
    update.BindInt64(1, row.id).BindInt64(2, Micros(now)).BindText(3, reason);
    RETURN_IF_ERROR(update.Run());
    v1::Change change;
    change.set_kind(v1::Change::ARTICLE_WITHDRAWN);
    change.set_resource(ArticleName(slug));
    *change.mutable_effective_date() = ToProtoDate(UtcDay(now));
    RETURN_IF_ERROR(RecordChange(db, change, now));
    return RefreshLiveArticle(db, row.id, UtcDay(now));
  });
}

absl::StatusOr<v1::PublishArticleRevisionRequest> ArticleStore::Export(
    const std::string& slug, absl::CivilDay review_date, bool include_withdrawn) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(ArticleRow article_row, FindArticle(db, slug));
  if (article_row.withdrawn && !include_withdrawn) return WithdrawnError(slug);
  ASSIGN_OR_RETURN(
      Statement stmt,
      db->Prepare(
          "SELECT b.body, r.change_type, r.change_summary FROM revisions r "
          "JOIN revision_bodies b ON b.article_id = r.article_id AND b.review_date = r.review_date "
          "WHERE r.article_id = ?1 AND r.review_date = ?2"));
  stmt.BindInt64(1, article_row.id).BindText(2, FormatIsoDate(review_date));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) {
    return absl::NotFoundError(
        absl::StrCat(RevisionResourceName(slug, review_date), " does not exist"));
  }
  v1::Article article;
  RETURN_IF_ERROR(DecodeStored(stmt.ColumnBlob(0),
                               absl::StrCat("stored ", RevisionResourceName(slug, review_date)),
                               &article));
  domain::DropDefaultNextReviewDate(options_.review_interval_years, &article);
  return domain::ToPublishRequest(std::move(article),
                                  static_cast<v1::ChangeType>(stmt.ColumnInt64(1)),
                                  std::string(stmt.ColumnText(2)));
}

absl::StatusOr<std::vector<ArticleStore::RevisionKey>> ArticleStore::AllRevisionKeys() const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(
      Statement stmt,
      db->Prepare(
          "SELECT a.slug, r.review_date FROM articles a JOIN revisions r ON r.article_id = a.id "
          "WHERE a.withdraw_time IS NULL ORDER BY a.slug, r.review_date"));
  std::vector<RevisionKey> keys;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(absl::CivilDay day, ParseIsoDate(stmt.ColumnText(1)));
    keys.push_back({std::string(stmt.ColumnText(0)), day});
  }
  return keys;
}

absl::StatusOr<bool> ArticleStore::HasDueSchedules(absl::CivilDay today) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(
      Statement stmt,
      db->Prepare("SELECT EXISTS (SELECT 1 FROM scheduled_revisions WHERE review_date <= ?1)"));
  stmt.BindText(1, FormatIsoDate(today));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row && stmt.ColumnInt64(0) != 0;
}

absl::StatusOr<int> ArticleStore::ApplyDueSchedules(absl::Time now) {
  const absl::CivilDay today = UtcDay(now);
  int applied = 0;
  RETURN_IF_ERROR(storage_->Write([&](Database* db) -> absl::Status {
    struct Due {
      int64_t article_id;
      std::string slug;
      std::string review_date;
      std::string etag;
      bool withdrawn;
      bool clinical;
    };
    std::vector<Due> due;
    {
      ASSIGN_OR_RETURN(Statement find, db->Prepare(R"sql(
          SELECT s.article_id, a.slug, s.review_date, r.etag, a.withdraw_time IS NOT NULL,
                 r.change_type
          FROM scheduled_revisions s
          JOIN articles a ON a.id = s.article_id
          JOIN revisions r ON r.article_id = s.article_id AND r.review_date = s.review_date
          WHERE s.review_date <= ?1
          ORDER BY s.review_date, a.slug)sql"));
      find.BindText(1, FormatIsoDate(today));
      while (true) {
        ASSIGN_OR_RETURN(bool row, find.Step());
        if (!row) break;
        due.push_back({find.ColumnInt64(0), std::string(find.ColumnText(1)),
                       std::string(find.ColumnText(2)), std::string(find.ColumnText(3)),
                       find.ColumnInt64(4) != 0,
                       find.ColumnInt64(5) == v1::CHANGE_TYPE_CLINICAL_REVIEW});
      }
    }
    for (const Due& d : due) {
      if (!d.withdrawn) {
        v1::Change change;
        change.set_kind(v1::Change::REVISION_TOOK_EFFECT);
        change.set_resource(ArticleName(d.slug));
        change.set_revision_id(d.review_date);
        change.set_etag(d.etag);
        ASSIGN_OR_RETURN(absl::CivilDay effective, ParseIsoDate(d.review_date));
        *change.mutable_effective_date() = ToProtoDate(effective);
        RETURN_IF_ERROR(RecordChange(db, change, now));
        RETURN_IF_ERROR(RefreshLiveArticle(db, d.article_id, today));
        if (d.clinical) {
          RETURN_IF_ERROR(RecordStaleTranslations(db, d.article_id, effective, today, now));
        }
        ++applied;
      }
      ASSIGN_OR_RETURN(
          Statement done,
          db->Prepare(
              "DELETE FROM scheduled_revisions WHERE article_id = ?1 AND review_date = ?2"));
      done.BindInt64(1, d.article_id).BindText(2, d.review_date);
      RETURN_IF_ERROR(done.Run());
    }
    return absl::OkStatus();
  }));
  return applied;
}

}  // namespace healthcontent::storage
