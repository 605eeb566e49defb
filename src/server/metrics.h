// The server's Prometheus metrics: one registry, optionally served over HTTP
// at /metrics in the text exposition format.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Metrics> metrics, Metrics::Create("127.0.0.1:9464"));
//   prometheus::Counter& hits =
//       metrics->Counter("healthcontent_cache_hits_total", "Reads answered from the cache.");
//   hits.Increment();
//   metrics->AddGaugeCallback("healthcontent_articles", "Articles with a revision in force.",
//                             [store] { return store->ArticleCount(); });
//
// Every name starts with `healthcontent_` and is a valid Prometheus metric
// name; counters end in `_total`. Registering an invalid name, or a name
// already used for another kind of metric, is a programming error and throws
// std::invalid_argument, as prometheus-cpp itself does.
//
// Thread-safe. Whoever holds a metric (a Counter&, an RpcObserver) must not
// outlive the Metrics.
#ifndef HEALTHCONTENT_SERVER_METRICS_H_
#define HEALTHCONTENT_SERVER_METRICS_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "prometheus/counter.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"

namespace prometheus {
class Exposer;
}

namespace healthcontent::server {

class Metrics {
 public:
  // A registry, served at http://<listen>/metrics when `listen` is not
  // empty. `listen` is ip:port ("127.0.0.1:9464", "[::1]:9464"); port 0
  // picks a free one (see port()). Unavailable, naming the address, when
  // nothing can listen there (address in use or not valid).
  static absl::StatusOr<std::unique_ptr<Metrics>> Create(const std::string& listen);

  // Stops the HTTP server first: no callback runs once this returns.
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The bound HTTP port; 0 when not serving.
  int port() const { return port_; }

  // For metrics with labels (prometheus::BuildHistogram() ... .Register()).
  prometheus::Registry& registry() { return *registry_; }

  // A gauge whose value `read` computes at scrape time (database size,
  // article count, replica lag). `read` runs on a thread of the HTTP server
  // (or of Collect's caller), one callback at a time, and should be quick:
  // a scrape waits for it.
  void AddGaugeCallback(std::string name, std::string help, std::function<double()> read);

  // The counter without labels named `name`, created on first use. Each
  // call takes the registry's lock: keep the reference.
  prometheus::Counter& Counter(const std::string& name, const std::string& help);

  // What /metrics shows, less the HTTP server's own exposer_* metrics: the
  // registry's metrics, then the callback gauges with their current values.
  std::vector<prometheus::MetricFamily> Collect() const;

 private:
  class CallbackGauges;
  Metrics();

  // Destroyed in reverse order: the HTTP server stops before what it reads.
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<CallbackGauges> callback_gauges_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
};

}  // namespace healthcontent::server

#endif  // HEALTHCONTENT_SERVER_METRICS_H_
