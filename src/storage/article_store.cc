#include "storage/article_store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/date.h"
#include "common/field_errors.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "domain/article_rules.h"
#include "domain/coding.h"
#include "google/protobuf/util/time_util.h"
#include "storage/change_log.h"
#include "storage/article_filter_sql.h"
#include "storage/knowledge_store.h"
#include "storage/live_index.h"

namespace healthcontent::storage {
namespace {

using google::protobuf::util::TimeUtil;

struct ArticleRow {
  int64_t id = 0;
  bool withdrawn = false;
};

// Looks up an article's row; NotFound when absent.
absl::StatusOr<ArticleRow> FindArticle(Database* db, const std::string& slug) {
  ASSIGN_OR_RETURN(Statement stmt,
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

}  // namespace

namespace {

// Reads the row of `stmt` (review_date, next_review_date, etag, body) into a
// StoredRevision.
absl::StatusOr<ArticleStore::StoredRevision> ReadStored(const Statement& stmt, int first) {
  ArticleStore::StoredRevision stored;
  absl::StatusOr<absl::CivilDay> review = ParseIsoDate(stmt.ColumnText(first));
  absl::StatusOr<absl::CivilDay> next = ParseIsoDate(stmt.ColumnText(first + 1));
  if (!review.ok() || !next.ok()) {
    return absl::DataLossError("stored revision dates cannot be decoded (the database is damaged)");
  }
  stored.review_date = *review;
  stored.next_review_date = *next;
  stored.etag = std::string(stmt.ColumnText(first + 2));
  stored.body = std::string(stmt.ColumnBlob(first + 3));
  return stored;
}

absl::StatusOr<v1::Article> ParseStored(const ArticleStore::StoredRevision& stored,
                                        absl::CivilDay today) {
  v1::Article article;
  RETURN_IF_ERROR(DecodeStored(stored.body, "a stored revision", &article));
  article.clear_not_modified();
  article.clear_review_status();
  article.set_scheduled(stored.review_date > today);
  return article;
}

}  // namespace

absl::StatusOr<ArticleStore::StoredRevision> ArticleStore::GetInForceStored(
    const std::string& slug, absl::CivilDay day) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  // One indexed probe of (article_id, review_date) for the greatest review
  // date <= day, then the row itself by primary key.
  ASSIGN_OR_RETURN(Statement stmt, db->Prepare(R"sql(
      SELECT a.withdraw_time IS NOT NULL, r.review_date, r.next_review_date, r.etag, b.body
      FROM articles a
      LEFT JOIN revisions r
        ON r.article_id = a.id
       AND r.review_date = (SELECT MAX(m.review_date) FROM revisions m
                            WHERE m.article_id = a.id AND m.review_date <= ?2)
      LEFT JOIN revision_bodies b ON b.article_id = r.article_id AND b.review_date = r.review_date
      WHERE a.slug = ?1)sql"));
  stmt.BindText(1, slug).BindText(2, FormatIsoDate(day));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError(absl::StrCat(ArticleName(slug), " does not exist"));
  if (stmt.ColumnInt64(0) != 0) return WithdrawnError(slug);
  if (stmt.ColumnIsNull(4)) {
    return absl::NotFoundError(absl::StrCat(ArticleName(slug), " has no revision in force on ",
                                            FormatIsoDate(day)));
  }
  return ReadStored(stmt, 1);
}

absl::StatusOr<ArticleStore::StoredRevision> ArticleStore::GetRevisionStored(
    const std::string& slug, absl::CivilDay review_date, bool include_withdrawn) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(Statement stmt, db->Prepare(R"sql(
      SELECT a.withdraw_time IS NOT NULL, r.review_date, r.next_review_date, r.etag, b.body
      FROM articles a
      LEFT JOIN revisions r ON r.article_id = a.id AND r.review_date = ?2
      LEFT JOIN revision_bodies b ON b.article_id = r.article_id AND b.review_date = r.review_date
      WHERE a.slug = ?1)sql"));
  stmt.BindText(1, slug).BindText(2, FormatIsoDate(review_date));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError(absl::StrCat(ArticleName(slug), " does not exist"));
  if (stmt.ColumnInt64(0) != 0 && !include_withdrawn) return WithdrawnError(slug);
  if (stmt.ColumnIsNull(4)) {
    return absl::NotFoundError(
        absl::StrCat(RevisionResourceName(slug, review_date), " does not exist"));
  }
  return ReadStored(stmt, 1);
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
  ASSIGN_OR_RETURN(StoredRevision stored, GetRevisionStored(slug, review_date, include_withdrawn));
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
      query.basic_view ? "l.listing FROM live_articles live "
                         "JOIN live_listings l ON l.article_id = live.article_id "
                       : "b.body FROM live_articles live JOIN revision_bodies b "
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
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (static_cast<int>(page.revisions.size()) == query.limit) {
      page.has_more = true;
      break;
    }
    page.last_slug = std::string(stmt.ColumnText(0));
    page.last_value = std::string(stmt.ColumnText(1));
    ASSIGN_OR_RETURN(StoredRevision stored, ReadStored(stmt, 2));
    if (stored.body.empty()) {
      return absl::DataLossError(absl::StrCat(
          "live article ", page.last_slug, " has an empty listing entry (the database is damaged)"));
    }
    page.revisions.push_back(std::move(stored));
  }
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
        DecodeStored(revision.body, "a stored revision", &page.articles.emplace_back()));
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
  ASSIGN_OR_RETURN(Statement in_force, db->Prepare(
      "SELECT max(review_date) FROM revisions WHERE article_id = ?1 AND review_date <= ?2"));
  in_force.BindInt64(1, article_row.id).BindText(2, today_text);
  ASSIGN_OR_RETURN(bool has_in_force, in_force.Step());
  std::string in_force_date =
      has_in_force && !in_force.ColumnIsNull(0) ? std::string(in_force.ColumnText(0)) : "";

