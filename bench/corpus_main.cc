// healthcontent-corpus: flags only; the work is in corpus_writer.cc.
#include <cstdint>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "corpus_writer.h"

ABSL_FLAG(std::string, db, "", "the SQLite database to create (must not exist)");
ABSL_FLAG(int64_t, articles, 1000, "how many articles");
ABSL_FLAG(int, revisions, 5, "revisions per article, in review-date order");
ABSL_FLAG(uint64_t, seed, 1, "seed of the content, dates and references (same seed, same corpus)");
ABSL_FLAG(std::string, data_dir, "data", "data directory whose therapy-types/*.json are loaded");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Writes a synthetic health-content database of N articles x R revisions.\n"
      "Example: healthcontent-corpus --db=bench/work/corpus.db --articles=100000 "
      "--revisions=5 --seed=1");
  absl::ParseCommandLine(argc, argv);
  healthcontent::bench::CorpusOptions options;
  options.db_path = absl::GetFlag(FLAGS_db);
  options.articles = absl::GetFlag(FLAGS_articles);
  options.revisions = absl::GetFlag(FLAGS_revisions);
  options.seed = absl::GetFlag(FLAGS_seed);
  options.data_dir = absl::GetFlag(FLAGS_data_dir);
  return healthcontent::bench::WriteCorpus(options);
}
