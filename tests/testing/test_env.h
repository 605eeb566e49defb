// Shared helpers for tests: temp directories, the source tree, a server over
// an in-process channel, and running commands.
#ifndef HEALTHCONTENT_TESTS_TESTING_TEST_ENV_H_
#define HEALTHCONTENT_TESTS_TESTING_TEST_ENV_H_

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

namespace healthcontent::testing {

// The repository root: $HC_SOURCE_DIR when set, else the tree this test was
// configured from.
std::string SourceDir();
// The build directory whose binaries the end-to-end tests run: $HC_BINARY_DIR
// when set, else the one this test was built in (so the sanitized suite runs
// the sanitized server).
std::string BinaryDir();

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Reads a whole file; fails the test when it cannot.
std::string ReadFileOrDie(const std::string& path);
void WriteFileOrDie(const std::string& path, const std::string& content);

// The text of a run of spans, markup dropped.
std::string SpansText(const google::protobuf::RepeatedPtrField<v1::Span>& spans);
// A date as YYYY-MM-DD, or "(none)" when it is not a valid date.
std::string IsoDate(const google::type::Date& date);

// The seed article's publish request, parsed from data/ (its 2023-05-19
// revision); fails the test when the file cannot be read or parsed.
v1::PublishArticleRevisionRequest SeedPublishRequest();

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

// Runs a shell command; returns its exit code and fills stdout.
int RunCommand(const std::string& command, std::string* out);

}  // namespace healthcontent::testing

#endif  // HEALTHCONTENT_TESTS_TESTING_TEST_ENV_H_
