// healthcontent-load: a load generator on gRPC's callback client API.
//
// Closed loop (the default): C channels (separate HTTP/2 connections), each
// with M calls outstanding; every completion immediately issues the next
// call, its kind drawn from a weighted mix. Open loop (rate > 0): calls are
// issued on a fixed schedule, at most max_in_flight at a time, and latency
// is measured from the scheduled send time, so a stalled server cannot hide
// its stall by slowing the generator down (coordinated omission).
//
// Throughput counts the calls that completed inside the measured window
// (after the warm-up); latency is recorded for the calls started inside it.
// In open loop, sends of the window still not made a second after it ends
// (the in-flight cap stayed full) are reported as unsent rather than
// silently dropped. Responses are kept as bytes (not parsed unless asked), so
// the generator spends as little of the shared CPU as it can. Every non-OK
// status is counted by code and fails the run.
#ifndef HEALTHCONTENT_BENCH_LOAD_GENERATOR_H_
#define HEALTHCONTENT_BENCH_LOAD_GENERATOR_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace healthcontent::bench {

struct LoadOptions {
  // host:port of the server under test.
  std::string target = "127.0.0.1:50051";
  int channels = 4;
  // Calls outstanding per channel (closed loop). 0: no reads (publishers only).
  int outstanding = 8;
  absl::Duration warmup = absl::Seconds(2);
  absl::Duration duration = absl::Seconds(10);
  // Weighted read kinds: latest (GetArticle in force today, FULL), asof
  // (GetArticle on a random day since the first review), revision
  // (GetArticleRevision of a random existing revision), list (ListArticles,
  // first page of 50), listdeep (ListArticles, the last page of 50 of the
  // full listing), search (SearchArticles of a random vocabulary word).
  // "none": no reads.
  std::string mix = "latest:70,asof:10,revision:10,list:5,search:5";
  // > 0: open loop at this many reads per second.
  double rate = 0;
  // Open loop: most reads in flight at once; 0 means channels * outstanding.
  int max_in_flight = 0;
  // > 0: every read kind of the mix draws, before the run, this many requests
  // (from the same streams as without a pool) and serializes them once; each
  // call then sends one of them, picked at random, as ready bytes. This takes
  // building and serializing requests off the measured path, so the generator
  // costs little more per call than h2load with its one fixed body, while the
  // keys stay random. 0: each request is built and serialized as it is sent.
  int pool = 0;
  // Which article a GetArticle or GetArticleRevision asks for: "uniform"
  // (every article alike), or "zipf" (the article of rank k with weight
  // 1/k, the first most often: a few topics take most of a portal's reads).
  std::string keys = "uniform";

  // Which articles exist. articles > 0: the synthetic corpus of
  // healthcontent-corpus with these articles, revisions and seed (its names
  // and dates are computed, not listed). articles == 0: list them from the
  // target (at most discover_max), or read them from targets_file when that
  // file exists; a targets_file that does not exist is written after listing.
  int64_t articles = 0;
  int revisions = 5;
  uint64_t seed = 1;
  std::string targets_file;
  int discover_max = 10000;

  // Publishing alongside the reads: `publishers` publish calls outstanding
  // (closed loop), or at most that many when publish_rate > 0 revisions/s
  // (open loop). Each publishes a new synthetic review of a random article
  // on a review date it does not have yet. token_file holds a publisher
  // bearer token.
  int publishers = 0;
  double publish_rate = 0;
  std::string token_file;

  // Per-call deadline; a call that misses it is a DEADLINE_EXCEEDED error.
  absl::Duration deadline = absl::Seconds(10);
  absl::Duration connect_timeout = absl::Seconds(30);
  // Parse every response into its message (costs client CPU); a response
  // that does not parse is an error.
  bool parse_responses = false;
  // Stop issuing after this many errors (the run fails either way).
  int max_errors = 100;
  // Append one summary row to this CSV file (header when new).
  std::string csv;
  // Free text carried into the JSON and CSV output.
  std::string label;

  // Instead of a load: "health" polls grpc.health.v1.Health/Check until
  // SERVING, "connect" waits until a connection is up; either prints when
  // (unix ns) on stdout. Gives up after connect_timeout.
  std::string probe;
  // The health service "health" asks about ("" is the whole server;
  // "healthcontent.search" is SERVING once the search index is built).
  std::string probe_service;
};

// Runs the load (or the probe) and prints a one-line JSON summary on stdout
// and a table on stderr. Returns the process exit code: 0 when every call
// returned OK, 1 when any did not (or nothing was measured), 2 when the
// options or the set-up calls failed.
int RunLoad(const LoadOptions& options);

}  // namespace healthcontent::bench

#endif  // HEALTHCONTENT_BENCH_LOAD_GENERATOR_H_
