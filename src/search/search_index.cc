#include "search/search_index.h"

#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/date.h"
#include "common/field_errors.h"
#include "common/status_macros.h"
#include "common/utf8.h"

namespace healthcontent::search {
namespace {

// Value slots of a document.
constexpr Xapian::valueno kSlotReviewDate = 0;
constexpr Xapian::valueno kSlotNextReviewDate = 1;
constexpr Xapian::valueno kSlotTherapyTypes = 2;  // slugs joined by '\n'
constexpr Xapian::valueno kSlotLanguage = 3;

// Boolean term prefix of a document's language (its primary subtag).
constexpr char kLanguagePrefix[] = "L";
// Term prefix of the title's words, indexed a second time: a word found
// there is rare across the index, so BM25 weighs it high. That is the
// title's boost, since the ranking does not normalise by length (Ranking).
constexpr char kTitlePrefix[] = "S";
// Term prefix of a pair of adjacent words: "P" + first + " " + second, each
// word the positional term the text holds ("cancer", or "Scancer" in the
// title's copy). Checking positions of every article holding both words
// of a phrase made a phrase the slowest query (p50 10 ms on the 100k
// corpus); one pair term answers a two-word phrase like a single word.
constexpr char kPairPrefix[] = "P";
constexpr char kSequenceKey[] = "healthcontent.applied_sequence";
constexpr char kFormatKey[] = "healthcontent.format";
// Bump when what a document holds changes: an index of another format is
// rebuilt at start. 2: 64 KB blocks. 3: title terms (kTitlePrefix).
// 4: adjacent word pairs (kPairPrefix). 5: "also called" names.
constexpr char kFormat[] = "5";
// Bytes per block of a new index (Xapian's largest). A common word's
// posting list spans many blocks, each read with its own pread: with
// Xapian's default of 8 KB, those system calls were a fifth of a search.
constexpr int kBlockSize = 65536;

// Within-document frequency increments: a word in the title counts four
// times a word in the body, one in the summary or a therapy type's names
// twice.
constexpr int kTitleWeight = 4;
constexpr int kSummaryWeight = 2;
constexpr int kTherapyNameWeight = 2;

// BM25 with Xapian's default parameters except b = 0: no normalisation by
// document length. Matching then reads no document lengths, which were
// about as much data as a common word's postings: a one-word search on the
// 100k corpus took 2.7 ms at p50 instead of 4.1 (healthcontent-load, one
// caller), and the judged
// relevance set (tests/api/search_relevance_test.cc) kept its precision@3
// of 0.95. Field weights (kTitleWeight...) do the work length normalisation
// would: a word in the title outweighs a long body's repetitions.
Xapian::BM25Weight Ranking() {
  return Xapian::BM25Weight(/*k1=*/1, /*k2=*/0, /*k3=*/1, /*b=*/0, /*min_normlen=*/0.5);
}

// Words too common to narrow a query ("register with a doctor" must not
// require "with" and "a"). Dropped from queries except inside phrases; the
// index keeps them, so phrases that hold them still match. English and
// Spanish function words, applied to every language's queries.
const Xapian::SimpleStopper& QueryStopper() {
  static const auto* const kStopper = [] {
    static constexpr const char* kWords[] = {
        // English
        "a", "about", "after", "all", "am", "an", "and", "any", "are", "as", "at", "be", "been",
        "before", "being", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had",
        "has", "have", "he", "her", "his", "how", "i", "if", "in", "into", "is", "it", "its", "me",
        "my", "no", "not", "of", "on", "or", "our", "she", "should", "so", "than", "that", "the",
        "their", "them", "then", "there", "these", "they", "this", "those", "to", "too", "very",
        "was", "we", "were", "what", "when", "where", "which", "while", "who", "why", "will",
        "with", "would", "you", "your",
        // Spanish
        "al", "como", "con", "de", "del", "el", "en", "es", "la", "las", "lo", "los", "mi", "o",
        "para", "por", "que", "se", "si", "su", "sus", "un", "una", "unos", "unas", "y"};
    auto* stopper = new Xapian::SimpleStopper();
    for (const char* word : kWords) stopper->add(word);
    return stopper;
  }();
  return *kStopper;
}

std::string PrimaryLanguage(absl::string_view language_code) {
  return absl::AsciiStrToLower(language_code.substr(0, language_code.find('-')));
}

// A Snowball stemmer that remembers the words it has stemmed. Snippets stem
// every word of the text they look at, and the same words come back in
// every article: the cache turns most of that work into a lookup. Not
// thread-safe (neither is the reference count of the Xapian::Stem that owns
// it): StemmerFor keeps one per thread.
class CachedStem : public Xapian::StemImplementation {
 public:
  explicit CachedStem(Xapian::Stem stem) : stem_(std::move(stem)) {}

