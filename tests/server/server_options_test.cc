// Server::Start refuses bad flags with a message naming the flag, before
// anything is created: the database file does not appear.
#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/server.h"
#include "testing/test_env.h"

namespace healthcontent::server {
namespace {

using ::testing::HasSubstr;

struct BadFlag {
  const char* name;
  void (*set)(ServerOptions*);
  const char* message;
};

TEST(ServerOptionsTest, ABadFlagIsRefusedNamingItAndCreatesNothing) {
  const BadFlag cases[] = {
      {"response cache", [](ServerOptions* o) { o->response_cache_bytes = -1; },
       "--response_cache_bytes must be 0 (no cache) or more, not -1"},
      {"search interval", [](ServerOptions* o) { o->search_commit_interval = absl::Seconds(-1); },
       "--search_commit_interval must be 0 or more, not -1s"},
      {"litestream url", [](ServerOptions* o) { o->litestream_metrics = "ftp://127.0.0.1:9091/"; },
       "--litestream_metrics=ftp://127.0.0.1:9091/ must be http://HOST:PORT/PATH"},
  };
  for (const BadFlag& bad : cases) {
    testing::TempDir dir;
    ServerOptions options;
    options.listen = "";
    options.db_path = dir.File("new.db");
    options.bootstrap_dir = testing::SourceDir() + "/data";
    bad.set(&options);
    absl::StatusOr<std::unique_ptr<Server>> started = Server::Start(options);
    EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument) << bad.name;
    EXPECT_THAT(started.status().message(), HasSubstr(bad.message)) << bad.name;
    EXPECT_FALSE(std::filesystem::exists(options.db_path)) << bad.name;
  }
}

}  // namespace
}  // namespace healthcontent::server
