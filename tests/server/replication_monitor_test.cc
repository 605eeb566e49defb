#include "server/replication_monitor.h"

#include <civetweb.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace healthcontent::server {
namespace {

using ::testing::HasSubstr;

// What Litestream 0.3.13 served for a database with a file replica (trimmed
// of the Go runtime's metrics) while the replica was behind: the shadow size
// and the replica offset are not comparable (the offset is within WAL index
// 1), the byte counters are.
constexpr char kScrape[] = R"(# HELP litestream_db_size The current size of the real DB
# TYPE litestream_db_size gauge
litestream_db_size{db="/srv/hc/healthcontent.db"} 1.6384e+06
litestream_replica_validation_total{db="/srv/hc/healthcontent.db",name="file",status="ok"} 0
litestream_replica_wal_bytes{db="/srv/hc/healthcontent.db",name="file"} 4.816344e+06
litestream_replica_wal_index{db="/srv/hc/healthcontent.db",name="file"} 1
litestream_replica_wal_offset{db="/srv/hc/healthcontent.db",name="file"} 683952
litestream_shadow_wal_index{db="/srv/hc/healthcontent.db"} 1
litestream_shadow_wal_size{db="/srv/hc/healthcontent.db"} 5.154184e+06
litestream_sync_count{db="/srv/hc/healthcontent.db"} 15
litestream_total_wal_bytes{db="/srv/hc/healthcontent.db"} 5.15412e+06
litestream_wal_size{db="/srv/hc/healthcontent.db"} 1.021792e+06
)";

TEST(ParseLitestreamMetricsTest, ReadsTheShadowAndReplicaByteCountsOfTheDatabase) {
  absl::StatusOr<LitestreamPositions> positions =
      ParseLitestreamMetrics(kScrape, "/srv/hc/healthcontent.db");
  ASSERT_TRUE(positions.ok()) << positions.status();
  EXPECT_EQ(positions->shadow_bytes, 5154120);
  EXPECT_EQ(positions->replica_bytes, 4816344);
  EXPECT_EQ(positions->replica_name, "file");
}

TEST(ParseLitestreamMetricsTest, ComparesPathsLexicallyNormalized) {
  EXPECT_TRUE(ParseLitestreamMetrics(kScrape, "/srv/hc/./x/../healthcontent.db").ok());
}

TEST(ParseLitestreamMetricsTest, NamesTheDatabasesItHoldsWhenTheOneAskedForIsNotThere) {
  absl::StatusOr<LitestreamPositions> positions =
      ParseLitestreamMetrics(kScrape, "/var/lib/healthcontent/healthcontent.db");
  EXPECT_EQ(positions.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(positions.status().message(),
            "Litestream does not replicate /var/lib/healthcontent/healthcontent.db; it "
            "replicates /srv/hc/healthcontent.db");
  EXPECT_EQ(ParseLitestreamMetrics("", "/a.db").status().message(),
            "Litestream does not replicate /a.db; it replicates no database");
  EXPECT_EQ(ParseLitestreamMetrics("<html>not metrics</html>\n", "/a.db").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ParseLitestreamMetricsTest, ADatabaseWithoutASyncedReplicaIsNotFound) {
  EXPECT_EQ(ParseLitestreamMetrics("litestream_total_wal_bytes{db=\"/a.db\"} 32\n", "/a.db")
                .status()
                .message(),
            "no replica of /a.db has synced yet");
  EXPECT_EQ(
      ParseLitestreamMetrics("litestream_db_size{db=\"/a.db\"} 4096\n", "/a.db").status().message(),
      "Litestream has not read the WAL of /a.db yet");
}

TEST(ParseLitestreamMetricsTest, TheReplicaFurthestBehindCountsAndEscapesAreDecoded) {
  const std::string text = R"(litestream_total_wal_bytes{db="/d/a \"b\".db"} 5000
litestream_replica_wal_bytes{db="/d/a \"b\".db",name="s3"} 900
litestream_replica_wal_bytes{db="/d/a \"b\".db",name="file"} 4000
litestream_replica_wal_bytes{db="/other.db",name="file"} 0
)";
  absl::StatusOr<LitestreamPositions> positions = ParseLitestreamMetrics(text, "/d/a \"b\".db");
  ASSERT_TRUE(positions.ok()) << positions.status();
  EXPECT_EQ(positions->shadow_bytes, 5000);
  EXPECT_EQ(positions->replica_bytes, 900);
  EXPECT_EQ(positions->replica_name, "s3");
}

