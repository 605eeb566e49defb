// A real server for API tests, reached over an in-process channel, and the
// gRPC client pieces those tests share (hc_testing_server: links the whole
// server, so only api/, server/ and e2e/ tests use it).
#ifndef HEALTHCONTENT_TESTS_TESTING_TEST_SERVER_H_
#define HEALTHCONTENT_TESTS_TESTING_TEST_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "healthcontent/v1/article_service.grpc.pb.h"
#include "healthcontent/v1/knowledge_service.grpc.pb.h"
#include "healthcontent/v1/reference_service.grpc.pb.h"
#include "healthcontent/v1/therapy_type_service.grpc.pb.h"
#include "server/server.h"
#include "testing/test_env.h"

namespace healthcontent::testing {

// Tokens every TestServer accepts.
inline constexpr char kReaderToken[] = "reader-token-for-tests";
inline constexpr char kPublisherToken[] = "publisher-token-for-tests";
inline constexpr char kAdminToken[] = "admin-token-for-tests";

// A real server on a temp database file, reached over an in-process channel.
// "Today" is fixed (2026-06-01 unless changed) so results do not depend on
// the calendar.
class TestServer {
 public:
  struct Options {
    bool load_seed_data = true;  // bootstrap from data/
    bool require_auth_for_reads = false;
    // Stream limits (the server's defaults unless a test changes them).
    api::WatchLimits watch_limits;
  };
  TestServer() : TestServer(Options{}) {}
  explicit TestServer(Options options);
  ~TestServer();

  void SetToday(int year, int month, int day);

  v1::ArticleService::Stub& articles() { return *articles_; }
  v1::TherapyTypeService::Stub& therapy_types() { return *therapy_types_; }
  v1::ReferenceService::Stub& references() { return *references_; }
  v1::KnowledgeService::Stub& knowledge() { return *knowledge_; }
  server::Server& server() { return *server_; }
  const std::string& db_path() const { return db_path_; }

 private:
  TempDir dir_;
  std::string db_path_;
  absl::Time now_;
  std::unique_ptr<server::Server> server_;
  std::unique_ptr<v1::ArticleService::Stub> articles_;
  std::unique_ptr<v1::TherapyTypeService::Stub> therapy_types_;
  std::unique_ptr<v1::ReferenceService::Stub> references_;
  std::unique_ptr<v1::KnowledgeService::Stub> knowledge_;
};

// A client context carrying `authorization: Bearer <token>` (none if empty),
// with a 30 s deadline.
std::unique_ptr<grpc::ClientContext> Context(const std::string& token = "");

// The google.rpc.BadRequest field names carried by a failed call's details.
std::vector<std::string> ViolatedFields(const grpc::Status& status);

}  // namespace healthcontent::testing

#endif  // HEALTHCONTENT_TESTS_TESTING_TEST_SERVER_H_
