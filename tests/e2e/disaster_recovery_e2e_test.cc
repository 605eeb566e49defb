// Disaster recovery, end to end (issue 21): the primary's disk is lost while
// it takes writes, and a replacement comes up the documented way
// (deploy/litestream/restore-primary: `litestream restore`, then
// `healthcontent recover`).
//
// The built server runs with Litestream (from scripts/install-deps)
// replicating its database to a directory, as deploy/litestream/litestream.yml
// does; a read replica serves the bundles the test cuts, as the bundler
// would. Publishers publish revisions with request ids at a steady rate and a
// client follows WatchChanges. Then the server and Litestream are SIGKILLed
// together and the data directory is deleted. After the restore:
//   - every publish acknowledged more than the promised window (1 s) before
//     the loss is there, with the same sequence, etag and publish_time, and
//     a retry of its request id answers it again without a new change;
//   - WatchChanges resumed from the last sequence the client saw delivers
//     the PRIMARY_RESTORED fence and then the new primary's changes: no
//     sequence the client saw is handed out again, and none is skipped after
//     the fence;
//   - the read replica switches to the new primary's bundle.
// Several rounds run back to back (each restored primary is lost again).
// Each round prints a JSON line "dr_round {...}" with what was lost and how
// old it was: bench/rpo runs this test at other loads to measure the RPO.
//
// Environment: HC_DR_ROUNDS (default 2), HC_DR_RATE publishes per second in
// all (default 20; 0: as fast as the publishers go), HC_DR_PUBLISHERS
// (default 1), HC_DR_SECONDS of publishing per round (default 3),
// HC_DR_WINDOW_MS the window checked (default 1000, the promise at up to 100
// publishes/s; bench/rpo widens it to measure saturation).
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/date.h"
#include "common/hash.h"
#include "e2e/cluster_helpers.h"
#include "e2e/server_process.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/article_service.grpc.pb.h"
#include "healthcontent/v1/change_service.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "testing/seed.h"
#include "testing/test_env.h"
#include "testing/test_server.h"

namespace healthcontent::testing {
namespace {

constexpr char kToken[] = "hct_disaster";

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::atoi(value) : fallback;
}

struct Acked {
  std::string request_id;
  std::string name;
  std::string revision_id;
  std::string etag;
  int64_t publish_micros = 0;
  absl::Time acked_at;
};

struct Seen {
  int64_t sequence = 0;
  v1::Change::Kind kind = v1::Change::KIND_UNSPECIFIED;
  std::string resource;
  std::string revision_id;
  std::string etag;
  int64_t commit_micros = 0;
  absl::Time seen_at;
};

int64_t Micros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

Seen FromChange(const v1::Change& change) {
  return {change.sequence(),    change.kind(), change.resource(),
          change.revision_id(), change.etag(), Micros(change.commit_time()),
          absl::Now()};
}

// Follows WatchChanges from `since` on its own thread until Stop().
class Follower {
 public:
  Follower(const std::string& target, int64_t since) {
    stub_ =
        v1::ChangeService::NewStub(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
    thread_ = std::thread([this, since] {
      v1::WatchChangesRequest request;
      request.set_since(since);
      auto reader = stub_->WatchChanges(&context_, request);
      v1::Change change;
      while (reader->Read(&change)) {
        absl::MutexLock lock(&mu_);
        seen_.push_back(FromChange(change));
      }
      reader->Finish();
    });
  }
  ~Follower() { Stop(); }
  void Stop() {
    if (!thread_.joinable()) return;
    context_.TryCancel();
    thread_.join();
  }
  std::vector<Seen> seen() const {
    absl::MutexLock lock(&mu_);
    return seen_;
  }

 private:
  std::unique_ptr<v1::ChangeService::Stub> stub_;
  grpc::ClientContext context_;
  mutable absl::Mutex mu_;
  std::vector<Seen> seen_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

class DisasterRecoveryE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(LitestreamPath()))
        << LitestreamPath() << " is missing: run scripts/install-deps";
    data_dir_ = dir_.File("data");
    db_ = data_dir_ + "/healthcontent.db";
    bundles_ = dir_.File("bundles");
    std::filesystem::create_directories(data_dir_);
    std::filesystem::create_directories(bundles_);
    litestream_port_ = FreePort();
    // deploy/litestream/litestream.yml with this test's paths.
    config_ = dir_.File("litestream.yml");
    WriteFileOrDie(config_, absl::StrCat("addr: \"127.0.0.1:", litestream_port_, "\"\n",
                                         "dbs:\n"
                                         "  - path: ",
                                         db_, "\n",
                                         "    monitor-interval: 100ms\n"
                                         "    replicas:\n"
                                         "      - type: file\n"
                                         "        path: ",
                                         dir_.File("wal-replica"), "\n",
                                         "        sync-interval: 100ms\n"
                                         "        snapshot-interval: 24h\n"
                                         "        retention: 72h\n"));
    WriteFileOrDie(dir_.File("tokens"), absl::StrCat("publisher ", Sha256Hex(kToken), "\n"));
    port_ = FreePort();
    metrics_port_ = FreePort();
    base_ = SeedPublishRequest();
  }