LitestreamPositions At(int64_t shadow, int64_t replica) { return {shadow, replica, "file"}; }

TEST(ReplicationLagTrackerTest, NoLagWhenTheReplicaHoldsWhatLitestreamRead) {
  ReplicationLagTracker tracker;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  EXPECT_EQ(tracker.Lag(t0), absl::ZeroDuration());
  tracker.Observe(t0, At(100, 132));  // the replica counts a header more
  EXPECT_EQ(tracker.Lag(t0 + absl::Seconds(5)), absl::ZeroDuration());
  EXPECT_EQ(tracker.LagBytes(), 0);
}

TEST(ReplicationLagTrackerTest, LagRunsFromTheNewestSampleTheReplicaHadReached) {
  ReplicationLagTracker tracker;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  tracker.Observe(t0, At(100, 100));
  // New WAL at t0+1 that the replica lacks: it appeared after t0.
  tracker.Observe(t0 + absl::Seconds(1), At(300, 100));
  EXPECT_EQ(tracker.Lag(t0 + absl::Seconds(1)), absl::Seconds(1));
  EXPECT_EQ(tracker.LagBytes(), 200);
  tracker.Observe(t0 + absl::Seconds(2), At(500, 300));
  // The replica reached the t0+1 sample; what it lacks appeared after that.
  EXPECT_EQ(tracker.Lag(t0 + absl::Seconds(2)), absl::Seconds(1));
  EXPECT_EQ(tracker.LagBytes(), 200);
  tracker.Observe(t0 + absl::Seconds(3), At(500, 500));
  EXPECT_EQ(tracker.Lag(t0 + absl::Seconds(3)), absl::ZeroDuration());
  EXPECT_EQ(tracker.LagBytes(), 0);
}

TEST(ReplicationLagTrackerTest, BehindFromTheFirstSampleCountsFromIt) {
  ReplicationLagTracker tracker;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  tracker.Observe(t0, At(800, 0));
  EXPECT_EQ(tracker.Lag(t0 + absl::Milliseconds(500)), absl::Milliseconds(500));
  EXPECT_EQ(tracker.LagBytes(), 800);
}

TEST(ReplicationLagTrackerTest, ARestartedLitestreamStartsOver) {
  ReplicationLagTracker tracker;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  tracker.Observe(t0, At(4000, 1000));
  // Litestream restarted: its counters restart at 0.
  tracker.Observe(t0 + absl::Seconds(10), At(32, 32));
  EXPECT_EQ(tracker.Lag(t0 + absl::Seconds(10)), absl::ZeroDuration());
  tracker.Observe(t0 + absl::Seconds(11), At(96, 32));
  EXPECT_EQ(tracker.Lag(t0 + absl::Seconds(11)), absl::Seconds(1));
}

TEST(ReplicationMonitorTest, RefusesAUrlItCannotPoll) {
  for (const char* url :
       {"127.0.0.1:9091", "https://127.0.0.1:9091/metrics", "http://127.0.0.1/metrics",
        "http://:9091/metrics", "http://127.0.0.1:99999/metrics", "http://127.0.0.1:x/metrics"}) {
    ReplicationMonitor::Options options;
    options.metrics_url = url;
    options.db_path = "/a.db";
    absl::StatusOr<std::unique_ptr<ReplicationMonitor>> monitor =
        ReplicationMonitor::Create(options);
    EXPECT_EQ(monitor.status().code(), absl::StatusCode::kInvalidArgument) << url;
    EXPECT_THAT(monitor.status().message(),
                HasSubstr(absl::StrCat("--litestream_metrics=", url, " must be http://")));
  }
}

