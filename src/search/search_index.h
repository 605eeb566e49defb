// The full-text index of the live articles, on Xapian (Debian's
// libxapian-dev 1.4): BM25 ranking with top-k early termination, Snowball
// stemming per article language, spelling suggestions from the indexed
// text, snippets and facet counts.
//
// It is derived data: storage (SQLite) is the source of truth. The index
// holds one document per live article, its revision in force, with the
// article id as the Xapian document id, and records the change sequence it
// has applied (IndexFollower keeps it in step). Callers must dispose of
// every candidate it proposes by checking it against the database
// (ArticleSearch does): the index may lag a commit by a moment.
//
// Thread safety: Search may be called from any number of threads (each call
// leases its own reader); Apply from one thread at a time.
#ifndef HEALTHCONTENT_SEARCH_SEARCH_INDEX_H_
#define HEALTHCONTENT_SEARCH_SEARCH_INDEX_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"

namespace Xapian {
class Database;
class WritableDatabase;
}  // namespace Xapian

namespace healthcontent::search {

// One live article as the index holds it.
struct IndexDocument {
  int64_t article_id = 0;        // > 0; the Xapian document id
  std::string review_date;       // YYYY-MM-DD of the revision indexed
  std::string next_review_date;  // YYYY-MM-DD, for the review status facet
  std::string language_code;     // BCP-47; its primary subtag picks the stemmer
  std::string title;
  std::vector<std::string> also_called;  // other names, indexed as the title is
  std::string summary;
  std::string body;                             // the sections as plain text
  std::vector<std::string> therapy_types;       // slugs, for the facet
  std::vector<std::string> therapy_type_names;  // display names and aliases, indexed as text
};

// Put `document` in the index (replacing what it held for the article), or
// remove the article when `document` is empty.
struct IndexUpdate {
  int64_t article_id = 0;
  std::optional<IndexDocument> document;
};

// Query limits, checked by ValidateQuery before the engine sees the text.
inline constexpr size_t kMaxQueryBytes = 500;
inline constexpr int kMaxQueryTerms = 32;

// InvalidArgument on field "query" for text that is empty, longer than
// kMaxQueryBytes, not UTF-8, holds control characters (NUL included), has
// more than kMaxQueryTerms words, or has no word at all (only operators).
absl::Status ValidateQuery(const std::string& text);

class SearchIndex {
 public:
  // Opens the index in `directory`, creating it when absent. DataLoss when
  // it exists but cannot be read (corrupt, or another format version): the
  // caller rebuilds it with Create. FailedPrecondition when another process
  // holds its write lock.
  static absl::StatusOr<std::unique_ptr<SearchIndex>> Open(const std::string& directory);
  // Removes whatever is in `directory` and creates an empty index there.
  static absl::StatusOr<std::unique_ptr<SearchIndex>> Create(const std::string& directory);

  ~SearchIndex();
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

  const std::string& directory() const { return directory_; }

  // The change sequence recorded by the last committed Apply; 0 for a new
  // index. Read from memory: never touches the disk, never fails.
  int64_t applied_sequence() const;
  // Documents held as of the last committed Apply.
  uint64_t document_count() const;

  // Applies `updates` and records `sequence`, then commits: when this
  // returns OK both are on disk (Xapian fsyncs its commit). On failure
  // (a full disk, say) nothing of the batch is kept and the writer is
  // reopened at its last commit, at once or on the next Apply; until that
  // succeeds Apply keeps failing with Unavailable. One caller at a time.
  absl::Status Apply(absl::Span<const IndexUpdate> updates, int64_t sequence);

  struct Query {
    std::string text;           // must pass ValidateQuery
    std::string language_code;  // "" searches every language, each with its own stemmer
    int offset = 0;             // candidates to skip (of those `allowed` admits)
    int limit = 20;             // candidates to return
    // When set, only these article ids are candidates (a filter's result).
    const absl::flat_hash_set<int64_t>* allowed = nullptr;
    bool facets = false;
    absl::CivilDay today;  // for the review status facet
    int due_soon_days = 90;
  };
  struct Candidate {
    int64_t article_id = 0;
    std::string review_date;  // the revision the index holds
    double score = 0;         // BM25, higher is better
  };
  struct FacetCount {
    std::string value;
    int64_t count = 0;
  };
  class Result;
  // Best candidates first (ties by article id). InvalidArgument on "query"
  // for text the parser rejects, with no engine syntax in the message.
  absl::StatusOr<Result> Search(const Query& query) const;

