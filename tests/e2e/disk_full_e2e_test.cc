// A full disk under the database: the built server's database lives on a
// small tmpfs that the test fills up. A publish then fails with
// RESOURCE_EXHAUSTED and a clear message, reads keep working (the search
// index, on the same disk, fails its update and retries without harm), publishing
// works again once space returns, and the database is not corrupt.
#include <grpcpp/grpcpp.h>
#include <sys/mount.h>

#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/hash.h"
#include "e2e/server_process.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/article_service.grpc.pb.h"
#include "storage/database.h"
#include "testing/seed.h"
#include "testing/test_env.h"

namespace healthcontent::testing {
namespace {

// Fills the file system holding `path` until a write fails.
void Fill(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::string chunk(4096, 'x');
  while (std::fwrite(chunk.data(), 1, chunk.size(), f) == chunk.size() && std::fflush(f) == 0) {
  }
  std::fclose(f);
}

TEST(DiskFullE2eTest, PublishFailsCleanlyAndRecoversWhenSpaceReturns) {
  TempDir dir;
  const std::string mnt = dir.File("mnt");
  std::filesystem::create_directories(mnt);
  if (mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=3m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root): " << std::strerror(errno);
  }
  struct Unmount {
    std::string path;
    ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
  } unmount{mnt};

  WriteFileOrDie(dir.File("tokens"), absl::StrCat("publisher ", Sha256Hex("hct_disk"), "\n"));
  int port = FreePort();
  ServerProcess server(port,
                       {"--db=" + mnt + "/full.db", "--bootstrap_dir=" + SourceDir() + "/data",
                        "--auth_tokens_file=" + dir.File("tokens")});
  auto stub = v1::ArticleService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  v1::PublishArticleRevisionRequest request = SeedPublishRequest();
  auto publish = [&](int day_offset) {
    *request.mutable_article()->mutable_review_date() =
        ToProtoDate(absl::CivilDay(2024, 1, 1) + day_offset);
    v1::Article out;
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer hct_disk");
    return stub->PublishArticleRevision(&context, request, &out);
  };
  auto get = [&] {
    v1::GetArticleRequest get;
    get.set_name("articles/biological-therapy-for-cancer");
    v1::Article out;
    grpc::ClientContext context;
    grpc::Status status = stub->GetArticle(&context, get, &out);
    return std::make_pair(status, out.revision_id());
  };
  ASSERT_TRUE(publish(0).ok());

  Fill(mnt + "/filler");
  grpc::Status failed = grpc::Status::OK;
  // The WAL may have a little room left: keep publishing until the disk says no.
  for (int i = 1; i < 200 && failed.ok(); ++i) failed = publish(i);
  ASSERT_FALSE(failed.ok()) << "the disk never filled up";
  EXPECT_EQ(failed.error_code(), grpc::RESOURCE_EXHAUSTED) << failed.error_message();
  EXPECT_THAT(failed.error_message(), ::testing::HasSubstr("disk holding the database is full"));
  auto [read_status, revision] = get();
  EXPECT_TRUE(read_status.ok()) << read_status.error_message();
  EXPECT_FALSE(revision.empty());

  std::filesystem::remove(mnt + "/filler");
  grpc::Status recovered = publish(500);
  EXPECT_TRUE(recovered.ok()) << recovered.error_message();
  EXPECT_EQ(get().second, "2025-05-15");  // 2024-01-01 + 500 days
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Log();

  auto db = *storage::Database::Open(mnt + "/full.db", {});
  auto check = *db->PrepareUncached("PRAGMA integrity_check");
  ASSERT_TRUE(*check.Step());
  EXPECT_EQ(check.ColumnText(0), "ok");
}

}  // namespace
}  // namespace healthcontent::testing