  RevisionPage page;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (static_cast<int>(page.revisions.size()) == limit) {
      page.has_more = true;
      break;
    }
    v1::ArticleRevision& rev = page.revisions.emplace_back();
    std::string review_text(stmt.ColumnText(0));
    ASSIGN_OR_RETURN(absl::CivilDay review, ParseIsoDate(review_text));
    ASSIGN_OR_RETURN(absl::CivilDay next, ParseIsoDate(stmt.ColumnText(1)));
    rev.set_name(RevisionResourceName(slug, review));
    rev.set_revision_id(review_text);
    rev.set_title(std::string(stmt.ColumnText(2)));
    *rev.mutable_review_date() = ToProtoDate(review);
    *rev.mutable_next_review_date() = ToProtoDate(next);
    rev.set_change_type(static_cast<v1::ChangeType>(stmt.ColumnInt64(3)));
    rev.set_change_summary(std::string(stmt.ColumnText(4)));
    *rev.mutable_publish_time() = TimeUtil::MicrosecondsToTimestamp(stmt.ColumnInt64(5));
    rev.set_etag(std::string(stmt.ColumnText(6)));
    rev.set_scheduled(review > today);
    rev.set_in_force(review_text == in_force_date);
  }
  return page;
}

absl::StatusOr<v1::Article> ArticleStore::Publish(
    const v1::PublishArticleRevisionRequest& original, absl::Time now) {
  // Codes are stored, hashed and compared in normal form ("k220" is K22.0).
  v1::PublishArticleRevisionRequest request = original;
  {
    FieldViolations violations;
    domain::NormalizeCodings(request.mutable_article()->mutable_codes(), "article.codes",
                             &violations);
    RETURN_IF_ERROR(violations.ToStatus());
  }
  const v1::Article& in = request.article();
  ASSIGN_OR_RETURN(std::string slug, ParseArticleName(in.name(), "article.name"));
  ASSIGN_OR_RETURN(absl::CivilDay review_date, FromProtoDate(in.review_date()));
  const std::string review_text = FormatIsoDate(review_date);
  // The hash covers the request as it will be stored: a publish that leaves
  // next_review_date to the default and one that spells the default out are
  // the same revision (so an exported file re-imports idempotently).
  const absl::CivilDay default_next_review =
      domain::DefaultNextReviewDate(review_date, options_.review_interval_years);
  std::string content_hash;
  if (IsEmptyDate(in.next_review_date())) {
    v1::PublishArticleRevisionRequest resolved = request;
    *resolved.mutable_article()->mutable_next_review_date() = ToProtoDate(default_next_review);
    content_hash = domain::PublishContentHash(resolved);
  } else {
    content_hash = domain::PublishContentHash(request);
  }
  constexpr absl::string_view kMethod = "PublishArticleRevision";

  v1::Article result;
  absl::Status status = storage_->Write([&](Database* db) -> absl::Status {
    Transaction txn(db);
    RETURN_IF_ERROR(txn.Begin());

    // A retried request_id gets the first answer.
    if (!request.request_id().empty()) {
      ASSIGN_OR_RETURN(Statement seen, db->Prepare(
          "SELECT method, request_hash, response FROM requests WHERE request_id = ?1"));
      seen.BindText(1, request.request_id());
      ASSIGN_OR_RETURN(bool row, seen.Step());
      if (row) {
        if (seen.ColumnText(0) != kMethod || seen.ColumnText(1) != content_hash) {
          return InvalidFieldError("request_id",
                                   absl::StrCat("\"", request.request_id(),
                                                "\" was already used for a different request"));
        }
        return DecodeStored(seen.ColumnBlob(2),
                            absl::StrCat("the stored answer to request_id ", request.request_id()),
                            &result);
      }
    }

    // Find or create the article.
    int64_t article_id = 0;
    absl::StatusOr<ArticleRow> found = FindArticle(db, slug);
    if (found.ok()) {
      if (found->withdrawn) {
        return absl::FailedPreconditionError(absl::StrCat(
            ArticleName(slug), " was withdrawn; it cannot take new revisions"));
      }
      article_id = found->id;
    } else if (absl::IsNotFound(found.status())) {
      ASSIGN_OR_RETURN(Statement insert, db->Prepare(
          "INSERT INTO articles (slug, create_time) VALUES (?1, ?2)"));
      insert.BindText(1, slug).BindInt64(2, Micros(now));
      RETURN_IF_ERROR(insert.Run());
      article_id = db->LastInsertRowId();
    } else {
      return found.status();
    }

    // Same review date: identical content is a no-op, different content a clash.
    {
      ASSIGN_OR_RETURN(Statement existing, db->Prepare(
          "SELECT r.content_hash, b.body FROM revisions r JOIN revision_bodies b "
          "ON b.article_id = r.article_id AND b.review_date = r.review_date "
          "WHERE r.article_id = ?1 AND r.review_date = ?2"));
      existing.BindInt64(1, article_id).BindText(2, review_text);
      ASSIGN_OR_RETURN(bool row, existing.Step());
      if (row) {
        if (existing.ColumnText(0) != content_hash) {
          return absl::AlreadyExistsError(absl::StrCat(
              RevisionResourceName(slug, review_date),
              " already exists with different content; revisions are immutable, so publish "
              "the change under a new review date"));
        }
        RETURN_IF_ERROR(
            DecodeStored(existing.ColumnBlob(1),
                         absl::StrCat("stored ", RevisionResourceName(slug, review_date)), &result));
        return txn.Commit();
      }
    }

    // Build the stored revision.
    result = in;
    result.clear_etag();
    result.clear_not_modified();
    result.clear_scheduled();
    result.clear_review_status();
    result.set_revision_id(review_text);
    *result.mutable_review_date() = ToProtoDate(review_date);
    absl::CivilDay next_review = IsEmptyDate(in.next_review_date())
                                     ? default_next_review
                                     : FromProtoDate(in.next_review_date()).value_or(review_date);
    *result.mutable_next_review_date() = ToProtoDate(next_review);
    *result.mutable_publish_time() = TimeUtil::MicrosecondsToTimestamp(Micros(now));

    FieldViolations unknown_types;
    for (int i = 0; i < result.therapy_types_size(); ++i) {
      v1::TherapyType* tt = result.mutable_therapy_types(i);
      ASSIGN_OR_RETURN(std::string tt_slug, ParseTherapyTypeName(tt->name(), "therapy type"));
      ASSIGN_OR_RETURN(Statement get, db->Prepare("SELECT body FROM therapy_types WHERE slug = ?1"));
      get.BindText(1, tt_slug);
      ASSIGN_OR_RETURN(bool row, get.Step());
      if (!row) {
        unknown_types.Add(absl::StrCat("article.therapy_types[", i, "].name"),
                          absl::StrCat(tt->name(),
                                       " does not exist; create it with UpsertTherapyType first"));
        continue;
      }
      RETURN_IF_ERROR(DecodeStored(get.ColumnBlob(0), absl::StrCat("stored ", tt->name()), tt));
      tt->clear_update_time();
      tt->clear_article_count();
    }
    RETURN_IF_ERROR(unknown_types.ToStatus());

    for (v1::Reference& ref : *result.mutable_references()) {
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
    result.set_etag(domain::ComputeEtag(result));

    ASSIGN_OR_RETURN(Statement insert, db->Prepare(R"sql(
        INSERT INTO revisions (article_id, review_date, next_review_date, title, change_type,
                               change_summary, publish_time, etag, content_hash, body,
                               publisher, language_code)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12))sql"));
    insert.BindInt64(1, article_id)
        .BindText(2, review_text)
        .BindText(3, FormatIsoDate(next_review))
        .BindText(4, result.title())
        .BindInt64(5, request.change_type())
        .BindText(6, request.change_summary())
        .BindInt64(7, Micros(now))
        .BindText(8, result.etag())
        .BindText(9, content_hash)
        .BindBlob(10, "")  // bodies live in revision_bodies (schema v3)
        .BindText(11, result.publisher())
        .BindText(12, result.language_code());
    RETURN_IF_ERROR(insert.Run());
    ASSIGN_OR_RETURN(Statement insert_body, db->Prepare(
        "INSERT INTO revision_bodies (article_id, review_date, body) VALUES (?1, ?2, ?3)"));
    insert_body.BindInt64(1, article_id).BindText(2, review_text).BindBlob(
        3, result.SerializeAsString());
    RETURN_IF_ERROR(insert_body.Run());

    for (int i = 0; i < result.therapy_types_size(); ++i) {
      ASSIGN_OR_RETURN(Statement link, db->Prepare(R"sql(
          INSERT INTO revision_therapy_types (article_id, review_date, position, therapy_type_slug)
          VALUES (?1, ?2, ?3, ?4))sql"));
      link.BindInt64(1, article_id).BindText(2, review_text).BindInt64(3, i).BindText(
          4, result.therapy_types(i).name().substr(sizeof("therapyTypes/") - 1));
      RETURN_IF_ERROR(link.Run());
    }
    for (int i = 0; i < result.references_size(); ++i) {
      ASSIGN_OR_RETURN(Statement link, db->Prepare(R"sql(
          INSERT INTO revision_references (article_id, review_date, position, reference_id)
          VALUES (?1, ?2, ?3, ?4))sql"));
      link.BindInt64(1, article_id).BindText(2, review_text).BindInt64(3, i).BindText(
          4, result.references(i).name().substr(sizeof("references/") - 1));
      RETURN_IF_ERROR(link.Run());
    }

    // The feed learns of the revision in the same transaction. A future
    // review date is scheduled; ApplyDueSchedules announces it on its day.
    const bool scheduled = review_date > UtcDay(now);
    v1::Change change;
    change.set_kind(scheduled ? v1::Change::REVISION_SCHEDULED : v1::Change::REVISION_PUBLISHED);
    change.set_resource(ArticleName(slug));
    change.set_revision_id(review_text);
    change.set_etag(result.etag());
    *change.mutable_effective_date() = ToProtoDate(review_date);
    RETURN_IF_ERROR(RecordChange(db, change, now));
    // A publish that sets codes codes the article from this review date on.
    if (result.codes_size() > 0) {
      RETURN_IF_ERROR(RecordArticleCoding(db, article_id, slug, review_date, result.codes(),
                                          db->LastInsertRowId(),
                                          RevisionResourceName(slug, review_date), now)
                          .status());
    }
    RETURN_IF_ERROR(IndexRevisionTherapyTypeCodes(db, article_id, result));
    if (scheduled) {
      ASSIGN_OR_RETURN(Statement schedule, db->Prepare(
          "INSERT INTO scheduled_revisions (article_id, review_date) VALUES (?1, ?2)"));
      schedule.BindInt64(1, article_id).BindText(2, review_text);
      RETURN_IF_ERROR(schedule.Run());
    }
    RETURN_IF_ERROR(RefreshLiveArticle(db, article_id, UtcDay(now)));

    if (!request.request_id().empty()) {
      ASSIGN_OR_RETURN(Statement remember, db->Prepare(R"sql(
          INSERT INTO requests (request_id, method, request_hash, response, create_time)
          VALUES (?1, ?2, ?3, ?4, ?5))sql"));
      remember.BindText(1, request.request_id())
          .BindText(2, kMethod)
          .BindText(3, content_hash)
          .BindBlob(4, result.SerializeAsString())
          .BindInt64(5, Micros(now));
      RETURN_IF_ERROR(remember.Run());
    }
    return txn.Commit();
  });
  RETURN_IF_ERROR(status);
  return result;
}

absl::Status ArticleStore::Withdraw(const std::string& slug, const std::string& reason,
                                    absl::Time now) {
  return storage_->Write([&](Database* db) -> absl::Status {
    Transaction txn(db);
    RETURN_IF_ERROR(txn.Begin());
    ASSIGN_OR_RETURN(ArticleRow row, FindArticle(db, slug));
    if (row.withdrawn) return txn.Commit();
    ASSIGN_OR_RETURN(Statement update, db->Prepare(
        "UPDATE articles SET withdraw_time = ?2, withdraw_reason = ?3 WHERE id = ?1"));
    update.BindInt64(1, row.id).BindInt64(2, Micros(now)).BindText(3, reason);
    RETURN_IF_ERROR(update.Run());
    v1::Change change;
    change.set_kind(v1::Change::ARTICLE_WITHDRAWN);
    change.set_resource(ArticleName(slug));
    *change.mutable_effective_date() = ToProtoDate(UtcDay(now));
    RETURN_IF_ERROR(RecordChange(db, change, now));
    RETURN_IF_ERROR(RefreshLiveArticle(db, row.id, UtcDay(now)));
    return txn.Commit();
  });
}

absl::StatusOr<v1::PublishArticleRevisionRequest> ArticleStore::Export(
    const std::string& slug, absl::CivilDay review_date, bool include_withdrawn) const {
  ASSIGN_OR_RETURN(Database * db, storage_->Reader());
  ASSIGN_OR_RETURN(ArticleRow article_row, FindArticle(db, slug));
  if (article_row.withdrawn && !include_withdrawn) return WithdrawnError(slug);
  ASSIGN_OR_RETURN(Statement stmt, db->Prepare(
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
  ASSIGN_OR_RETURN(Statement stmt, db->Prepare(
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
  ASSIGN_OR_RETURN(Statement stmt, db->Prepare(
      "SELECT EXISTS (SELECT 1 FROM scheduled_revisions WHERE review_date <= ?1)"));
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
    };
    std::vector<Due> due;
    {
      ASSIGN_OR_RETURN(Statement find, db->Prepare(R"sql(
          SELECT s.article_id, a.slug, s.review_date, r.etag, a.withdraw_time IS NOT NULL
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
                       find.ColumnInt64(4) != 0});
      }
    }
    if (due.empty()) return absl::OkStatus();
    Transaction txn(db);
    RETURN_IF_ERROR(txn.Begin());
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
        ++applied;
      }
      ASSIGN_OR_RETURN(Statement done, db->Prepare(
          "DELETE FROM scheduled_revisions WHERE article_id = ?1 AND review_date = ?2"));
      done.BindInt64(1, d.article_id).BindText(2, d.review_date);
      RETURN_IF_ERROR(done.Run());
    }
    return txn.Commit();
  }));
  return applied;
}

}  // namespace healthcontent::storage
