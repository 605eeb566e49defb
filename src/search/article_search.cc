#include "search/article_search.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "domain/article_rules.h"
#include "domain/article_wire.h"
#include "storage/search_source.h"

namespace healthcontent::search {
namespace {

// Rounds of asking the index for more candidates when the database refuses
// some (the index is behind): after these the page ends short, with a token.
constexpr int kMaxRounds = 4;

// The display names and aliases of an article's therapy types, one list.
std::string TherapyTypeNames(const v1::Article& article) {
  std::vector<std::string> names;
  for (const v1::TherapyType& type : article.therapy_types()) {
    names.push_back(type.display_name());
    for (const std::string& alias : type.aliases()) names.push_back(alias);
  }
  return absl::StrJoin(names, "; ");
}

}  // namespace

absl::StatusOr<SearchOutcome> SearchArticles(const SearchIndex& index, const storage::Dataset& data,
                                             const SearchParams& params) {
  std::optional<absl::flat_hash_set<int64_t>> allowed;
  if (params.filter != nullptr) {
    ASSIGN_OR_RETURN(allowed, data.search_source->FilterLiveArticleIds(*params.filter, params.today,
                                                                       params.due_soon_days));
  }
  SearchOutcome outcome;
  int position = params.offset;  // of the next candidate, among all the index proposes
  for (int round = 0; round < kMaxRounds; ++round) {
    SearchIndex::Query query;
    query.text = params.text;
    query.language_code = params.language_code;
    query.offset = position;
    // The rest of the page and one more, which tells whether another page
    // follows. Every candidate is read from the database, so no more than
    // that: refusals happen only while the index lags a commit, and then
    // cost another round.
    query.limit = params.limit + 1 - static_cast<int>(outcome.hits.size());
    query.allowed = allowed.has_value() ? &*allowed : nullptr;
    query.facets = params.facets && round == 0;
    query.today = params.today;
    query.due_soon_days = params.due_soon_days;
    ASSIGN_OR_RETURN(SearchIndex::Result result, index.Search(query));
    if (round == 0) {
      if (params.index_sequence.has_value() && *params.index_sequence != result.index_sequence()) {
        return absl::AbortedError(absl::StrCat(
            "page_token: the search index has changed since the first page (change sequence ",
            *params.index_sequence, ", now ", result.index_sequence(),
            "); run the search again from the first page"));
      }
      outcome.index_sequence = result.index_sequence();
      outcome.estimated_matches = result.estimated_matches();
      outcome.matches_exact = result.matches_exact();
      outcome.therapy_type_counts = result.therapy_type_counts();
      outcome.review_status_counts = result.review_status_counts();
      outcome.facets_exact = result.facets_exact();
    }
    std::vector<int64_t> ids;
    for (const SearchIndex::Candidate& candidate : result.candidates()) {
      ids.push_back(candidate.article_id);
    }
    ASSIGN_OR_RETURN(std::vector<storage::LiveDocument> live,
                     data.search_source->LiveDocuments(ids, params.today));
    absl::flat_hash_map<int64_t, storage::LiveDocument*> by_id;
    for (storage::LiveDocument& document : live) by_id[document.article_id] = &document;

    for (const SearchIndex::Candidate& candidate : result.candidates()) {
      auto it = by_id.find(candidate.article_id);
      // The database disposes: the same revision must be live there.
      const bool served = it != by_id.end() && it->second->review_date == candidate.review_date;
      if (served && static_cast<int>(outcome.hits.size()) == params.limit) {
        outcome.next_offset = position;  // the next page starts with this one
        return outcome;
      }
      ++position;
      if (!served) continue;
      storage::LiveDocument& document = *it->second;
      SearchHit& hit = outcome.hits.emplace_back();
      hit.snippet = result.Snippet(
          absl::StrCat(document.article.summary(), "\n", domain::ArticleBodyText(document.article)),
          document.language_code);
      if (hit.snippet.find('[') == std::string::npos) {
        // Matched through a therapy type's names (say an alias the text
        // never uses): show those.
        std::string names = TherapyTypeNames(document.article);
        std::string from_names = result.Snippet(names, document.language_code);
        if (from_names.find('[') != std::string::npos) hit.snippet = std::move(from_names);
      }
      hit.score = candidate.score;
      hit.article = std::move(document.article);
      hit.article.set_translation_status(document.translation_status);
      hit.article.set_etag(domain::ServedEtag(hit.article.etag(), document.translation_status));
    }
    if (!result.has_more()) break;
    if (round == kMaxRounds - 1) outcome.next_offset = position;
  }
  if (params.offset == 0 && static_cast<int>(outcome.hits.size()) < kSuggestBelowHits) {
    ASSIGN_OR_RETURN(std::string suggestion, index.SuggestSpelling(params.text));
    if (!suggestion.empty() && ValidateQuery(suggestion).ok()) {
      SearchIndex::Query check;
      check.text = suggestion;
      check.language_code = params.language_code;
      check.limit = 1;
      check.allowed = allowed.has_value() ? &*allowed : nullptr;
      check.today = params.today;
      ASSIGN_OR_RETURN(SearchIndex::Result found, index.Search(check));
      if (!found.candidates().empty()) outcome.suggested_query = std::move(suggestion);
    }
  }
  return outcome;
}

}  // namespace healthcontent::search
