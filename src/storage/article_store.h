// Articles and their revisions, keyed by review date.
//
// The revision in force on day D is the one with the greatest review date
// <= D. Callers pass "today" explicitly so that the rule is testable and a
// request sees one consistent day.
#ifndef HEALTHCONTENT_STORAGE_ARTICLE_STORE_H_
#define HEALTHCONTENT_STORAGE_ARTICLE_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "domain/filter.h"
#include "healthcontent/v1/article_service.pb.h"
#include "storage/storage.h"

namespace healthcontent::storage {

// Thread-safe: reads use the calling thread's connection, writes the single
// write connection.
class ArticleStore {
 public:
  struct Options {
    // Next review date when a publish gives none: review date + this many years.
    int review_interval_years = 3;
    // Refuse patient-audience publishes whose Flesch-Kincaid grade is above
    // this (English revisions; 0: no limit).
    double max_patient_reading_grade = 0;
  };

  ArticleStore(Storage* storage, Options options) : storage_(storage), options_(options) {}

  // A stored revision as the database holds it, for reads that serve the
  // bytes without parsing them (domain/article_wire.h).
  struct StoredRevision {
    std::string slug;  // the article's
    std::string body;  // serialized v1::Article, without per-request fields
    absl::CivilDay review_date;
    absl::CivilDay next_review_date;
    std::string etag;
    // For a translation, whether its source had a newer clinical review in
    // force on the day read (GetInForceStored's `day`, else today).
    v1::Article::TranslationStatus translation_status = v1::Article::TRANSLATION_STATUS_UNSPECIFIED;
  };

  // As GetInForce / GetRevision below, but the stored bytes.
  absl::StatusOr<StoredRevision> GetInForceStored(const std::string& slug,
                                                  absl::CivilDay day) const;
  absl::StatusOr<StoredRevision> GetRevisionStored(const std::string& slug,
                                                   absl::CivilDay review_date, absl::CivilDay today,
                                                   bool include_withdrawn) const;

  // Which article to serve for articles/{slug} on `day` to a reader of the
  // `preferred` languages (domain::ChooseLanguage's rule): the article
  // itself, its source, or another translation of that source, among those
  // live with a revision in force on `day`. Serve `slug` itself (no
  // fallback) when it has no revision in force that day, so that the read
  // reports why. NotFound naming the languages asked and those available
  // when none is preferred and `allow_fallback` is false.
  struct LanguageChoice {
    std::string slug;
    bool fallback = false;
  };
  absl::StatusOr<LanguageChoice> ChooseLanguage(const std::string& slug, absl::CivilDay day,
                                                absl::Span<const std::string> preferred,
                                                bool allow_fallback) const;

  // The revision of articles/{slug} in force on `day`. NotFound when the
  // article does not exist, was withdrawn, or had no revision in force then
  // (the message names the day). `scheduled` is set when day > today.
  absl::StatusOr<v1::Article> GetInForce(const std::string& slug, absl::CivilDay day,
                                         absl::CivilDay today) const;

  // One revision by review date. Withdrawn articles are NotFound unless
  // `include_withdrawn` (admins).
  absl::StatusOr<v1::Article> GetRevision(const std::string& slug, absl::CivilDay review_date,
                                          absl::CivilDay today, bool include_withdrawn) const;

  struct ListQuery {
    const domain::FilterNode* filter = nullptr;  // nullptr: every live article
    domain::ArticleOrder order;
    // Resume strictly after this row (from ArticlePage::last_*).
    bool has_cursor = false;
    std::string after_value;
    std::string after_slug;
    int limit = 50;
    // ListStored: stop before the page's stored bytes would pass this
    // (each entry counted with `entry_overhead_bytes` more), with has_more
    // set, so that a page always fits in one message; the first article is
    // always included. 0: no bound.
    int64_t max_bytes = 0;
    int64_t entry_overhead_bytes = 0;
    // ListStored: each article's stored listing entry (the basic view)
    // instead of its full in-force revision.
    bool basic_view = false;
    absl::CivilDay today;
    int due_soon_days = 90;
  };
  struct ArticlePage {
    std::vector<v1::Article> articles;
    bool has_more = false;
    // The sort value and slug of the last article, to resume after.
    std::string last_value;
    std::string last_slug;
  };
  // Live articles in their revision in force as of the last refresh (every
  // write, and ApplyDueSchedules; callers that need today's state run that
  // first), filtered and ordered, keyset-paged: a deep page costs what the
  // first does. InvalidArgument for a filter that does not compile.
  absl::StatusOr<ArticlePage> List(const ListQuery& query) const;

  // As List, but each article as its stored in-force revision (etag left
  // empty), for a listing served from the stored bytes.
  struct StoredArticlePage {
    std::vector<StoredRevision> revisions;
    bool has_more = false;
    std::string last_value;
    std::string last_slug;
  };
  absl::StatusOr<StoredArticlePage> ListStored(const ListQuery& query) const;

  struct RevisionPage {
    std::vector<v1::ArticleRevision> revisions;
    bool has_more = false;  // when true, resume before revisions.back()'s date
  };
  // Revisions of articles/{slug}, newest first, with review date < before_date
  // when before_date is not empty. NotFound as for GetRevision.
  absl::StatusOr<RevisionPage> ListRevisions(const std::string& slug,
                                             const std::string& before_date, int limit,
                                             absl::CivilDay today, bool include_withdrawn) const;

  // Publishes a validated request (see domain::ValidatePublishRequest) in one
  // durable transaction and returns the stored revision. Idempotent for the
  // same content on the same review date and for a repeated request_id;
  // AlreadyExists for different content on an existing review date;
  // InvalidArgument (with field violations) for unknown therapy types;
  // FailedPrecondition for a withdrawn article.
  absl::StatusOr<v1::Article> Publish(const v1::PublishArticleRevisionRequest& request,
                                      absl::Time now);

  // Withdraws a live article. NotFound when it does not exist; withdrawing
  // twice is OK and keeps the first time and reason.
  absl::Status Withdraw(const std::string& slug, const std::string& reason, absl::Time now);

  // Announces scheduled revisions whose review date has arrived (on or
  // before the UTC day of `now`): records REVISION_TOOK_EFFECT in the feed and
  // points listings at them (search follows through the change feed). Returns how many took effect.
  // Idempotent; the server runs it at start and periodically.
  absl::StatusOr<int> ApplyDueSchedules(absl::Time now);

  // One stored revision as the publish request that recreates it: the
  // interchange format that `healthcontent export` writes. Output-only
  // fields are cleared, therapy types reduced to their names, reference
  // names dropped and a default next review date left out, so importing it
  // again is an idempotent republish.
  // Withdrawn articles are NotFound unless include_withdrawn.
  absl::StatusOr<v1::PublishArticleRevisionRequest> Export(const std::string& slug,
                                                           absl::CivilDay review_date,
                                                           bool include_withdrawn) const;

  struct RevisionKey {
    std::string slug;
    absl::CivilDay review_date;
  };
  // Every revision of every live article, by slug then review date.
  absl::StatusOr<std::vector<RevisionKey>> AllRevisionKeys() const;

  // True when some scheduled revision's review date is on or before `today`
  // and ApplyDueSchedules has not announced it yet. One indexed lookup.
  absl::StatusOr<bool> HasDueSchedules(absl::CivilDay today) const;

 private:
  Storage* storage_;
  Options options_;
};

}  // namespace healthcontent::storage

#endif  // HEALTHCONTENT_STORAGE_ARTICLE_STORE_H_