// A stand-in for Litestream's /metrics endpoint on a loopback port, serving
// whatever text the test sets.
class FakeLitestream {
 public:
  FakeLitestream() {
    mg_init_library(0);
    const char* options[] = {"listening_ports", "127.0.0.1:0", "num_threads", "2", nullptr};
    ctx_ = mg_start(nullptr, nullptr, options);
    mg_set_request_handler(ctx_, "/metrics", &FakeLitestream::Handle, this);
    mg_server_port ports[1];
    EXPECT_EQ(mg_get_server_ports(ctx_, 1, ports), 1);
    port_ = ports[0].port;
  }
  ~FakeLitestream() {
    mg_stop(ctx_);
    mg_exit_library();
  }
  int port() const { return port_; }
  void Set(std::string text) {
    absl::MutexLock lock(&mu_);
    text_ = std::move(text);
  }

 private:
  static int Handle(mg_connection* conn, void* self) {
    auto* fake = static_cast<FakeLitestream*>(self);
    absl::MutexLock lock(&fake->mu_);
    mg_send_http_ok(conn, "text/plain; version=0.0.4", fake->text_.size());
    mg_write(conn, fake->text_.data(), fake->text_.size());
    return 200;
  }
  mg_context* ctx_ = nullptr;
  int port_ = 0;
  absl::Mutex mu_;
  std::string text_;
};

TEST(ReplicationMonitorTest, PollsTheEndpointAndReportsTheLag) {
  FakeLitestream litestream;
  litestream.Set(kScrape);
  ReplicationMonitor::Options options;
  options.metrics_url = absl::StrCat("http://127.0.0.1:", litestream.port(), "/metrics");
  options.db_path = "/srv/hc/healthcontent.db";
  auto monitor = ReplicationMonitor::Create(options);
  ASSERT_TRUE(monitor.ok()) << monitor.status();
  const absl::Time t0 = absl::FromUnixSeconds(5000);
  EXPECT_EQ((*monitor)->LagSeconds(t0), -1);  // never read
  ASSERT_TRUE((*monitor)->PollOnce(t0).ok());
  EXPECT_TRUE((*monitor)->up());
  // Behind since the first sample: nothing older is known.
  EXPECT_DOUBLE_EQ((*monitor)->LagSeconds(t0 + absl::Milliseconds(300)), 0.3);
  EXPECT_EQ((*monitor)->LagBytes(), 5154120 - 4816344);
  litestream.Set(absl::StrReplaceAll(kScrape, {{"} 4.816344e+06", "} 5.15412e+06"}}));
  ASSERT_TRUE((*monitor)->PollOnce(t0 + absl::Seconds(1)).ok());
  EXPECT_EQ((*monitor)->LagSeconds(t0 + absl::Seconds(1)), 0);
  EXPECT_EQ((*monitor)->LagBytes(), 0);

  // Litestream answers about another database only: down, and the lag grows
  // from the last poll that worked.
  litestream.Set(absl::StrReplaceAll(kScrape, {{"/srv/hc/", "/elsewhere/"}}));
  absl::Status polled = (*monitor)->PollOnce(t0 + absl::Seconds(2));
  EXPECT_EQ(polled.code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE((*monitor)->up());
  EXPECT_EQ((*monitor)->LagSeconds(t0 + absl::Seconds(4)), 3);
}

TEST(ReplicationMonitorTest, AnUnreachableEndpointIsUnavailableAndNamed) {
  int port = 0;
  {
    FakeLitestream stopped;
    port = stopped.port();
  }  // closed now
  ReplicationMonitor::Options options;
  options.metrics_url = absl::StrCat("http://127.0.0.1:", port, "/metrics");
  options.db_path = "/a.db";
  auto monitor = ReplicationMonitor::Create(options);
  ASSERT_TRUE(monitor.ok());
  absl::Status polled = (*monitor)->PollOnce(absl::Now());
  EXPECT_EQ(polled.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(polled.message(), HasSubstr(absl::StrCat("cannot connect to ", options.metrics_url)));
  EXPECT_FALSE((*monitor)->up());
  EXPECT_EQ((*monitor)->LagSeconds(absl::Now()), -1);
}

}  // namespace
}  // namespace healthcontent::server
