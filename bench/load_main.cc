// healthcontent-load: flags only; the generator is in load_generator.cc.
#include <cstdint>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "load_generator.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "host:port of the server under test");
ABSL_FLAG(int, channels, 4, "channels, each its own HTTP/2 connection");
ABSL_FLAG(int, outstanding, 8, "calls outstanding per channel (closed loop); 0: no reads");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(2), "load before measuring (not measured)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "how long to measure");
ABSL_FLAG(std::string, mix, "latest:70,asof:10,revision:10,list:5,search:5",
          "weighted read kinds: latest, asof, revision, list, listdeep, search, searchtop, "
          "search2, searchphrase, searchprefix; or none");
ABSL_FLAG(double, rate, 0,
          "reads per second: open loop on a fixed schedule (latency from the scheduled time); "
          "0: closed loop");
ABSL_FLAG(int, pool, 0,
          "> 0: draw this many requests per read kind before the run and send them serialized "
          "(random keys at h2load's per-call cost); 0: build each request as it is sent");
ABSL_FLAG(std::string, keys, "uniform",
          "which articles GetArticle and GetArticleRevision ask for: uniform, or zipf (rank k "
          "with weight 1/k: a few topics take most reads)");
ABSL_FLAG(int, max_in_flight, 0, "open loop: most reads in flight; 0: channels x outstanding");
ABSL_FLAG(int64_t, articles, 0,
          "the synthetic corpus's article count (names computed, as healthcontent-corpus wrote "
          "them); 0: list the articles from the target");
ABSL_FLAG(int, revisions, 5, "the synthetic corpus's revisions per article");
ABSL_FLAG(uint64_t, seed, 1, "the synthetic corpus's seed, also seeding the request streams");
ABSL_FLAG(std::string, targets_file, "",
          "with --articles=0: read the article list from this file when it exists, else list "
          "the target and write it here");
ABSL_FLAG(int, discover_max, 10000, "with --articles=0: most articles to list");
ABSL_FLAG(int, publishers, 0, "publish calls outstanding alongside the reads (or the cap)");
ABSL_FLAG(double, publish_rate, 0,
          "revisions per second to publish (open loop, capped by --publishers); 0: as fast as "
          "--publishers closed-loop callers go");
ABSL_FLAG(std::string, token_file, "", "file holding a publisher bearer token");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(10), "per-call deadline");
ABSL_FLAG(absl::Duration, connect_timeout, absl::Seconds(30),
          "how long to wait for the target to accept connections");
ABSL_FLAG(bool, parse_responses, false, "parse every response (costs client CPU)");
ABSL_FLAG(int, max_errors, 100, "stop issuing calls after this many errors");
ABSL_FLAG(std::string, csv, "", "append a summary row to this CSV file");
ABSL_FLAG(std::string, label, "", "label carried into the JSON and CSV output");
ABSL_FLAG(std::string, probe, "",
          "health: wait for grpc.health.v1 SERVING; connect: wait for a connection; print when "
          "(unix ns) and exit, without load");

ABSL_FLAG(std::string, probe_service, "",
          "with --probe=health: the health service to wait for (e.g. healthcontent.search); "
          "\"\" is the whole server");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Drives a health-content server (or healthcontent-ceiling) with gRPC callback calls and "
      "reports throughput and latency.\n"
      "Example: healthcontent-load --target=127.0.0.1:50051 --channels=4 --outstanding=8 "
      "--mix=latest:100 --articles=100000 --revisions=5 --seed=1");
  absl::ParseCommandLine(argc, argv);
  // As the server does (server::ConfigureProcessForServing): Debian's Abseil
  // leaves the mutex deadlock detector on, and gRPC locks several mutexes per
  // call; the generator's CPU per call is what bounds what it can measure.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  healthcontent::bench::LoadOptions options;
  options.target = absl::GetFlag(FLAGS_target);
  options.channels = absl::GetFlag(FLAGS_channels);
  options.outstanding = absl::GetFlag(FLAGS_outstanding);
  options.warmup = absl::GetFlag(FLAGS_warmup);
  options.duration = absl::GetFlag(FLAGS_duration);
  options.mix = absl::GetFlag(FLAGS_mix);
  options.rate = absl::GetFlag(FLAGS_rate);
  options.max_in_flight = absl::GetFlag(FLAGS_max_in_flight);
  options.pool = absl::GetFlag(FLAGS_pool);
  options.keys = absl::GetFlag(FLAGS_keys);
  options.articles = absl::GetFlag(FLAGS_articles);
  options.revisions = absl::GetFlag(FLAGS_revisions);
  options.seed = absl::GetFlag(FLAGS_seed);
  options.targets_file = absl::GetFlag(FLAGS_targets_file);
  options.discover_max = absl::GetFlag(FLAGS_discover_max);
  options.publishers = absl::GetFlag(FLAGS_publishers);
  options.publish_rate = absl::GetFlag(FLAGS_publish_rate);
  options.token_file = absl::GetFlag(FLAGS_token_file);
  options.deadline = absl::GetFlag(FLAGS_deadline);
  options.connect_timeout = absl::GetFlag(FLAGS_connect_timeout);
  options.parse_responses = absl::GetFlag(FLAGS_parse_responses);
  options.max_errors = absl::GetFlag(FLAGS_max_errors);
  options.csv = absl::GetFlag(FLAGS_csv);
  options.label = absl::GetFlag(FLAGS_label);
  options.probe = absl::GetFlag(FLAGS_probe);
  options.probe_service = absl::GetFlag(FLAGS_probe_service);
  return healthcontent::bench::RunLoad(options);
}
