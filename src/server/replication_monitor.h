// How far the Litestream replica of the primary's database is behind it,
// read from Litestream's own Prometheus metrics and reported on the
// server's /metrics (deploy/README.md, "Disaster recovery").
//
// Litestream copies new WAL frames of the database into its "shadow WAL"
// (every monitor-interval) and ships the shadow WAL to the replica (every
// sync-interval). Two of its counters, both since Litestream started, say
// how far each has got:
//   litestream_total_wal_bytes{db}           bytes written to the shadow WAL
//   litestream_replica_wal_bytes{db,name}    bytes written to the replica
// (Its index/offset gauges are not comparable with each other: the replica's
// offset is within a WAL index, the shadow's size is not.) The replica's
// count includes a 32-byte header per WAL index shipped, so "caught up" is
// replica >= shadow; what the headers hide is less than one commit until
// thousands of checkpoints have passed, and both counters restart with
// Litestream.
//
#ifndef HEALTHCONTENT_SERVER_REPLICATION_MONITOR_H_
#define HEALTHCONTENT_SERVER_REPLICATION_MONITOR_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include "absl/strings/string_view.h"

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace healthcontent::server {

// Where Litestream stands for one database, in bytes since it started:
// what it has read from the WAL (shadow) and what the replica holds.
struct LitestreamPositions {
  int64_t shadow_bytes = 0;
  int64_t replica_bytes = 0;
  std::string replica_name;  // the `name` label ("file", "s3", ...)
};

// Reads the positions of the database at `db_path` from the Prometheus text
// exposition `text` of Litestream's /metrics. The `db` label is compared as
// a path after making both sides absolute and lexically normal. With several
// replicas of the database, the one furthest behind counts. NotFound naming
// the databases the text does hold when `db_path` is not among them, or when
// it has no replica yet (Litestream exports a replica's position once it
// has synced).
absl::StatusOr<LitestreamPositions> ParseLitestreamMetrics(absl::string_view text,
                                                           absl::string_view db_path);

// Turns successive samples of the positions into the age of the oldest WAL
// not yet on the replica. Samples are kept while the replica has not reached
// them; the lag is the time since the newest sample the replica had not
// reached appeared after one it had, so it is an upper bound with the
// sampling interval as its resolution, and it does not count the time
// Litestream takes to notice a commit (its monitor-interval).
// Not thread-safe; ReplicationMonitor serializes it.
class ReplicationLagTracker {
 public:
  void Observe(absl::Time now, const LitestreamPositions& positions);
  // Zero when the replica holds everything Litestream has read.
  absl::Duration Lag(absl::Time now) const;
  // WAL bytes Litestream has read that the replica does not hold.
  int64_t LagBytes() const;

 private:
  // Shadow positions in the order seen, each with when it was first seen;
  // the front is the newest the replica has reached (or the oldest sample).
  std::deque<std::pair<absl::Time, int64_t>> samples_;
  int64_t replica_ = 0;
  bool seen_ = false;
};

class ReplicationMonitor {
 public:
  struct Options {
    // Litestream's metrics endpoint (its `addr`): http://HOST:PORT/metrics.
    std::string metrics_url;
    // The database whose lag is reported (the server's --db).
    std::string db_path;
    absl::Duration interval = absl::Milliseconds(250);
    absl::Duration timeout = absl::Seconds(1);
  };
  // InvalidArgument naming the URL unless it is http://host:port/path.
  static absl::StatusOr<std::unique_ptr<ReplicationMonitor>> Create(Options options);
  ~ReplicationMonitor();  // stops the thread
  ReplicationMonitor(const ReplicationMonitor&) = delete;
  ReplicationMonitor& operator=(const ReplicationMonitor&) = delete;

  // Polls on a thread of its own until destroyed. Failures are logged when
  // the state changes (reachable / unreachable), not at every poll.
  void Start();
  // One poll now, on the caller's thread (tests, and Start's loop).
  absl::Status PollOnce(absl::Time now);

  // 1 while the last poll read the database's positions, else 0.
  bool up() const;
  // The tracker's lag. While polls fail it is at least the time since the
  // last one that worked: nothing says the replica keeps up meanwhile. -1
  // until a poll has worked.
  double LagSeconds(absl::Time now) const;
  double LagBytes() const;

 private:
  explicit ReplicationMonitor(Options options, std::string host, int port, std::string path);

  const Options options_;
  const std::string host_;
  const int port_;
  const std::string path_;

  mutable absl::Mutex mu_;
  ReplicationLagTracker tracker_ ABSL_GUARDED_BY(mu_);
  bool up_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time last_up_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace healthcontent::server

#endif  // HEALTHCONTENT_SERVER_REPLICATION_MONITOR_H_
