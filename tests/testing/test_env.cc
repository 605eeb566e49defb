#include "testing/test_env.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/hash.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "importers/interchange.h"

namespace healthcontent::testing {

std::string SourceDir() {
  const char* dir = std::getenv("HC_SOURCE_DIR");
  return dir != nullptr ? dir : HC_DEFAULT_SOURCE_DIR;
}

std::string BinaryDir() {
  const char* dir = std::getenv("HC_BINARY_DIR");
  return dir != nullptr ? dir : HC_DEFAULT_BINARY_DIR;
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = absl::StrCat(base != nullptr ? base : "/tmp", "/hc-test-XXXXXX");
  char* made = mkdtemp(pattern.data());
  EXPECT_NE(made, nullptr) << "mkdtemp failed";
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string SpansText(const google::protobuf::RepeatedPtrField<v1::Span>& spans) {
  std::string out;
  for (const auto& span : spans) out += span.text();
  return out;
}

std::string IsoDate(const google::type::Date& date) {
  absl::StatusOr<absl::CivilDay> day = FromProtoDate(date);
  return day.ok() ? FormatIsoDate(*day) : "(none)";
}

v1::PublishArticleRevisionRequest SeedPublishRequest() {
  const std::string path =
      SourceDir() + "/data/articles/biological-therapy-for-cancer/2023-05-19.json";
  v1::PublishArticleRevisionRequest request;
  absl::Status status = importers::ParseInterchangeJson(ReadFileOrDie(path), path, &request);
  EXPECT_TRUE(status.ok()) << status;
  return request;
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void WriteFileOrDie(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  EXPECT_TRUE(out.good()) << "cannot write " << path;
}

TestServer::TestServer(Options options) {
  db_path_ = dir_.File("test.db");
  std::string tokens = absl::StrCat("# test tokens\n", "reader ", Sha256Hex(kReaderToken), "\n",
                                    "publisher ", Sha256Hex(kPublisherToken), "\n", "admin ",
                                    Sha256Hex(kAdminToken), "\n");
  WriteFileOrDie(dir_.File("tokens"), tokens);
  server::ServerOptions server_options;
  server_options.listen = "";
  server_options.db_path = db_path_;
  server_options.bootstrap_dir = options.load_seed_data ? SourceDir() + "/data" : "";
  server_options.auth_tokens_file = dir_.File("tokens");
  server_options.require_auth_for_reads = options.require_auth_for_reads;
  server_options.reflection = false;
  server_options.schedule_check_interval = absl::ZeroDuration();
  server_options.rpc_log_sample = 0;  // failed calls are still logged
  server_options.watch_limits = options.watch_limits;
  SetToday(2026, 6, 1);
  server_options.clock = [this] { return now_; };
  auto started = server::Server::Start(server_options);
  EXPECT_TRUE(started.ok()) << started.status();
  if (!started.ok()) abort();
  server_ = *std::move(started);
  auto channel = server_->InProcessChannel();
  articles_ = v1::ArticleService::NewStub(channel);
  therapy_types_ = v1::TherapyTypeService::NewStub(channel);
  references_ = v1::ReferenceService::NewStub(channel);
  knowledge_ = v1::KnowledgeService::NewStub(channel);
}

TestServer::~TestServer() { server_->Shutdown(absl::Seconds(1)); }

void TestServer::SetToday(int year, int month, int day) {
  now_ = absl::FromCivil(absl::CivilSecond(year, month, day, 12, 0, 0), absl::UTCTimeZone());
}

std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!token.empty()) context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return context;
}

std::vector<std::string> ViolatedFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return fields;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (any.UnpackTo(&bad)) {
      for (const auto& v : bad.field_violations()) fields.push_back(v.field());
    }
  }
  return fields;
}

int RunCommand(const std::string& command, std::string* out) {
  out->clear();
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out->append(buffer, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace healthcontent::testing
