// The server's parts that report on /metrics, each made with its gauges:
// Litestream's replication lag, the response cache, and the data served.
#ifndef HEALTHCONTENT_SERVER_GAUGES_H_
#define HEALTHCONTENT_SERVER_GAUGES_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "api/response_cache.h"
#include "api/service_context.h"
#include "server/metrics.h"
#include "server/replication_monitor.h"

namespace healthcontent::server {

// Polls Litestream (`litestream_metrics`, --litestream_metrics) for how far
// its replica of the database at `db_path` is behind, and reports it as
// healthcontent_replication_{up,lag_seconds,lag_bytes}. InvalidArgument for
// a URL it cannot poll.
absl::StatusOr<std::unique_ptr<ReplicationMonitor>> StartReplicationMonitor(
    const std::string& litestream_metrics, const std::string& db_path, Metrics* metrics);

// The cache of ready read answers (--response_cache_bytes) with its
// healthcontent_response_cache_* gauges; null when `bytes` is 0.
std::unique_ptr<api::ResponseCache> MakeResponseCache(int64_t bytes, Metrics* metrics);

// Gauges read at scrape time from the data `services` serve: articles,
// revisions, change sequence, database size, and a primary's write counts
// or a replica's bundle sequence and age. Counting rows scans the tables, so
// the counts are recomputed only when the newest change sequence or the
// dataset (a replica's bundle) has changed. `services` outlives `metrics`'
// scrapes.
void RegisterDataGauges(Metrics* metrics, const api::ServiceContext* services);

}  // namespace healthcontent::server

#endif  // HEALTHCONTENT_SERVER_GAUGES_H_
