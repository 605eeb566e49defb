// End to end: a primary cuts content bundles with the CLI while it serves;
// read replicas (the built server with --read_only --bundle_dir) serve them,
// switch to newer ones under load without failing a call, refuse corrupt and
// half-copied ones, refuse writes, and stream the bundle's changes.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/date.h"
#include "common/hash.h"
#include "e2e/cluster_helpers.h"
#include "e2e/server_process.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/change_service.grpc.pb.h"
#include "testing/test_env.h"

namespace healthcontent::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

constexpr char kToken[] = "hct_replica-e2e-publisher";

class ReplicaE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFileOrDie(dir_.File("tokens"), absl::StrCat("publisher ", Sha256Hex(kToken), "\n"));
    primary_port_ = FreePort();
    primary_ = std::make_unique<ServerProcess>(
        primary_port_, std::vector<std::string>{"--db=" + dir_.File("primary.db"),
                                                "--bootstrap_dir=" + SourceDir() + "/data",
                                                "--auth_tokens_file=" + dir_.File("tokens")});
    bundles_ = dir_.File("bundles");
  }

  std::unique_ptr<ServerProcess> StartReplica(const std::string& poll_interval,
                                              std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--read_only", "--bundle_dir=" + bundles_,
                                     "--bundle_poll_interval=" + poll_interval,
                                     absl::StrCat("--primary=127.0.0.1:", primary_port_)};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<ServerProcess>(FreePort(), args);
  }

  static std::string Target(const ServerProcess& server) {
    return absl::StrCat("127.0.0.1:", server.port());
  }
  std::string Primary() const { return absl::StrCat("127.0.0.1:", primary_port_); }

  // The revision id a server answers GetArticle with ("" on error).
  static std::string ServedRevision(const ServerProcess& server) {
    v1::Article article;
    return GetSeed(Target(server), &article).ok() ? article.revision_id() : "";
  }

  TempDir dir_;
  int primary_port_ = 0;
  std::unique_ptr<ServerProcess> primary_;
  std::string bundles_;
};

