#include "server/gauges.h"

#include <filesystem>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "storage/dataset.h"
#include "storage/storage.h"

namespace healthcontent::server {

absl::StatusOr<std::unique_ptr<ReplicationMonitor>> StartReplicationMonitor(
    const std::string& litestream_metrics, const std::string& db_path, Metrics* metrics) {
  ReplicationMonitor::Options monitor_options;
  monitor_options.metrics_url = litestream_metrics;
  monitor_options.db_path = db_path;
  ASSIGN_OR_RETURN(std::unique_ptr<ReplicationMonitor> monitor,
                   ReplicationMonitor::Create(std::move(monitor_options)));
  ReplicationMonitor* m = monitor.get();
  metrics->AddGaugeCallback(
      "healthcontent_replication_up",
      "1 while Litestream's metrics (--litestream_metrics) answer with a replica position for "
      "the database, else 0.",
      [m] { return m->up() ? 1.0 : 0.0; });
  metrics->AddGaugeCallback(
      "healthcontent_replication_lag_seconds",
      "Age of the oldest WAL Litestream has read but its replica does not hold: an upper bound, "
      "to the 250 ms poll; at least the time since Litestream last answered; -1 before it "
      "first has. The promise (deploy/README.md) is under 1 s.",
      [m] { return m->LagSeconds(absl::Now()); });
  metrics->AddGaugeCallback("healthcontent_replication_lag_bytes",
                            "WAL bytes Litestream has read that its replica does not hold.",
                            [m] { return m->LagBytes(); });
  monitor->Start();
  return monitor;
}

std::unique_ptr<api::ResponseCache> MakeResponseCache(int64_t bytes, Metrics* metrics) {
  if (bytes == 0) return nullptr;
  auto cache = std::make_unique<api::ResponseCache>(static_cast<size_t>(bytes));
  api::ResponseCache* c = cache.get();
  metrics->AddGaugeCallback(
      "healthcontent_response_cache_hits",
      "Raw reads (GetArticle, GetArticleRevision, ListArticles) answered from the response "
      "cache; a counter.",
      [c] { return static_cast<double>(c->hits()); });
  metrics->AddGaugeCallback(
      "healthcontent_response_cache_misses",
      "Raw reads computed from the database (no entry, or one from before a commit); a counter.",
      [c] { return static_cast<double>(c->misses()); });
  metrics->AddGaugeCallback("healthcontent_response_cache_bytes",
                            "Bytes of keys and answers the response cache holds.",
                            [c] { return static_cast<double>(c->bytes()); });
  return cache;
}

void RegisterDataGauges(Metrics* metrics, const api::ServiceContext* services) {
  struct Counts {
    absl::Mutex mu;
    const storage::Dataset* data ABSL_GUARDED_BY(mu) = nullptr;
    int64_t sequence ABSL_GUARDED_BY(mu) = -1;
    double articles ABSL_GUARDED_BY(mu) = 0;
    double revisions ABSL_GUARDED_BY(mu) = 0;
  };
  auto counts = std::make_shared<Counts>();
  // Refreshes `counts` if needed; returns false without data.
  auto refresh = [services, counts]() -> bool {
    std::shared_ptr<const storage::Dataset> data = services->data();
    if (data == nullptr) return false;
    absl::StatusOr<int64_t> sequence = data->change_log->LatestSequence();
    if (!sequence.ok()) return false;
    absl::MutexLock lock(&counts->mu);
    if (counts->data == data.get() && counts->sequence == *sequence) return true;
    absl::StatusOr<storage::Database*> db = data->storage->Reader();
    if (!db.ok()) return false;
    absl::StatusOr<storage::Statement> stmt = (*db)->Prepare(
        "SELECT (SELECT COUNT(*) FROM articles WHERE withdraw_time IS NULL), "
        "(SELECT COUNT(*) FROM revisions)");
    if (!stmt.ok()) return false;
    absl::StatusOr<bool> row = stmt->Step();
    if (!row.ok() || !*row) return false;
    counts->articles = static_cast<double>(stmt->ColumnInt64(0));
    counts->revisions = static_cast<double>(stmt->ColumnInt64(1));
    counts->data = data.get();
    counts->sequence = *sequence;
    return true;
  };
  metrics->AddGaugeCallback("healthcontent_articles", "Articles served (not withdrawn).",
                            [refresh, counts] {
                              if (!refresh()) return 0.0;
                              absl::MutexLock lock(&counts->mu);
                              return counts->articles;
                            });
  metrics->AddGaugeCallback("healthcontent_revisions", "Revisions stored, of every article.",
                            [refresh, counts] {
                              if (!refresh()) return 0.0;
                              absl::MutexLock lock(&counts->mu);
                              return counts->revisions;
                            });
  metrics->AddGaugeCallback("healthcontent_change_sequence",
                            "Newest change in the data served (the feed's position).", [services] {
                              std::shared_ptr<const storage::Dataset> data = services->data();
                              if (data == nullptr) return 0.0;
                              absl::StatusOr<int64_t> sequence = data->change_log->LatestSequence();
                              return sequence.ok() ? static_cast<double>(*sequence) : 0.0;
                            });
  metrics->AddGaugeCallback(
      "healthcontent_database_bytes",
      "Size of the database served: the file and its WAL on a primary, the bundle's file on "
      "a replica.",
      [services] {
        std::shared_ptr<const storage::Dataset> data = services->data();
        if (data == nullptr) return 0.0;
        if (data->bundle.has_value()) return static_cast<double>(data->bundle->database_bytes);
        double bytes = 0;
        for (const char* suffix : {"", "-wal"}) {
          std::error_code ec;
          const std::uintmax_t size =
              std::filesystem::file_size(data->storage->path() + suffix, ec);
          if (!ec) bytes += static_cast<double>(size);
        }
        return bytes;
      });
  if (!services->read_only) {
    // Group commit (storage::Storage::Write): writes / transactions is the
    // mean number of writes that shared one commit and its fsync.
    metrics->AddGaugeCallback(
        "healthcontent_writes",
        "Primary: writes (publishes, withdrawals, schedule updates) run since start.", [services] {
          std::shared_ptr<const storage::Dataset> data = services->data();
          return data == nullptr ? 0.0 : static_cast<double>(data->storage->write_stats().writes);
        });
    metrics->AddGaugeCallback(
        "healthcontent_write_transactions",
        "Primary: write transactions (one fsync each) run since start; writes that arrive "
        "while one commits share the next.",
        [services] {
          std::shared_ptr<const storage::Dataset> data = services->data();
          return data == nullptr ? 0.0 : static_cast<double>(data->storage->write_stats().commits);
        });
    return;
  }
  metrics->AddGaugeCallback(
      "healthcontent_bundle_change_sequence",
      "Replica: the newest change sequence in the bundle served (0 before the first).", [services] {
        std::shared_ptr<const storage::Dataset> data = services->data();
        return data != nullptr && data->bundle.has_value()
                   ? static_cast<double>(data->bundle->change_sequence)
                   : 0.0;
      });
  metrics->AddGaugeCallback(
      "healthcontent_bundle_age_seconds",
      "Replica: seconds since the bundle served was cut on the primary (0 before the first).",
      [services] {
        std::shared_ptr<const storage::Dataset> data = services->data();
        if (data == nullptr || !data->bundle.has_value()) return 0.0;
        absl::Time created;
        std::string error;
        if (!absl::ParseTime(absl::RFC3339_full, data->bundle->created, &created, &error)) {
          return 0.0;
        }
        return absl::ToDoubleSeconds(absl::Now() - created);
      });
}

}  // namespace healthcontent::server
