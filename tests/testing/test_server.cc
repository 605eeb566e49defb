#include "testing/test_server.h"

#include <stdlib.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/hash.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace healthcontent::testing {

TestServer::TestServer(Options options) {
  db_path_ = dir_.File("test.db");
  std::string tokens =
      absl::StrCat("# test tokens\n", "reader ", Sha256Hex(kReaderToken), "\n", "publisher ",
                   Sha256Hex(kPublisherToken), "\n", "admin ", Sha256Hex(kAdminToken), "\n");
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

}  // namespace healthcontent::testing