  std::string operator()(const std::string& word) override {
    if (auto it = cache_.find(word); it != cache_.end()) return it->second;
    if (cache_.size() >= kMaxWords) cache_.clear();
    std::string stemmed = stem_(word);
    cache_.emplace(word, stemmed);
    return stemmed;
  }
  std::string get_description() const override { return stem_.get_description(); }

 private:
  static constexpr size_t kMaxWords = 1 << 16;
  Xapian::Stem stem_;
  absl::flat_hash_map<std::string, std::string> cache_;
};

// The Snowball stemmer of a language ("en", "es", ...), or none; this
// thread's own, with its cache. Use the result on this thread only.
Xapian::Stem StemmerFor(const std::string& primary_language) {
  if (primary_language.empty()) return Xapian::Stem();
  thread_local absl::flat_hash_map<std::string, Xapian::Stem> stemmers;
  if (auto it = stemmers.find(primary_language); it != stemmers.end()) return it->second;
  Xapian::Stem stem;
  try {
    stem = Xapian::Stem(new CachedStem(Xapian::Stem(primary_language)));
  } catch (const Xapian::InvalidArgumentError&) {
    // Not a language Snowball knows: no stemming.
  }
  if (stemmers.size() < 64) stemmers.emplace(primary_language, stem);
  return stem;
}

absl::Status XapianError(absl::string_view what, const Xapian::Error& e) {
  return absl::InternalError(absl::StrCat(what, ": ", e.get_type(), ": ", e.get_msg()));
}

// The words of a query as the engine sees them, for the limits: runs of
// letters and digits (any non-ASCII byte counts as a letter).
std::vector<absl::string_view> QueryWords(absl::string_view text) {
  std::vector<absl::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    auto is_word = [](char c) {
      return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
             static_cast<unsigned char>(c) >= 0x80;
    };
    if (!is_word(text[i])) {
      ++i;
      continue;
    }
    size_t start = i;
    while (i < text.size() && is_word(text[i])) ++i;
    words.push_back(text.substr(start, i - start));
  }
  return words;
}

bool IsOperatorWord(absl::string_view word) {
  return word == "AND" || word == "OR" || word == "NOT" || word == "XOR" || word == "NEAR" ||
         word == "ADJ";
}

// Counts facets over the matches the matcher examines.
class FacetSpy : public Xapian::MatchSpy {
 public:
  FacetSpy(absl::CivilDay today, int due_soon_days)
      : today_(FormatIsoDate(today)), due_soon_limit_(FormatIsoDate(today + due_soon_days)) {}

  void operator()(const Xapian::Document& doc, double) override {
    ++seen_;
    const std::string types = doc.get_value(kSlotTherapyTypes);
    if (!types.empty()) {
      for (absl::string_view slug : absl::StrSplit(types, '\n')) ++therapy_types_[slug];
    }
    // The rule of Article.review_status: OVERDUE once the next review date
    // has passed, DUE_SOON within the window, else CURRENT.
    const std::string next = doc.get_value(kSlotNextReviewDate);
    if (next < today_) {
      ++overdue_;
    } else if (next <= due_soon_limit_) {
      ++due_soon_;
    } else {
      ++current_;
    }
  }

  int64_t seen() const { return seen_; }
  const absl::flat_hash_map<std::string, int64_t>& therapy_types() const { return therapy_types_; }
  int64_t current() const { return current_; }
  int64_t due_soon() const { return due_soon_; }
  int64_t overdue() const { return overdue_; }

