#include "server/metrics.h"

#include <exception>
#include <stdexcept>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/check_names.h"
#include "prometheus/client_metric.h"
#include "prometheus/collectable.h"
#include "prometheus/exposer.h"
#include "prometheus/metric_type.h"

namespace healthcontent::server {
namespace {

constexpr absl::string_view kPrefix = "healthcontent_";

void CheckName(const std::string& name) {
  if (!absl::StartsWith(name, kPrefix) || !prometheus::CheckMetricName(name)) {
    throw std::invalid_argument(
        absl::StrCat("metric name \"", name, "\" is not a valid name starting with ", kPrefix));
  }
}

bool InFamilies(const std::vector<prometheus::MetricFamily>& families, const std::string& name) {
  for (const auto& family : families) {
    if (family.name == name) return true;
  }
  return false;
}

}  // namespace

// The gauges computed at scrape time, as one more collectable next to the
// registry.
class Metrics::CallbackGauges : public prometheus::Collectable {
 public:
  // False when `name` is taken already.
  bool Add(std::string name, std::string help, std::function<double()> read) {
    absl::MutexLock lock(&mu_);
    for (const Gauge& gauge : gauges_) {
      if (gauge.name == name) return false;
    }
    gauges_.push_back({std::move(name), std::move(help), std::move(read)});
    return true;
  }

  bool Has(const std::string& name) const {
    absl::MutexLock lock(&mu_);
    for (const Gauge& gauge : gauges_) {
      if (gauge.name == name) return true;
    }
    return false;
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    // Held while the callbacks run: Add only happens at start-up.
    absl::MutexLock lock(&mu_);
    std::vector<prometheus::MetricFamily> families;
    families.reserve(gauges_.size());
    for (const Gauge& gauge : gauges_) {
      prometheus::MetricFamily family;
      family.name = gauge.name;
      family.help = gauge.help;
      family.type = prometheus::MetricType::Gauge;
      prometheus::ClientMetric metric;
      metric.gauge.value = gauge.read();
      family.metric.push_back(std::move(metric));
      families.push_back(std::move(family));
    }
    return families;
  }

 private:
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
  };
  mutable absl::Mutex mu_;
  std::vector<Gauge> gauges_ ABSL_GUARDED_BY(mu_);
};

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      callback_gauges_(std::make_shared<CallbackGauges>()) {}

Metrics::~Metrics() { exposer_.reset(); }

absl::StatusOr<std::unique_ptr<Metrics>> Metrics::Create(const std::string& listen) {
  std::unique_ptr<Metrics> metrics(new Metrics());
  if (listen.empty()) return metrics;
  try {
    // civetweb: two threads are plenty for a scrape every few seconds.
    metrics->exposer_ = std::make_unique<prometheus::Exposer>(listen, /*num_threads=*/2);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("could not serve metrics on ", listen,
                                               " (address in use or not valid?): ", e.what()));
  }
  metrics->exposer_->RegisterCollectable(metrics->registry_);
  metrics->exposer_->RegisterCollectable(metrics->callback_gauges_);
  std::vector<int> ports = metrics->exposer_->GetListeningPorts();
  metrics->port_ = ports.empty() ? 0 : ports.front();
  return metrics;
}

void Metrics::AddGaugeCallback(std::string name, std::string help, std::function<double()> read) {
  CheckName(name);
  if (InFamilies(registry_->Collect(), name) ||
      !callback_gauges_->Add(name, std::move(help), std::move(read))) {
    throw std::invalid_argument(absl::StrCat("metric name \"", name, "\" is taken"));
  }
}

prometheus::Counter& Metrics::Counter(const std::string& name, const std::string& help) {
  CheckName(name);
  if (!absl::EndsWith(name, "_total") || callback_gauges_->Has(name)) {
    throw std::invalid_argument(
        absl::StrCat("counter name \"", name, "\" must end in _total and not be taken"));
  }
  return prometheus::BuildCounter().Name(name).Help(help).Register(*registry_).Add({});
}

std::vector<prometheus::MetricFamily> Metrics::Collect() const {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  std::vector<prometheus::MetricFamily> gauges = callback_gauges_->Collect();
  families.insert(families.end(), std::make_move_iterator(gauges.begin()),
                  std::make_move_iterator(gauges.end()));
  return families;
}

}  // namespace healthcontent::server
