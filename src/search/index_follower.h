// Keeps a SearchIndex in step with the database a server serves.
//
// A background thread reads the change feed after the index's applied
// sequence and re-indexes each article a change names (a therapy type
// change re-indexes the articles that carry it), from the database's live
// state: re-applying a change is harmless, so after a crash it simply
// catches up from the sequence the index recorded. The thread runs when
// woken (after a commit, or a replica's bundle swap) and every
// Options::poll_interval.
//
// The index is rebuilt from every live article when it is missing, cannot
// be opened, was written by another format, or is ahead of the database (a
// restored or different database). A rebuild writes a new generation
// (`<directory>/gen-N`) beside the old one and swaps when it is complete;
// until the first generation exists, index() is null and search is
// unavailable while every other read keeps working.
#ifndef HEALTHCONTENT_SEARCH_INDEX_FOLLOWER_H_
#define HEALTHCONTENT_SEARCH_INDEX_FOLLOWER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "search/search_index.h"
#include "storage/dataset.h"

namespace healthcontent::search {

class IndexFollower {
 public:
  struct Options {
    // Holds the index generations; created when absent.
    std::string directory;
    // Changes applied per index commit.
    int batch_size = 1000;
    // How often to look for changes when nobody calls Wake.
    absl::Duration poll_interval = absl::Seconds(1);
    // The thread starts a step no sooner than this after the last one
    // ended, so that the changes of a burst of commits share one index
    // commit (each costs fsyncs and CPU that readers on the same cores
    // lose). The index lags the database by up to this much more.
    absl::Duration min_step_interval = absl::ZeroDuration();
    // The follower thread's niceness (Linux schedules threads, so this is
    // the thread's own): above 0, reads on the same cores go first when the
    // CPU is short and the index lags, catching up when it frees. Search
    // stays correct at any lag (search/article_search.h). 0: as the process.
    int nice = 10;
    // Called (from the follower's thread, no lock held) when a newly built
    // index starts serving.
    std::function<void()> on_serving;
  };
  // The data to follow: the primary's one Dataset, or a replica's current
  // bundle. May return null (a replica with no bundle yet).
  using DataSource = std::function<std::shared_ptr<const storage::Dataset>()>;

  IndexFollower(Options options, DataSource source);
  ~IndexFollower();  // Shutdown()
  IndexFollower(const IndexFollower&) = delete;
  IndexFollower& operator=(const IndexFollower&) = delete;

  // Opens the newest index generation and starts the thread. Error when the
  // directory cannot be created or another process holds its index.
  absl::Status Start();
  // Asks the thread to look for changes now (cheap; call after each commit).
  void Wake();
  // Stops the thread; index() stays usable.
  void Shutdown();
  // Brings the index up to the data's newest change on the calling thread
  // (tests and tools; the thread does this by itself).
  absl::Status CatchUpNow();

  // The index to search, or null while the first one is being built.
  // Callers hold the pointer for the whole search.
  std::shared_ptr<const SearchIndex> index() const;

  struct Progress {
    bool serving = false;  // index() is not null
    bool rebuilding = false;
    int64_t applied_sequence = 0;
    int64_t data_sequence = 0;  // the followed data's newest change, last seen
    uint64_t documents = 0;
    int64_t rebuilt_documents = 0;  // of the rebuild under way
    int64_t rebuilds = 0;           // since start
    std::string last_error;         // of the last failed step, "" after a good one
  };
  Progress progress() const;

 private:
  struct Generation;
  void Run();
  absl::Status Step(const storage::Dataset& data);
  // Applies the changes after the index's sequence. OutOfRange when the
  // change log no longer holds them.
  absl::Status CatchUp(const storage::Dataset& data, SearchIndex& index);
  // Builds a new generation from every live article and serves it.
  absl::Status Rebuild(const storage::Dataset& data, absl::string_view why);
  absl::Status OpenNewest();
  void Serve(std::shared_ptr<SearchIndex> index);

  const Options options_;
  const DataSource source_;
  // Serializes Step (the thread's and CatchUpNow's).
  absl::Mutex step_mu_;
  mutable absl::Mutex mu_;
  std::shared_ptr<SearchIndex> index_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<Generation> generation_ ABSL_GUARDED_BY(mu_);
  Progress progress_ ABSL_GUARDED_BY(mu_);
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace healthcontent::search

#endif  // HEALTHCONTENT_SEARCH_INDEX_FOLLOWER_H_