 private:
  const std::string today_;
  const std::string due_soon_limit_;
  int64_t seen_ = 0;
  absl::flat_hash_map<std::string, int64_t> therapy_types_;
  int64_t current_ = 0;
  int64_t due_soon_ = 0;
  int64_t overdue_ = 0;
};

class AllowedIds : public Xapian::MatchDecider {
 public:
  explicit AllowedIds(const absl::flat_hash_set<int64_t>* allowed) : allowed_(allowed) {}
  bool operator()(const Xapian::Document& doc) const override {
    return allowed_->contains(static_cast<int64_t>(doc.get_docid()));
  }

 private:
  const absl::flat_hash_set<int64_t>* allowed_;
};

std::string PairTerm(const std::string& first, const std::string& second) {
  return absl::StrCat(kPairPrefix, first, " ", second);
}

// Adds to `doc` a pair term (kPairPrefix) for every two positional terms at
// adjacent positions: the words of a field in order, never across fields
// (TermGenerator::increase_termpos leaves a gap between them). Stemmed
// terms have no positions and make no pairs, as they make no phrases.
void AddPairTerms(Xapian::Document& doc) {
  std::vector<std::pair<Xapian::termpos, std::string>> words;
  for (auto term = doc.termlist_begin(); term != doc.termlist_end(); ++term) {
    for (auto pos = term.positionlist_begin(); pos != term.positionlist_end(); ++pos) {
      words.emplace_back(*pos, *term);
    }
  }
  std::sort(words.begin(), words.end());
  for (size_t i = 1; i < words.size(); ++i) {
    if (words[i].first == words[i - 1].first + 1) {
      doc.add_term(PairTerm(words[i - 1].second, words[i].second));
    }
  }
}

// The words of `phrase` when it is an exact phrase of plain terms, the
// parser's "quoted words" or "hyphen-joined" (its window is always the
// number of words); else nothing.
std::optional<std::vector<std::string>> PhraseWords(const Xapian::Query& phrase) {
  if (phrase.get_type() != Xapian::Query::OP_PHRASE || phrase.get_num_subqueries() < 2) {
    return std::nullopt;
  }
  std::vector<std::string> words;
  for (size_t i = 0; i < phrase.get_num_subqueries(); ++i) {
    const Xapian::Query word = phrase.get_subquery(i);
    if (word.get_type() != Xapian::Query::LEAF_TERM) return std::nullopt;
    words.push_back(*word.get_terms_begin());
  }
  return words;
}

// True when `query` holds an exact phrase of plain terms (PhraseWords).
bool HasExactPhrase(const Xapian::Query& query) {
  if (PhraseWords(query).has_value()) return true;
  for (size_t i = 0; i < query.get_num_subqueries(); ++i) {
    if (HasExactPhrase(query.get_subquery(i))) return true;
  }
  return false;
}

// `query` rewritten so that the matcher can skip what cannot reach the page:
// - each OP_SYNONYM of wildcards (the parser's "word*", over the text's
//   terms and the title's) becomes an OP_OR. A synonym scores the union of
//   every expansion as one term, with no top-k pruning: a prefix of common
//   words scored most of the index. An OR weighs each term on its own.
// - each exact phrase of plain terms becomes its pair terms (AddPairTerms):
//   a two-word phrase is exactly its pair; a longer one needs all of its
//   pairs and keeps the positional phrase as a filter over the few articles
//   that have them, so it still means those words in that order.
// Descends only through operators without parameters; anything else is
// kept as it is.
Xapian::Query Prunable(const Xapian::Query& query) {
  const Xapian::Query::op op = query.get_type();
  if (std::optional<std::vector<std::string>> words = PhraseWords(query)) {
    std::vector<Xapian::Query> pairs;
    for (size_t i = 1; i < words->size(); ++i) {
      pairs.emplace_back(PairTerm((*words)[i - 1], (*words)[i]));
    }
    if (pairs.size() == 1) return pairs.front();
    return Xapian::Query(Xapian::Query::OP_FILTER,
                         Xapian::Query(Xapian::Query::OP_AND, pairs.begin(), pairs.end()), query);
  }
  const size_t n = query.get_num_subqueries();
  if (n == 0) return query;
  std::vector<Xapian::Query> children;
  bool all_wildcards = true;
  for (size_t i = 0; i < n; ++i) {
    children.push_back(Prunable(query.get_subquery(i)));
    all_wildcards = all_wildcards && children.back().get_type() == Xapian::Query::OP_WILDCARD;
  }
  switch (op) {
    case Xapian::Query::OP_SYNONYM:
      if (!all_wildcards) return query;
      return Xapian::Query(Xapian::Query::OP_OR, children.begin(), children.end());
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_FILTER:
      return Xapian::Query(op, children.begin(), children.end());
    default:
      return query;
  }
}

// The primary languages of the indexed documents ("en", "es"), from their
// language terms.
std::vector<std::string> IndexedLanguages(const Xapian::Database& reader) {
  std::vector<std::string> languages;
  for (auto it = reader.allterms_begin(kLanguagePrefix); it != reader.allterms_end(kLanguagePrefix);
       ++it) {
    languages.push_back((*it).substr(1));
  }
  return languages;
}

// `query` limited to the documents in `language`, as cheaply as the index
// allows: unchanged when every document is in it (a filter would walk a
// posting list as long as the index for nothing), filtered by its language
// term when that is the smaller side, else with the other languages'
// documents taken out. `indexed` is IndexedLanguages(reader).
Xapian::Query InLanguage(const Xapian::Database& reader, Xapian::Query query,
                         const std::string& language, const std::vector<std::string>& indexed) {
  const std::string term = absl::StrCat(kLanguagePrefix, language);
  const Xapian::doccount in_language = reader.get_termfreq(term);
  const Xapian::doccount all = reader.get_doccount();
  if (in_language == all) return query;
  if (in_language <= all / 2) {
    return Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(term));
  }
  std::vector<Xapian::Query> others;
  for (const std::string& other : indexed) {
    if (other != language) others.emplace_back(absl::StrCat(kLanguagePrefix, other));
  }
  return Xapian::Query(Xapian::Query::OP_AND_NOT, query,
                       Xapian::Query(Xapian::Query::OP_OR, others.begin(), others.end()));
}

