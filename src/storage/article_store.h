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
  };

  ArticleStore(Storage* storage, Options options) : storage_(storage), options_(options) {}

  // The revision of articles/{slug} in force on `day`. NotFound when the
  // article does not exist, was withdrawn, or had no revision in force then
  // (the message names the day). `scheduled` is set when day > today.
  absl::StatusOr<v1::Article> GetInForce(const std::string& slug, absl::CivilDay day,
                                         absl::CivilDay today) const;

  // One revision by review date. Withdrawn articles are NotFound unless
  // `include_withdrawn` (admins).
  absl::StatusOr<v1::Article> GetRevision(const std::string& slug, absl::CivilDay review_date,
                                          absl::CivilDay today, bool include_withdrawn) const;

  struct ArticlePage {
    std::vector<v1::Article> articles;
    bool has_more = false;  // when true, resume after articles.back()'s slug
  };
  // Live articles with a revision in force today, slug > after_slug, by slug.
  absl::StatusOr<ArticlePage> ListInForce(const std::string& after_slug, int limit,
                                          absl::CivilDay today) const;

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
  // points listings and search at them. Returns how many took effect.
  // Idempotent; the server runs it at start and periodically.
  absl::StatusOr<int> ApplyDueSchedules(absl::Time now);

 private:
  Storage* storage_;
  Options options_;
};

}  // namespace healthcontent::storage

#endif  // HEALTHCONTENT_STORAGE_ARTICLE_STORE_H_
