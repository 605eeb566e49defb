// Where `import` writes and `export` reads: a database file opened directly
// (through the stores, with the same rules as the service) or a server over
// gRPC. Both answer with absl::Status; a server's errors keep its code,
// message and field violations (see FromGrpcStatus).
#ifndef HEALTHCONTENT_CLI_BACKEND_H_
#define HEALTHCONTENT_CLI_BACKEND_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "cli/remote.h"
#include "healthcontent/v1/article_service.pb.h"
#include "healthcontent/v1/therapy_type_service.pb.h"
#include "storage/article_store.h"

namespace healthcontent::cli {

class Backend {
 public:
  using RevisionKey = storage::ArticleStore::RevisionKey;

  virtual ~Backend() = default;

  // Publishes a request that passed domain::ValidatePublishRequest and
  // returns the stored revision. An identical republish returns the existing
  // revision, whose publish_time tells it apart.
  virtual absl::StatusOr<v1::Article> PublishRevision(
      const v1::PublishArticleRevisionRequest& request) = 0;

  // Creates or replaces a therapy type that passed
  // domain::ValidateUpsertTherapyType. Returns false, writing nothing, when the
  // stored one already has the same display name, aliases and description.
  virtual absl::StatusOr<bool> UpsertTherapyType(const v1::UpsertTherapyTypeRequest& request) = 0;

  // Every revision of every live article, by slug then review date.
  virtual absl::StatusOr<std::vector<RevisionKey>> AllRevisionKeys() = 0;

  // The review date of the revision of articles/{slug} in force today.
  virtual absl::StatusOr<absl::CivilDay> InForceReviewDate(const std::string& slug) = 0;

  // One revision as the publish request that recreates it (the interchange
  // format): domain::ToPublishRequest of the stored revision.
  virtual absl::StatusOr<v1::PublishArticleRevisionRequest> ExportRevision(
      const std::string& slug, absl::CivilDay review_date) = 0;

  // Every therapy type as the upsert request that recreates it (output-only
  // fields cleared), by name.
  virtual absl::StatusOr<std::vector<v1::UpsertTherapyTypeRequest>> ExportTherapyTypes() = 0;
  // One therapy type, the same way. NotFound names it.
  virtual absl::StatusOr<v1::UpsertTherapyTypeRequest> ExportTherapyType(
      const std::string& slug) = 0;
};

// The database file at `path`. `writable` creates and migrates it when
// needed; otherwise it must exist with a current schema (export).
absl::StatusOr<std::unique_ptr<Backend>> OpenLocalBackend(const std::string& path, bool writable);

// A server; every call sends options.token when it is set.
std::unique_ptr<Backend> OpenRemoteBackend(const RemoteOptions& options);

// The upsert request that recreates a stored therapy type: update_time and
// article_count cleared.
v1::UpsertTherapyTypeRequest ToUpsertRequest(v1::TherapyType therapy_type);

// True when `stored` already holds what `request` would write.
bool SameTherapyType(const v1::TherapyType& stored, const v1::UpsertTherapyTypeRequest& request);

}  // namespace healthcontent::cli

#endif  // HEALTHCONTENT_CLI_BACKEND_H_