std::vector<SearchIndex::FacetCount> SortedCounts(std::vector<SearchIndex::FacetCount> counts) {
  std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  });
  return counts;
}

}  // namespace

absl::Status ValidateQuery(const std::string& text) {
  if (text.size() > kMaxQueryBytes) {
    return InvalidFieldError(
        "query", absl::StrCat("is ", text.size(), " bytes; the limit is ", kMaxQueryBytes));
  }
  if (!IsValidUtf8(text)) return InvalidFieldError("query", "is not valid UTF-8");
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
      return InvalidFieldError("query", "must not contain control characters (such as NUL)");
    }
  }
  std::vector<absl::string_view> words = QueryWords(text);
  if (words.empty()) {
    return InvalidFieldError("query", "is required: the words to search for");
  }
  if (std::all_of(words.begin(), words.end(), IsOperatorWord)) {
    return InvalidFieldError("query", "has only operators (AND, OR, NOT...); add words to find");
  }
  if (static_cast<int>(words.size()) > kMaxQueryTerms) {
    return InvalidFieldError(
        "query", absl::StrCat("has ", words.size(), " words; the limit is ", kMaxQueryTerms));
  }
  return absl::OkStatus();
}

std::string UnescapeSnippet(const std::string& escaped) {
  static constexpr std::pair<absl::string_view, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
  std::string out;
  out.reserve(escaped.size());
  absl::string_view rest = escaped;
  while (!rest.empty()) {
    bool replaced = false;
    if (rest.front() == '&') {
      for (const auto& [entity, c] : kEntities) {
        if (absl::StartsWith(rest, entity)) {
          out.push_back(c);
          rest.remove_prefix(entity.size());
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) {
      out.push_back(rest.front());
      rest.remove_prefix(1);
    }
  }
  return out;
}

// What a Result keeps for its snippets: the reader the search ran on (given
// back to the index's pool at the end) and the match set.
struct SearchIndex::Result::State {
  const SearchIndex* index = nullptr;
  std::unique_ptr<Xapian::Database> reader;
  std::unique_ptr<Xapian::Enquire> enquire;
  Xapian::MSet mset;
  // For snippets of a query with a phrase (see Search); else unset.
  std::unique_ptr<Xapian::Enquire> snippet_enquire;
  Xapian::MSet snippet_mset;

  ~State() {
    snippet_mset = Xapian::MSet();
    snippet_enquire.reset();
    mset = Xapian::MSet();
    enquire.reset();
    if (index != nullptr && reader != nullptr) index->ReleaseReader(std::move(reader));
  }
};

SearchIndex::Result::Result() = default;
SearchIndex::Result::Result(Result&&) noexcept = default;
SearchIndex::Result& SearchIndex::Result::operator=(Result&&) noexcept = default;
SearchIndex::Result::~Result() = default;

std::string SearchIndex::Result::Snippet(const std::string& text, const std::string& language_code,
                                         size_t length) const {
  if (state_ == nullptr || text.empty()) return "";
  const Xapian::Stem stemmer = StemmerFor(PrimaryLanguage(language_code));
  auto snippet = [&](const std::string& from) {
    const Xapian::MSet& marks =
        state_->snippet_enquire != nullptr ? state_->snippet_mset : state_->mset;
    return UnescapeSnippet(marks.snippet(from, length, stemmer, 0, "[", "]", "..."));
  };
  try {
    // Stemming every word of a long body is most of a snippet's cost, and
    // the query's words are usually near the start: look there first.
    if (text.size() > kSnippetHeadBytes) {
      size_t cut = text.rfind(' ', kSnippetHeadBytes);
      if (cut == std::string::npos || cut == 0) cut = Utf8CharBoundary(text, kSnippetHeadBytes);
      std::string head = snippet(text.substr(0, cut));
      if (head.find('[') != std::string::npos) {
        // The text goes on past the head.
        if (!absl::EndsWith(head, "...")) head += "...";
        return head;
      }
    }
    return snippet(text);
  } catch (const Xapian::Error&) {
    return "";  // a snippet is a courtesy; the hit stands without one
  }
}

SearchIndex::SearchIndex(std::string directory, std::unique_ptr<Xapian::WritableDatabase> writer)
    : directory_(std::move(directory)), writer_(std::move(writer)) {
  absl::MutexLock lock(&writer_mu_);
  LoadCommittedLocked();
}

void SearchIndex::LoadCommittedLocked() {
  if (!absl::SimpleAtoi(writer_->get_metadata(kSequenceKey), &applied_sequence_)) {
    applied_sequence_ = 0;
  }
  document_count_ = writer_->get_doccount();
}

absl::Status SearchIndex::ReopenWriterLocked() {
  if (writer_ != nullptr) {
    try {
      writer_->close();
    } catch (const Xapian::Error&) {
    }
    writer_.reset();
  }
  try {
    auto writer = std::make_unique<Xapian::WritableDatabase>(directory_, Xapian::DB_OPEN);
    writer_ = std::move(writer);
    LoadCommittedLocked();
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    writer_.reset();
    return absl::UnavailableError(absl::StrCat("search index ", directory_,
                                               " cannot be reopened for writing: ", e.get_type(),
                                               ": ", e.get_msg()));
  }
}

SearchIndex::~SearchIndex() {
  absl::MutexLock lock(&writer_mu_);
  if (writer_ != nullptr) {
    try {
      writer_->close();
    } catch (const Xapian::Error&) {
    }
  }
}

absl::StatusOr<std::unique_ptr<SearchIndex>> SearchIndex::Open(const std::string& directory) {
  try {
    auto writer = std::make_unique<Xapian::WritableDatabase>(directory, Xapian::DB_CREATE_OR_OPEN,
                                                             kBlockSize);
    const std::string format = writer->get_metadata(kFormatKey);
    if (writer->get_doccount() == 0 && format.empty()) {
      writer->set_metadata(kFormatKey, kFormat);
      writer->commit();
    } else if (format != kFormat) {
      return absl::DataLossError(absl::StrCat("search index ", directory, " has format '", format,
                                              "'; this build writes format ", kFormat));
    }
    return std::unique_ptr<SearchIndex>(new SearchIndex(directory, std::move(writer)));
  } catch (const Xapian::DatabaseLockError& e) {
    return absl::FailedPreconditionError(absl::StrCat(
        "search index ", directory, " is locked by another process (", e.get_msg(), ")"));
  } catch (const Xapian::DatabaseError& e) {
    // Corrupt, half written, or of a format this Xapian cannot read.
    return absl::DataLossError(absl::StrCat(
        "search index ", directory, " cannot be opened: ", e.get_type(), ": ", e.get_msg()));
  } catch (const Xapian::Error& e) {
    return XapianError(absl::StrCat("opening search index ", directory), e);
  }
}

absl::StatusOr<std::unique_ptr<SearchIndex>> SearchIndex::Create(const std::string& directory) {
  std::error_code error;
  std::filesystem::remove_all(directory, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot remove old search index ", directory, ": ", error.message()));
  }
  return Open(directory);
}

int64_t SearchIndex::applied_sequence() const {
  absl::MutexLock lock(&writer_mu_);
  return applied_sequence_;
}

uint64_t SearchIndex::document_count() const {
  absl::MutexLock lock(&writer_mu_);
  return document_count_;
}

absl::Status SearchIndex::Apply(absl::Span<const IndexUpdate> updates, int64_t sequence) {
  absl::MutexLock lock(&writer_mu_);
  if (writer_ == nullptr) RETURN_IF_ERROR(ReopenWriterLocked());
  try {
    Xapian::TermGenerator generator;
    generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    // Every indexed word feeds the spelling dictionary ("did you mean").
    generator.set_database(*writer_);
    generator.set_flags(Xapian::TermGenerator::FLAG_SPELLING);
    // All of the batch and its sequence commit together, or none of it.
    writer_->begin_transaction(/*flushed=*/true);
    for (const IndexUpdate& update : updates) {
      if (update.article_id <= 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("search index update with article id ", update.article_id));
      }
      const auto docid = static_cast<Xapian::docid>(update.article_id);
      if (!update.document.has_value()) {
        try {
          writer_->delete_document(docid);
        } catch (const Xapian::DocNotFoundError&) {
          // Never indexed, or removed already: nothing to do.
        }
        continue;
      }
      const IndexDocument& in = *update.document;
      const std::string language = PrimaryLanguage(in.language_code);
      Xapian::Document doc;
      generator.set_document(doc);
      generator.set_stemmer(StemmerFor(language));
      generator.index_text(in.title, kTitleWeight);
      generator.increase_termpos();
      generator.index_text(in.title, 1, kTitlePrefix);
      for (const std::string& name : in.also_called) {
        generator.increase_termpos();
        generator.index_text(name, kTitleWeight);
        generator.increase_termpos();
        generator.index_text(name, 1, kTitlePrefix);
      }
      generator.increase_termpos();
      generator.index_text(in.summary, kSummaryWeight);
      for (const std::string& name : in.therapy_type_names) {
        generator.increase_termpos();
        generator.index_text(name, kTherapyNameWeight);
      }
      generator.increase_termpos();
      generator.index_text(in.body);
      AddPairTerms(doc);
      doc.add_boolean_term(absl::StrCat(kLanguagePrefix, language));
      doc.add_value(kSlotReviewDate, in.review_date);
      doc.add_value(kSlotNextReviewDate, in.next_review_date);
      doc.add_value(kSlotTherapyTypes, absl::StrJoin(in.therapy_types, "\n"));
      doc.add_value(kSlotLanguage, in.language_code);
      writer_->replace_document(docid, doc);
    }
    writer_->set_metadata(kSequenceKey, absl::StrCat(sequence));
    writer_->commit_transaction();
    applied_sequence_ = sequence;
    document_count_ = writer_->get_doccount();
    return absl::OkStatus();
  } catch (const Xapian::Error& e) {
    // Drop what this batch changed: the index stays at its last commit. A
    // failed commit may leave the writer closed (Xapian closes it when it
    // cannot go back to the old revision): reopen it now, or next time.
    try {
      writer_->cancel_transaction();
    } catch (const Xapian::Error&) {
    }
    absl::Status reopened = ReopenWriterLocked();
    absl::Status failed = XapianError(absl::StrCat("updating search index ", directory_), e);
    if (!reopened.ok()) {
      return absl::UnavailableError(absl::StrCat(failed.message(), "; ", reopened.message()));
    }
    return failed;
  }
}

std::unique_ptr<Xapian::Database> SearchIndex::AcquireReader() const {
  {
    absl::MutexLock lock(&readers_mu_);
    if (!readers_.empty()) {
      std::unique_ptr<Xapian::Database> reader = std::move(readers_.back());
      readers_.pop_back();
      return reader;
    }
  }
  return std::make_unique<Xapian::Database>(directory_);
}

void SearchIndex::ReleaseReader(std::unique_ptr<Xapian::Database> reader) const {
  absl::MutexLock lock(&readers_mu_);
  readers_.push_back(std::move(reader));
}

absl::StatusOr<SearchIndex::Result> SearchIndex::Search(const Query& query) const {
  if (query.offset < 0 || query.limit <= 0) {
    return absl::InvalidArgumentError("search offset must be >= 0 and limit > 0");
  }
  Result result;
  result.state_ = std::make_unique<Result::State>();
  Result::State& state = *result.state_;
  // A reader sees the revision it last opened; a writer that commits twice
  // meanwhile makes it throw DatabaseModifiedError: reopen and run again.
  constexpr int kAttempts = 16;
  bool relaxed = false;
  for (int attempt = 1;; ++attempt) {
    try {
      if (state.reader == nullptr) {
        state.reader = AcquireReader();
        state.index = this;
      }
      state.reader->reopen();
      if (!absl::SimpleAtoi(state.reader->get_metadata(kSequenceKey), &result.index_sequence_)) {
        result.index_sequence_ = 0;
      }
      Xapian::QueryParser parser;
      parser.set_database(*state.reader);
      parser.set_stopper(&QueryStopper());
      parser.set_default_op(relaxed ? Xapian::Query::OP_OR : Xapian::Query::OP_AND);
      parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
      parser.set_max_expansion(100, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
      // A word matches the text and, for the boost, the title's own terms.
      parser.add_prefix("", "");
      parser.add_prefix("", kTitlePrefix);
      const unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                             Xapian::QueryParser::FLAG_LOVEHATE |
                             Xapian::QueryParser::FLAG_WILDCARD;
      // Each language's documents are matched with that language's stems.
      std::vector<std::string> indexed = IndexedLanguages(*state.reader);
      std::vector<std::string> languages = indexed;
      if (!query.language_code.empty()) languages = {PrimaryLanguage(query.language_code)};
      std::vector<Xapian::Query> branches;
      std::vector<Xapian::Query> as_parsed;  // for the snippets
      for (const std::string& language : languages) {
        parser.set_stemmer(StemmerFor(language));
        Xapian::Query parsed;
        try {
          parsed = parser.parse_query(query.text, flags);
        } catch (const Xapian::QueryParserError&) {
          // Read it again as plain words, operators and quotes ignored.
          parsed = parser.parse_query(query.text, 0);
        }
        if (parsed.empty()) continue;
        branches.push_back(InLanguage(*state.reader, Prunable(parsed), language, indexed));
        as_parsed.push_back(std::move(parsed));
      }
      Xapian::Query xquery(Xapian::Query::OP_OR, branches.begin(), branches.end());

      state.snippet_mset = Xapian::MSet();
      state.snippet_enquire.reset();
      state.enquire = std::make_unique<Xapian::Enquire>(*state.reader);
      state.enquire->set_query(xquery);
      state.enquire->set_docid_order(Xapian::Enquire::ASCENDING);
      state.enquire->set_weighting_scheme(Ranking());
      std::unique_ptr<FacetSpy> spy;
      if (query.facets) {
        spy = std::make_unique<FacetSpy>(query.today, query.due_soon_days);
        state.enquire->add_matchspy(spy.get());
      }
      std::unique_ptr<AllowedIds> decider;
      if (query.allowed != nullptr) decider = std::make_unique<AllowedIds>(query.allowed);
      state.mset = state.enquire->get_mset(static_cast<Xapian::doccount>(query.offset),
                                           static_cast<Xapian::doccount>(query.limit + 1),
                                           query.facets ? kFacetSample : 0, nullptr, decider.get());
      state.enquire->clear_matchspies();

      result.candidates_.clear();
      for (auto it = state.mset.begin(); it != state.mset.end(); ++it) {
        if (static_cast<int>(result.candidates_.size()) == query.limit) {
          result.has_more_ = true;
          break;
        }
        Candidate& candidate = result.candidates_.emplace_back();
        candidate.article_id = static_cast<int64_t>(*it);
        candidate.review_date = it.get_document().get_value(kSlotReviewDate);
        candidate.score = it.get_weight();
      }
      // No article has every word: rank those that have most of them.
      // (Decided the same way for every page of the query.)
      if (!relaxed && state.mset.get_matches_upper_bound() == 0 &&
          QueryWords(query.text).size() > 1) {
        relaxed = true;
        --attempt;  // not a retry
        continue;
      }
      result.relaxed_ = relaxed;
      result.estimated_matches_ = state.mset.get_matches_estimated();
      result.matches_exact_ =
          state.mset.get_matches_lower_bound() == state.mset.get_matches_upper_bound();
      if (spy != nullptr) {
        result.facets_exact_ = result.matches_exact_ &&
                               static_cast<uint64_t>(spy->seen()) == result.estimated_matches_;
        const double scale =
            result.facets_exact_ || spy->seen() == 0
                ? 1.0
                : static_cast<double>(result.estimated_matches_) / static_cast<double>(spy->seen());
        auto scaled = [scale](int64_t n) { return static_cast<int64_t>(std::llround(n * scale)); };
        std::vector<FacetCount> types;
        for (const auto& [slug, count] : spy->therapy_types()) {
          types.push_back({slug, scaled(count)});
        }
        result.therapy_type_counts_ = SortedCounts(std::move(types));
        std::vector<FacetCount> statuses;
        if (spy->current() > 0) statuses.push_back({"CURRENT", scaled(spy->current())});
        if (spy->due_soon() > 0) statuses.push_back({"DUE_SOON", scaled(spy->due_soon())});
        if (spy->overdue() > 0) statuses.push_back({"OVERDUE", scaled(spy->overdue())});
        result.review_status_counts_ = SortedCounts(std::move(statuses));
      }
      // MSet::snippet marks the words of its Enquire's query. Prunable made
      // each phrase a pair term, which matches no word of a text: snippets
      // of a query with a phrase come from an Enquire of the query as
      // parsed, with its term statistics and no match run (no items asked).
      if (std::any_of(as_parsed.begin(), as_parsed.end(), HasExactPhrase)) {
        state.snippet_enquire = std::make_unique<Xapian::Enquire>(*state.reader);
        state.snippet_enquire->set_query(
            Xapian::Query(Xapian::Query::OP_OR, as_parsed.begin(), as_parsed.end()));
        state.snippet_enquire->set_weighting_scheme(Ranking());
        state.snippet_mset = state.snippet_enquire->get_mset(0, 0);
      }
      return result;
    } catch (const Xapian::DatabaseModifiedError& e) {
      if (attempt == kAttempts) return XapianError("search index kept changing", e);
    } catch (const Xapian::Error& e) {
      return XapianError(absl::StrCat("searching index ", directory_), e);
    }
  }
}

absl::StatusOr<std::string> SearchIndex::SuggestSpelling(const std::string& text) const {
  std::unique_ptr<Xapian::Database> reader;
  try {
    reader = AcquireReader();
    reader->reopen();
    std::vector<std::string> corrected;
    bool changed = false;
    for (absl::string_view word : QueryWords(text)) {
      std::string lower = absl::AsciiStrToLower(word);
      std::string suggestion;
      // A prefix (word*) is not a misspelling.
      const size_t end = static_cast<size_t>(word.data() - text.data()) + word.size();
      const bool prefix = end < text.size() && text[end] == '*';
      if (!prefix && !IsOperatorWord(word) && reader->get_termfreq(lower) == 0) {
        suggestion = reader->get_spelling_suggestion(lower);
      }
      if (!suggestion.empty()) {
        corrected.push_back(suggestion);
        changed = true;
      } else {
        corrected.push_back(lower);
      }
    }
    ReleaseReader(std::move(reader));
    return changed ? absl::StrJoin(corrected, " ") : "";
  } catch (const Xapian::Error& e) {
    return XapianError(absl::StrCat("suggesting from index ", directory_), e);
  }
}

}  // namespace healthcontent::search