TEST_F(ReplicaE2eTest, ServesTheBundleAndRefusesWritesNamingThePrimary) {
  nlohmann::json manifest = CutBundle(dir_.File("primary.db"), bundles_);
  EXPECT_EQ(manifest["change_sequence"], 14);  // 13 therapy types + the seed revision
  EXPECT_EQ(manifest["article_count"], 1);
  auto replica = StartReplica("200ms");
  EXPECT_EQ(ServedRevision(*replica), "2023-05-19");

  grpc::Status write =
      PublishSeedRevision(Target(*replica), kToken, absl::CivilDay(2024, 1, 10), "");
  EXPECT_EQ(write.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(write.error_message(), HasSubstr("read-only replica"));
  EXPECT_THAT(write.error_message(), HasSubstr(Primary()));
  // Without any token too: a replica never takes writes.
  EXPECT_EQ(PublishSeedRevision(Target(*replica), "", absl::CivilDay(2024, 1, 10), "").error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(ReplicaE2eTest, WithoutABundleItIsNotServingAndStartsServingWhenOneArrives) {
  fs::create_directories(bundles_);
  const int port = FreePort();
  // ServerProcess waits for SERVING, which this replica cannot be yet: start
  // it by hand through the shell.
  const std::string log = dir_.File("replica.log");
  std::string ignored;
  RunCommand(absl::StrCat(BinaryDir(), "/src/healthcontent-server --listen=127.0.0.1:", port,
                          " --read_only --bundle_dir=", bundles_, " --bundle_poll_interval=100ms >",
                          log, " 2>&1 & echo $! >", dir_.File("replica.pid")),
             &ignored);
  const std::string target = absl::StrCat("127.0.0.1:", port);
  v1::Article article;
  ASSERT_TRUE(WaitFor(20, [&] {  // until it listens
    return GetSeed(target, &article).error_message().find("no content bundle") != std::string::npos;
  })) << ReadFileOrDie(log);
  grpc::Status before = GetSeed(target, &article);
  EXPECT_EQ(before.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(before.error_message(), HasSubstr("no content bundle yet"));
  CurlResult health = BufCurl("http://" + target, "grpc.health.v1.Health/Check", "{}");
  EXPECT_EQ(health.json.value("status", ""), "NOT_SERVING") << health.output;

  CutBundle(dir_.File("primary.db"), bundles_);
  EXPECT_TRUE(WaitFor(10, [&] { return GetSeed(target, &article).ok(); }));
  EXPECT_EQ(article.revision_id(), "2023-05-19");
  health = BufCurl("http://" + target, "grpc.health.v1.Health/Check", "{}");
  EXPECT_EQ(health.json.value("status", ""), "SERVING") << health.output;
  RunCommand(absl::StrCat("kill $(cat ", dir_.File("replica.pid"), ")"), &ignored);
}

TEST_F(ReplicaE2eTest, SwitchesToNewerBundlesUnderLoadWithoutFailingACall) {
  CutBundle(dir_.File("primary.db"), bundles_);
  auto replica = StartReplica("100ms");
  ReadLoad load(Target(*replica), 4);

  // Five new reviews, each cut into a bundle while the replica serves.
  const std::vector<absl::CivilDay> dates = {absl::CivilDay(2023, 6, 1), absl::CivilDay(2023, 7, 1),
                                             absl::CivilDay(2023, 8, 1), absl::CivilDay(2023, 9, 1),
                                             absl::CivilDay(2023, 10, 2)};
  int served_within_ms_max = 0;
  for (const absl::CivilDay& date : dates) {
    ASSERT_TRUE(PublishSeedRevision(Primary(), kToken, date, "").ok());
    CutBundle(dir_.File("primary.db"), bundles_);
    const std::string want = FormatIsoDate(date);
    auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(WaitFor(10, [&] { return ServedRevision(*replica) == want; }))
        << "the replica did not switch to the bundle with " << want << "\n"
        << replica->Log();
    served_within_ms_max =
        std::max<int>(served_within_ms_max, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::steady_clock::now() - start)
                                                .count());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  load.Stop();
  EXPECT_GT(load.ok(), 100);
  EXPECT_THAT(load.Failures(), ::testing::IsEmpty()) << absl::StrJoin(load.Failures(), "\n");
  // Every revision served was a whole one of some bundle.
  for (const auto& [revision, count] : load.Revisions()) {
    EXPECT_TRUE(revision == "2023-05-19" || revision == "2023-06-01" || revision == "2023-07-01" ||
                revision == "2023-08-01" || revision == "2023-09-01" || revision == "2023-10-02")
        << revision;
  }
  EXPECT_EQ(load.Revisions().count("2023-10-02"), 1u);
  std::cerr << "slowest switch to a new bundle: " << served_within_ms_max << " ms\n";
}

TEST_F(ReplicaE2eTest, CorruptAndHalfCopiedBundlesAreRefusedAndTheOldOneStays) {
  nlohmann::json good = CutBundle(dir_.File("primary.db"), bundles_);
  auto replica = StartReplica("100ms");
  ASSERT_EQ(ServedRevision(*replica), "2023-05-19");

  // A newer bundle with one byte flipped in its database.
  const fs::path source = good["path"].get<std::string>();
  const fs::path corrupt = fs::path(bundles_) / "bundle-000000000900-20991231T000000000Z";
  fs::copy(source, corrupt, fs::copy_options::recursive);
  {
    std::fstream db(corrupt / "healthcontent.db", std::ios::in | std::ios::out | std::ios::binary);
    db.seekp(4096 + 100);
    db.put('\x5a');
  }
  // A newer bundle whose database was cut short by an interrupted copy.
  const fs::path half = fs::path(bundles_) / "bundle-000000000800-20991231T000000000Z";
  fs::copy(source, half, fs::copy_options::recursive);
  fs::resize_file(half / "healthcontent.db", fs::file_size(half / "healthcontent.db") / 2);

  ASSERT_TRUE(WaitFor(10, [&] {
    std::string log = replica->Log();
    return log.find(corrupt.filename().string()) != std::string::npos &&
           log.find(half.filename().string()) != std::string::npos;
  })) << replica->Log();
  const std::string log = replica->Log();
  EXPECT_THAT(log, HasSubstr("refused bundle"));
  EXPECT_THAT(log, HasSubstr("checksum"));
  EXPECT_THAT(log, HasSubstr("size"));
  EXPECT_EQ(ServedRevision(*replica), "2023-05-19");

  // A good newer bundle is still taken (its name sorts below the refused ones).
  ASSERT_TRUE(PublishSeedRevision(Primary(), kToken, absl::CivilDay(2024, 2, 2), "").ok());
  CutBundle(dir_.File("primary.db"), bundles_);
  fs::remove_all(corrupt);
  fs::remove_all(half);
  replica->Signal(SIGHUP);
  EXPECT_TRUE(WaitFor(10, [&] { return ServedRevision(*replica) == "2024-02-02"; }))
      << replica->Log();
}

TEST_F(ReplicaE2eTest, SighupLooksForANewBundleAtOnce) {
  CutBundle(dir_.File("primary.db"), bundles_);
  auto replica = StartReplica("1h");
  ASSERT_EQ(ServedRevision(*replica), "2023-05-19");
  ASSERT_TRUE(PublishSeedRevision(Primary(), kToken, absl::CivilDay(2024, 3, 3), "").ok());
  CutBundle(dir_.File("primary.db"), bundles_);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(ServedRevision(*replica), "2023-05-19");  // the poll is an hour away
  replica->Signal(SIGHUP);
  EXPECT_TRUE(WaitFor(10, [&] { return ServedRevision(*replica) == "2024-03-03"; }))
      << replica->Log();
}

TEST_F(ReplicaE2eTest, WatchChangesOnAReplicaStreamsTheBundlesChanges) {
  CutBundle(dir_.File("primary.db"), bundles_);
  auto replica = StartReplica("100ms");
  auto stub = v1::ChangeService::NewStub(
      grpc::CreateChannel(Target(*replica), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::WatchChangesRequest request;
  request.set_since(13);
  auto reader = stub->WatchChanges(&context, request);
  v1::Change change;
  ASSERT_TRUE(reader->Read(&change));
  EXPECT_EQ(change.sequence(), 14);
  EXPECT_EQ(change.revision_id(), "2023-05-19");

  ASSERT_TRUE(PublishSeedRevision(Primary(), kToken, absl::CivilDay(2024, 4, 4), "").ok());
  CutBundle(dir_.File("primary.db"), bundles_);
  ASSERT_TRUE(reader->Read(&change)) << replica->Log();
  EXPECT_EQ(change.sequence(), 15);
  EXPECT_EQ(change.kind(), v1::Change::REVISION_PUBLISHED);
  EXPECT_EQ(change.resource(), kSeedArticle);
  EXPECT_EQ(change.revision_id(), "2024-04-04");
  context.TryCancel();
  reader->Finish().IgnoreError();
}

}  // namespace
}  // namespace healthcontent::testing