  void StartPrimary() {
    primary_ = std::make_unique<ServerProcess>(
        port_,
        std::vector<std::string>{
            "--db=" + db_, "--bootstrap_dir=" + SourceDir() + "/data",
            "--auth_tokens_file=" + dir_.File("tokens"), "--bundle_dir=" + bundles_,
            absl::StrCat("--metrics_listen=127.0.0.1:", metrics_port_),
            absl::StrCat("--litestream_metrics=http://127.0.0.1:", litestream_port_, "/metrics")});
    litestream_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{LitestreamPath(), "replicate", "-config", config_});
  }

  std::string target() const { return absl::StrCat("127.0.0.1:", port_); }

  grpc::Status Publish(int k, v1::Article* out) {
    v1::PublishArticleRevisionRequest request = base_;
    request.mutable_article()->set_name(absl::StrCat("articles/dr-", k % 5));
    // A day each, all in the past (so each is in force on its own day,
    // and the newest is the article's current revision) for 27,000
    // publishes; the next review date follows from it.
    *request.mutable_article()->mutable_review_date() = ToProtoDate(absl::CivilDay(1950, 1, 1) + k);
    request.mutable_article()->clear_next_review_date();
    request.set_request_id(absl::StrCat("dr-", k));
    auto stub = v1::ArticleService::NewStub(
        grpc::CreateChannel(target(), grpc::InsecureChannelCredentials()));
    auto context = Context(kToken);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    return stub->PublishArticleRevision(context.get(), request, out);
  }

  TempDir dir_;
  std::string data_dir_, db_, bundles_, config_;
  int port_ = 0, metrics_port_ = 0, litestream_port_ = 0;
  v1::PublishArticleRevisionRequest base_;
  std::unique_ptr<ServerProcess> primary_;
  std::unique_ptr<ChildProcess> litestream_;
};

