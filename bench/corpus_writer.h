// healthcontent-corpus's work: a synthetic database of N articles x R
// revisions written through the same stores (and validation) the server
// uses, deterministic for a seed.
#ifndef HEALTHCONTENT_BENCH_CORPUS_WRITER_H_
#define HEALTHCONTENT_BENCH_CORPUS_WRITER_H_

#include <cstdint>
#include <string>

namespace healthcontent::bench {

struct CorpusOptions {
  // The database to create; it must not exist. Written as `db_path`.partial
  // and renamed when complete, so an interrupted run leaves no half corpus.
  std::string db_path;
  int64_t articles = 1000;
  int revisions = 5;
  uint64_t seed = 1;
  // Its therapy-types/*.json are loaded first (its articles are not).
  std::string data_dir = "data";
};

// Writes the corpus, reporting progress every 10,000 revisions on stderr and
// a one-line JSON summary (counts, sizes, time) on stdout. Returns the
// process exit code: 0, or 1 with the error on stderr.
int WriteCorpus(const CorpusOptions& options);

}  // namespace healthcontent::bench

#endif  // HEALTHCONTENT_BENCH_CORPUS_WRITER_H_