  // A correction of `text` from the index's own vocabulary (edit distance
  // up to 2, most frequent word first), or "" when every word is known.
  absl::StatusOr<std::string> SuggestSpelling(const std::string& text) const;

 private:
  class ReaderLease;
  explicit SearchIndex(std::string directory, std::unique_ptr<Xapian::WritableDatabase> writer);
  std::unique_ptr<Xapian::Database> AcquireReader() const;
  void ReleaseReader(std::unique_ptr<Xapian::Database> reader) const;
  // Reads the sequence and document count of the writer's last commit.
  void LoadCommittedLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu_);
  // Closes the writer and opens it again at its last commit; on failure
  // leaves it null.
  absl::Status ReopenWriterLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu_);

  const std::string directory_;
  mutable absl::Mutex writer_mu_;
  // Null after a failed write whose reopening failed too.
  std::unique_ptr<Xapian::WritableDatabase> writer_ ABSL_GUARDED_BY(writer_mu_);
  // The last commit's sequence and document count.
  int64_t applied_sequence_ ABSL_GUARDED_BY(writer_mu_) = 0;
  uint64_t document_count_ ABSL_GUARDED_BY(writer_mu_) = 0;
  mutable absl::Mutex readers_mu_;
  mutable std::vector<std::unique_ptr<Xapian::Database>> readers_ ABSL_GUARDED_BY(readers_mu_);
};

// The candidates of one search, holding what their snippets need.
class SearchIndex::Result {
 public:
  Result(Result&&) noexcept;
  Result& operator=(Result&&) noexcept;
  ~Result();

  const std::vector<Candidate>& candidates() const { return candidates_; }
  // The change sequence recorded by the index revision the search ran on:
  // the same sequence means the same index, so the same ranking.
  int64_t index_sequence() const { return index_sequence_; }
  // True when more candidates follow the last one returned.
  bool has_more() const { return has_more_; }
  // Matching articles in the index: exact when matches_exact().
  uint64_t estimated_matches() const { return estimated_matches_; }
  bool matches_exact() const { return matches_exact_; }
  // True when no article had every word of the query, and the candidates
  // are the articles with any of them, those with more and rarer ones first.
  bool relaxed() const { return relaxed_; }
  // Facet counts (Query::facets), largest first: therapy type slugs, and
  // review statuses CURRENT, DUE_SOON and OVERDUE. Exact when
  // facets_exact(); otherwise scaled from the first kFacetSample matches.
  const std::vector<FacetCount>& therapy_type_counts() const { return therapy_type_counts_; }
  const std::vector<FacetCount>& review_status_counts() const { return review_status_counts_; }
  bool facets_exact() const { return facets_exact_; }

  // An extract of `text` (about `length` bytes) around the query's
  // matches, each wrapped in [ and ], "..." where text is left out; plain
  // text, not escaped. `language_code` is the text's. Taken from the first
  // kSnippetHeadBytes when a match is there (the usual case, and much
  // cheaper than weighing every passage of a long body), else from all of
  // `text`.
  std::string Snippet(const std::string& text, const std::string& language_code,
                      size_t length = 160) const;

 private:
  friend class SearchIndex;
  struct State;
  Result();
  std::unique_ptr<State> state_;
  std::vector<Candidate> candidates_;
  int64_t index_sequence_ = 0;
  bool has_more_ = false;
  bool relaxed_ = false;
  uint64_t estimated_matches_ = 0;
  bool matches_exact_ = false;
  std::vector<FacetCount> therapy_type_counts_;
  std::vector<FacetCount> review_status_counts_;
  bool facets_exact_ = false;
};

// Where Result::Snippet looks first for a passage that matches.
inline constexpr size_t kSnippetHeadBytes = 1200;

// Matches examined for facet counts; more matches than this give scaled,
// approximate counts.
inline constexpr int kFacetSample = 5000;

// Turns the HTML-escaped text Xapian's snippets return into plain text:
// &amp; &lt; &gt; &quot; &#39; back to their characters, in one pass.
std::string UnescapeSnippet(const std::string& escaped);

}  // namespace healthcontent::search

#endif  // HEALTHCONTENT_SEARCH_SEARCH_INDEX_H_