TEST_F(DisasterRecoveryE2eTest, LosingThePrimarysDiskLosesNothingAcknowledgedOutsideTheWindow) {
  const int rounds = EnvInt("HC_DR_ROUNDS", 2);
  const int rate = EnvInt("HC_DR_RATE", 20);
  const int publishers = EnvInt("HC_DR_PUBLISHERS", 1);
  const absl::Duration seconds = absl::Seconds(EnvInt("HC_DR_SECONDS", 3));
  // What we promise: nothing acknowledged this long before the loss is lost.
  const absl::Duration window = absl::Milliseconds(EnvInt("HC_DR_WINDOW_MS", 1000));
  std::mt19937 rng(2121);

  StartPrimary();
  ASSERT_FALSE(HasFailure());
  CutBundle(db_, bundles_);  // the bootstrap content, for the replica
  const int replica_port = FreePort();
  ServerProcess replica(
      replica_port, {"--read_only", "--bundle_dir=" + bundles_, "--bundle_poll_interval=200ms"});
  ASSERT_FALSE(HasFailure());
  // Litestream has the database before anything counts.
  ASSERT_TRUE(WaitFor(20, [&] {
    return MetricValue(ScrapeMetrics(metrics_port_), "healthcontent_replication_lag_seconds") == 0;
  })) << litestream_->Log();

  int64_t cursor = 0;  // the last sequence the follower saw
  // Changes the follower saw that are still meant to exist (those lost
  // inside a window are dropped after their round), and every sequence any
  // client was ever handed.
  std::map<int64_t, Seen> everything_seen;
  std::set<int64_t> announced;
  std::atomic<int> next{0};
  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    // --- the primary at work ---------------------------------------------
    auto follower = std::make_unique<Follower>(target(), cursor);
    absl::Mutex mu;
    std::vector<Acked> acked;
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    const absl::Time started = absl::Now();
    for (int p = 0; p < publishers; ++p) {
      threads.emplace_back([&, p] {
        for (int i = 0; !stop.load(); ++i) {
          if (rate > 0) {  // paced: publisher p takes every publishers-th slot
            absl::Time slot = started + absl::Seconds(1) * (i * publishers + p) / rate;
            absl::SleepFor(slot - absl::Now());
          }
          const int k = next++;
          v1::Article out;
          if (!Publish(k, &out).ok()) break;  // the server died mid-call: not acknowledged
          const absl::Time now = absl::Now();
          absl::MutexLock lock(&mu);
          acked.push_back({absl::StrCat("dr-", k), out.name(), out.revision_id(), out.etag(),
                           Micros(out.publish_time()), now});
        }
      });
    }
    // What the server reports of Litestream's lag meanwhile.
    std::atomic<double> max_lag{0};
    std::thread sampler([&] {
      while (!stop.load()) {
        const double lag =
            MetricValue(ScrapeMetrics(metrics_port_), "healthcontent_replication_lag_seconds");
        if (lag > max_lag.load()) max_lag = lag;
        absl::SleepFor(absl::Milliseconds(100));
      }
    });
    // The bundler cuts a bundle midway.
    absl::SleepFor(seconds / 2);
    CutBundle(db_, bundles_);
    absl::SleepFor(seconds / 2 + absl::Milliseconds(rng() % 1000));

    // --- the disk is lost: both processes die at once, the files go -------
    const absl::Time lost_at = absl::Now();
    litestream_->Stop(SIGKILL);
    primary_->Stop(SIGKILL);
    stop = true;
    for (auto& t : threads) t.join();
    sampler.join();
    follower->Stop();
    std::filesystem::remove_all(data_dir_);
    for (const Seen& s : follower->seen()) {
      everything_seen[s.sequence] = s;
      announced.insert(s.sequence);
    }
    ASSERT_FALSE(everything_seen.empty());
    cursor = everything_seen.rbegin()->first;

    // --- the replacement, the documented way --------------------------------
    std::string output;
    const std::string restore = absl::StrCat(
        "LITESTREAM='", LitestreamPath(), "' HEALTHCONTENT='", BinaryDir(), "/src/healthcontent' '",
        SourceDir(), "/deploy/litestream/restore-primary' --db='", db_, "' --config='", config_,
        "' --bundle-dir='", bundles_, "' 2>&1");
    ASSERT_EQ(RunCommand(restore, &output), 0) << output;
    EXPECT_NE(output.find("restored " + db_ + " from the replica"), std::string::npos) << output;
    EXPECT_NE(output.find("recorded PRIMARY_RESTORED at sequence"), std::string::npos) << output;
    StartPrimary();
    ASSERT_FALSE(HasFailure()) << output;

    // The restored feed, through the API: everything up to the fence.
    Follower restored(target(), 0);
    ASSERT_TRUE(WaitFor(20,
                        [&] {
                          auto seen = restored.seen();
                          return !seen.empty() &&
                                 seen.back().kind == v1::Change::PRIMARY_RESTORED &&
                                 seen.back().sequence > cursor;
                        }))
        << "no PRIMARY_RESTORED fence past " << cursor;
    restored.Stop();
    std::map<int64_t, Seen> feed;
    for (const Seen& s : restored.seen()) feed[s.sequence] = s;
    const int64_t fence = feed.rbegin()->first;

    // Every change seen before the window is there, the same.
    int changes_checked = 0;
    for (const auto& [sequence, was] : everything_seen) {
      if (was.seen_at >= lost_at - window) continue;
      ++changes_checked;
      auto it = feed.find(sequence);
      ASSERT_NE(it, feed.end()) << "change " << sequence << " lost (" << was.resource << ")";
      EXPECT_EQ(it->second.kind, was.kind) << sequence;
      EXPECT_EQ(it->second.resource, was.resource) << sequence;
      EXPECT_EQ(it->second.revision_id, was.revision_id) << sequence;
      EXPECT_EQ(it->second.etag, was.etag) << sequence;
      EXPECT_EQ(it->second.commit_micros, was.commit_micros) << sequence;
    }
    // Below the fence the restored feed has no holes: 1..n, then the fence.
    int64_t expected = 1;
    for (const auto& [sequence, change] : feed) {
      if (sequence == fence) break;
      if (change.kind == v1::Change::PRIMARY_RESTORED) {  // an earlier round's fence
        expected = sequence + 1;
        continue;
      }
      EXPECT_EQ(sequence, expected) << "hole in the restored feed";
      expected = sequence + 1;
    }

    // Every acknowledged publish before the window is there, the same.
    std::map<std::pair<std::string, std::string>, int64_t> sequence_of;
    for (const auto& [sequence, change] : feed) {
      sequence_of[{change.resource, change.revision_id}] = sequence;
    }
    auto articles = v1::ArticleService::NewStub(
        grpc::CreateChannel(target(), grpc::InsecureChannelCredentials()));
    int lost = 0, acked_checked = 0;
    absl::Duration oldest_lost = absl::ZeroDuration();
    for (const Acked& a : acked) {
      v1::GetArticleRequest request;
      request.set_name(a.name);
      *request.mutable_as_of() = ToProtoDate(*ParseIsoDate(a.revision_id));
      v1::Article article;
      auto context = Context();
      grpc::Status status = articles->GetArticle(context.get(), request, &article);
      const bool present = status.ok() && article.revision_id() == a.revision_id;
      if (a.acked_at >= lost_at - window) {  // inside the window: measured only
        if (!present) {
          ++lost;
          oldest_lost = std::max(oldest_lost, lost_at - a.acked_at);
        }
        continue;
      }
      ++acked_checked;
      ASSERT_TRUE(present) << a.name << "@" << a.revision_id << " acknowledged "
                           << absl::FormatDuration(lost_at - a.acked_at)
                           << " before the loss, and lost: " << status.error_message();
      EXPECT_EQ(article.etag(), a.etag) << a.name;
      EXPECT_EQ(Micros(article.publish_time()), a.publish_micros) << a.name;
      auto seq = sequence_of.find({a.name, a.revision_id});
      ASSERT_NE(seq, sequence_of.end()) << a.name << "@" << a.revision_id << " not in the feed";
      for (const auto& [sequence, was] : everything_seen) {
        if (was.resource == a.name && was.revision_id == a.revision_id) {
          EXPECT_EQ(seq->second, sequence) << a.name << "@" << a.revision_id;
        }
      }
    }
    EXPECT_GT(acked_checked, 0);
    EXPECT_GT(changes_checked, 0);
    // What was lost inside the window is gone for good.
    for (auto it = everything_seen.begin(); it != everything_seen.end();) {
      it = feed.count(it->first) ? std::next(it) : everything_seen.erase(it);
    }
    // A retry of an acknowledged request answers it again, with no new change.
    if (!acked.empty() && acked.front().acked_at < lost_at - window) {
      const Acked& first = acked.front();
      v1::Article again;
      ASSERT_TRUE(Publish(std::stoi(first.request_id.substr(3)), &again).ok());
      EXPECT_EQ(again.etag(), first.etag);
      EXPECT_EQ(Micros(again.publish_time()), first.publish_micros);
    }

    // --- the feed resumes where the client was, past the fence --------------
    Follower resumed(target(), cursor);
    v1::Article fresh;
    const int k = next++;
    ASSERT_TRUE(Publish(k, &fresh).ok()) << "the recovered primary refuses writes";
    ASSERT_TRUE(WaitFor(10, [&] {
      auto seen = resumed.seen();
      return !seen.empty() && seen.back().revision_id == fresh.revision_id();
    }));
    resumed.Stop();
    std::vector<Seen> after = resumed.seen();
    int64_t previous = cursor;
    for (const Seen& s : after) {
      EXPECT_GT(s.sequence, previous) << "sequence out of order or seen before";
      EXPECT_EQ(announced.count(s.sequence), 0u) << "sequence " << s.sequence << " reused";
      previous = s.sequence;
    }
    ASSERT_GE(after.size(), 2u);
    EXPECT_EQ(after[after.size() - 2].kind, v1::Change::PRIMARY_RESTORED);
    EXPECT_EQ(after[after.size() - 2].sequence, fence);
    EXPECT_EQ(after.back().sequence, fence + 1);  // nothing skipped after the fence
    for (const Seen& s : after) {
      everything_seen[s.sequence] = s;
      announced.insert(s.sequence);
    }
    cursor = after.back().sequence;

    // --- the replica takes the new primary's bundle -------------------------
    nlohmann::json manifest = CutBundle(db_, bundles_);
    EXPECT_EQ(manifest.value("change_sequence", int64_t{0}), fence + 1);
    replica.Signal(SIGHUP);
    EXPECT_TRUE(WaitFor(10, [&] {
      v1::Article served;
      auto stub = v1::ArticleService::NewStub(grpc::CreateChannel(
          absl::StrCat("127.0.0.1:", replica_port), grpc::InsecureChannelCredentials()));
      v1::GetArticleRequest request;
      request.set_name(fresh.name());
      auto context = Context();
      return stub->GetArticle(context.get(), request, &served).ok() &&
             served.revision_id() == fresh.revision_id();
    })) << replica.Log();

    // Litestream follows the new primary before the next loss.
    ASSERT_TRUE(WaitFor(20, [&] {
      return MetricValue(ScrapeMetrics(metrics_port_), "healthcontent_replication_lag_seconds") ==
             0;
    })) << litestream_->Log();
    nlohmann::json report = {
        {"round", round},
        {"rate", rate},
        {"publishers", publishers},
        {"acked", acked.size()},
        {"acked_per_second", acked.size() / absl::ToDoubleSeconds(lost_at - started)},
        {"lost", lost},
        {"oldest_lost_ms", absl::ToDoubleMilliseconds(oldest_lost)},
        {"max_lag_gauge_s", max_lag.load()},
        {"fence", fence}};
    std::printf("dr_round %s\n", report.dump().c_str());
    std::fflush(stdout);
  }
}

}  // namespace
}  // namespace healthcontent::testing
