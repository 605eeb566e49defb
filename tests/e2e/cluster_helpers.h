// Helpers for the end-to-end tests of a deployment: a steady read load from
// real gRPC clients, Prometheus scrapes, publishing and bundle cuts.
#ifndef HEALTHCONTENT_TESTS_E2E_CLUSTER_HELPERS_H_
#define HEALTHCONTENT_TESTS_E2E_CLUSTER_HELPERS_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "healthcontent/v1/article.pb.h"
#include "nlohmann/json.hpp"

namespace healthcontent::testing {

inline constexpr char kSeedArticle[] = "articles/biological-therapy-for-cancer";

// GetArticle of the seed article, over and over, from `threads` threads each
// with its own channel to `target` (host:port, plaintext), until Stop().
// Every call has a 5 s deadline; every non-OK status is recorded. With
// `max_attempts` > 1 the channels carry a gRPC retry policy: a call that ends
// UNAVAILABLE is tried again, up to that many attempts in all (what
// deploy/nginx/README.md recommends to clients behind the load balancer).
class ReadLoad {
 public:
  ReadLoad(const std::string& target, int threads, int max_attempts = 1);
  ~ReadLoad();  // stops

  void Stop();
  int64_t ok() const { return ok_.load(); }
  // "CODE: message" of each failed call.
  std::vector<std::string> Failures() const;
  // Revision ids seen, with their counts.
  std::map<std::string, int64_t> Revisions() const;

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> ok_{0};
  mutable absl::Mutex mu_;
  std::vector<std::string> failures_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> revisions_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
};

// GetArticle of the seed article at `target`: OK and the article, or the status.
grpc::Status GetSeed(const std::string& target, v1::Article* article,
                     const std::multimap<std::string, std::string>& metadata = {});

// Publishes the seed article (data/) again under `review_date` through
// `target` with `token`, its title suffixed with `title_suffix`.
grpc::Status PublishSeedRevision(const std::string& target, const std::string& token,
                                 absl::CivilDay review_date, const std::string& title_suffix);

// The body of GET http://127.0.0.1:`port`/metrics ("" when unreachable).
std::string ScrapeMetrics(int port);

// The value of the sample of `name` whose labels include every one of
// `labels` (e.g. {"code=\"OK\""}); -1 when there is none.
double MetricValue(const std::string& scrape, const std::string& name,
                   const std::vector<std::string>& labels = {});

// Runs `healthcontent bundle --db=DB --out=DIR` and returns its JSON output
// (the manifest with "path"); fails the test on a non-zero exit.
nlohmann::json CutBundle(const std::string& db, const std::string& out_dir);

// Polls `condition` every 50 ms until it holds or `seconds` pass; true if it held.
bool WaitFor(double seconds, const std::function<bool()>& condition);

}  // namespace healthcontent::testing

#endif  // HEALTHCONTENT_TESTS_E2E_CLUSTER_HELPERS_H_
