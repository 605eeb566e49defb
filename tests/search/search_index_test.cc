// SearchIndex on a real Xapian database in a temp directory: what it finds,
// in which language, with which snippet, suggestion and facet counts, and
// how it fails.
#include "search/search_index.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/utf8.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace healthcontent::search {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

IndexDocument Doc(int64_t id, const std::string& title, const std::string& body,
                  const std::string& language = "en") {
  IndexDocument doc;
  doc.article_id = id;
  doc.review_date = "2025-01-01";
  doc.next_review_date = "2028-01-01";
  doc.language_code = language;
  doc.title = title;
  doc.body = body;
  return doc;
}

IndexUpdate Put(IndexDocument doc) {
  IndexUpdate update;
  update.article_id = doc.article_id;
  update.document = std::move(doc);
  return update;
}

class SearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto index = SearchIndex::Open(dir_.File("index"));
    ASSERT_TRUE(index.ok()) << index.status();
    index_ = std::move(*index);
  }

  void Apply(std::vector<IndexUpdate> updates, int64_t sequence = 1) {
    absl::Status status = index_->Apply(updates, sequence);
    ASSERT_TRUE(status.ok()) << status;
  }

  SearchIndex::Result Run(const std::string& text, const std::string& language = "",
                          int limit = 20) {
    SearchIndex::Query query;
    query.text = text;
    query.language_code = language;
    query.limit = limit;
    query.today = absl::CivilDay(2026, 6, 1);
    auto result = index_->Search(query);
    EXPECT_TRUE(result.ok()) << result.status();
    return std::move(*result);
  }

  std::vector<int64_t> Ids(const std::string& text, const std::string& language = "") {
    std::vector<int64_t> ids;
    SearchIndex::Result result = Run(text, language);  // alive for the loop
    for (const auto& candidate : result.candidates()) {
      ids.push_back(candidate.article_id);
    }
    return ids;
  }

  testing::TempDir dir_;
  std::unique_ptr<SearchIndex> index_;
};

TEST_F(SearchIndexTest, StemsEachArticleInItsOwnLanguage) {
  Apply({Put(Doc(1, "Checkpoint inhibitors", "Inhibitors block the checkpoints of cells.")),
         Put(Doc(2, "Terapias biológicas", "Las terapias biológicas usan el sistema inmunitario.",
                 "es-MX"))});
  EXPECT_THAT(Ids("inhibitor"), ElementsAre(1));  // English stem of "inhibitors"
  EXPECT_THAT(Ids("checkpoint"), ElementsAre(1));
  EXPECT_THAT(Ids("terapia"), ElementsAre(2));    // Spanish stem of "terapias"
  EXPECT_THAT(Ids("biológica"), ElementsAre(2));  // accents kept
  EXPECT_THAT(Ids("terapia", "es"), ElementsAre(2));
  EXPECT_THAT(Ids("terapia", "es-ES"), ElementsAre(2));  // by primary subtag
  EXPECT_THAT(Ids("terapia", "en"), IsEmpty());
  EXPECT_THAT(Ids("inhibitor", "es"), IsEmpty());
  EXPECT_THAT(Ids("inhibitor", "fr"), IsEmpty());  // no French articles
}

// A language is scoped three ways (no filter when it is every document,
// its own term when it is the smaller side, the others taken out when it is
// the larger): each must give the same answer.
TEST_F(SearchIndexTest, LanguageScopeHoldsWhateverTheMixOfLanguages) {
  Apply({Put(Doc(1, "Virus one", "A virus in English.")),
         Put(Doc(2, "Virus two", "Another virus in English.", "en-GB"))});
  EXPECT_THAT(Ids("virus", "en"), UnorderedElementsAre(1, 2));  // every document is English
  EXPECT_THAT(Ids("virus", "es"), IsEmpty());
  Apply({Put(Doc(3, "Virus three", "A third virus in English.")),
         Put(Doc(4, "Virus cuatro", "Un virus en español.", "es"))},
        2);
  EXPECT_THAT(Ids("virus", "en"), UnorderedElementsAre(1, 2, 3));  // the larger side
  EXPECT_THAT(Ids("virus", "es"), ElementsAre(4));                 // the smaller side
  EXPECT_THAT(Ids("virus"), UnorderedElementsAre(1, 2, 3, 4));
  EXPECT_THAT(Ids("virus", "fr"), IsEmpty());
}

TEST_F(SearchIndexTest, PhrasesPrefixesAndOperators) {
  Apply({Put(Doc(1, "Immune checkpoint inhibitors", "They release the brakes.")),
         Put(Doc(2, "Checkpoint of the immune kind", "Not a phrase match.")),
         Put(Doc(3, "Immunotherapy", "Other words entirely."))});
  EXPECT_THAT(Ids(R"("immune checkpoint")"), ElementsAre(1));
  EXPECT_THAT(Ids("immune checkpoint"), ElementsAre(1, 2));
  EXPECT_THAT(Ids("immun*"), UnorderedElementsAre(1, 2, 3));
  // A prefix inside other operators keeps its meaning there.
  EXPECT_THAT(Ids("immun* -brakes"), UnorderedElementsAre(2, 3));
  EXPECT_THAT(Ids("checkpoint immun*"), UnorderedElementsAre(1, 2));
  EXPECT_THAT(Ids("brak* OR entir*"), UnorderedElementsAre(1, 3));
  EXPECT_THAT(Ids("checkpoint NOT brakes"), ElementsAre(2));
  EXPECT_THAT(Ids("immunotherapy OR brakes"), UnorderedElementsAre(1, 3));
  EXPECT_THAT(Ids("checkpoint -brakes"), ElementsAre(2));
  // Broken syntax is read as plain words rather than refused.
  EXPECT_THAT(Ids(R"("immune checkpoint)"), ElementsAre(1));  // the phrase runs to the end
  EXPECT_THAT(Ids("(immunotherapy"), ElementsAre(3));
}

// A phrase is its words next to each other in one field, in that order,
// however the index answers it (pair terms, and positions for three words
// or more); its snippet marks the phrase.
TEST_F(SearchIndexTest, PhrasesAreWordsInOrderWithinOneField) {
  Apply({Put(Doc(1, "Immune checkpoint inhibitors", "They release the brakes.")),
         Put(Doc(2, "Cancer and the immune", "Checkpoint proteins.")),  // across fields
         Put(Doc(3, "Both pairs", "An immune checkpoint, then checkpoint inhibitors.")),
         Put(Doc(4, "Reversed", "Checkpoint immune.")),
         Put(Doc(5, "Inside a sentence", "Some immune checkpoint inhibitors work."))});
  EXPECT_THAT(Ids(R"("immune checkpoint")"), UnorderedElementsAre(1, 3, 5));
  EXPECT_THAT(Ids(R"("checkpoint immune")"), ElementsAre(4));
  EXPECT_THAT(Ids(R"("immune checkpoint inhibitors")"), UnorderedElementsAre(1, 5));
  EXPECT_THAT(Ids(R"("checkpoint inhibitors" -release)"), UnorderedElementsAre(3, 5));
  // Punctuation between words does not break a phrase; common words in it
  // count; a hyphen joins words into a phrase.
  EXPECT_THAT(Ids(R"("checkpoint then")"), ElementsAre(3));
  EXPECT_THAT(Ids(R"("release the brakes")"), ElementsAre(1));
  EXPECT_THAT(Ids(R"("release brakes")"), IsEmpty());
  EXPECT_THAT(Ids("immune-checkpoint"), UnorderedElementsAre(1, 3, 5));
  // Words of the title match as a phrase of the title.
  EXPECT_THAT(Ids(R"("and the immune")"), ElementsAre(2));

  SearchIndex::Result result = Run(R"("release the brakes")");
  EXPECT_EQ(result.Snippet("They release the brakes, and brakes hold.", "en"),
            "They [release the brakes], and brakes hold.");
}

TEST_F(SearchIndexTest, TitleWeighsMoreThanBody) {
  Apply({Put(Doc(1, "Something else", "A text about vaccines and more vaccines.")),
         Put(Doc(2, "Vaccines", "A short text."))});
  EXPECT_THAT(Ids("vaccines"), ElementsAre(2, 1));
}

TEST_F(SearchIndexTest, TherapyTypeNamesAndAliasesAreSearchableWithSnippets) {
  IndexDocument doc = Doc(7, "Biological therapy for cancer", "Uses the immune system.");
  doc.therapy_types = {"immunoconjugates", "oncolytic-virus-therapy"};
  doc.therapy_type_names = {"Immunoconjugates", "Antibody-drug conjugates",
                            "Oncolytic virus therapy", "Oncolytic virotherapy"};
  Apply({Put(doc)});
  EXPECT_THAT(Ids("antibody-drug conjugates"), ElementsAre(7));
  EXPECT_THAT(Ids(R"("antibody-drug conjugates")"), ElementsAre(7));
  EXPECT_THAT(Ids("virotherapy"), ElementsAre(7));
  SearchIndex::Result result = Run("virotherapy");
  EXPECT_EQ(result.Snippet("Oncolytic virus therapy; Oncolytic virotherapy", "en"),
            "Oncolytic virus therapy; Oncolytic [virotherapy]");
}

TEST_F(SearchIndexTest, SnippetsArePlainTextWithMarkers) {
  Apply({Put(Doc(1, "Side effects", "Fever & chills <sometimes> \"rarely\" happen."))});
  SearchIndex::Result result = Run("chills");
  EXPECT_EQ(result.Snippet("Fever & chills <sometimes> \"rarely\" happen.", "en"),
            "Fever & [chills] <sometimes> \"rarely\" happen.");
  // Matches are marked where the stem matches; omitted text is "...".
  std::string long_text;
  for (int i = 0; i < 60; ++i) absl::StrAppend(&long_text, "filler words here. ");
  absl::StrAppend(&long_text, "Then chills arrive. ");
  for (int i = 0; i < 60; ++i) absl::StrAppend(&long_text, "more filler text. ");
  std::string snippet = result.Snippet(long_text, "en");
  EXPECT_THAT(snippet, HasSubstr("[chills]"));
  EXPECT_THAT(snippet, HasSubstr("..."));
  EXPECT_LT(snippet.size(), 260u);
}

// A match in the head of a long text is taken from the head; one past it
// is still found in the rest.
TEST_F(SearchIndexTest, SnippetsLookInTheHeadFirstThenInTheWholeText) {
  Apply({Put(Doc(1, "Side effects", "Chills."))});
  SearchIndex::Result result = Run("chills");
  std::string filler;
  while (filler.size() < 2 * kSnippetHeadBytes) absl::StrAppend(&filler, "filler words here. ");
  std::string early = absl::StrCat("Chills come first. ", filler);
  std::string snippet = result.Snippet(early, "en");
  EXPECT_TRUE(absl::StartsWith(snippet, "[Chills] come first.")) << snippet;
  EXPECT_TRUE(absl::EndsWith(snippet, "...")) << snippet;  // the text goes on
  std::string late = absl::StrCat(filler, "Then chills arrive. ", filler);
  EXPECT_THAT(result.Snippet(late, "en"), HasSubstr("[chills] arrive."));
  // With no space to cut at, the head ends before a character, never inside
  // one: here byte kSnippetHeadBytes is the second byte of an "é", and the
  // match is close enough to the cut for the snippet to reach it.
  std::string accents;
  for (int i = 0; i < 380; ++i) absl::StrAppend(&accents, ",é");
  absl::StrAppend(&accents, ",chills");
  ASSERT_EQ(accents.size(), 1147u);
  static_assert((kSnippetHeadBytes - 1147) % 3 == 2);
  while (accents.size() < 2 * kSnippetHeadBytes) absl::StrAppend(&accents, ",é");
  snippet = result.Snippet(accents, "en");
  EXPECT_THAT(snippet, HasSubstr("[chills]"));
  EXPECT_TRUE(IsValidUtf8(snippet)) << snippet;
}

TEST(UnescapeSnippetTest, UndoesXapiansHtmlEscapingInOnePass) {
  EXPECT_EQ(UnescapeSnippet("a &lt;b&gt; &amp; c"), "a <b> & c");
  EXPECT_EQ(UnescapeSnippet("&amp;lt;"), "&lt;");  // the text held "&lt;"
  EXPECT_EQ(UnescapeSnippet("&quot;x&#39;"), "\"x'");
  EXPECT_EQ(UnescapeSnippet("AT&T &"), "AT&T &");
}

TEST_F(SearchIndexTest, SuggestsSpellingFromTheIndexedVocabulary) {
  Apply({Put(Doc(1, "Checkpoint inhibitors", "Immune checkpoint inhibitors treat melanoma."))});
  EXPECT_EQ(*index_->SuggestSpelling("chekpoint"), "checkpoint");
  EXPECT_EQ(*index_->SuggestSpelling("chekpoint inhibitrs"), "checkpoint inhibitors");
  EXPECT_EQ(*index_->SuggestSpelling("checkpoint"), "");
  EXPECT_EQ(*index_->SuggestSpelling("melanomma"), "melanoma");
  EXPECT_EQ(*index_->SuggestSpelling("chekp*"), "");  // a prefix is no misspelling
  EXPECT_EQ(*index_->SuggestSpelling("xqzvw"), "");   // nothing close
}

TEST_F(SearchIndexTest, FacetCountsAreExactOnSmallResults) {
  std::vector<IndexUpdate> updates;
  for (int i = 1; i <= 10; ++i) {
    IndexDocument doc = Doc(i, absl::StrCat("Article ", i), "cancer treatment");
    doc.therapy_types = {"gene-therapy"};
    if (i <= 3) doc.therapy_types.push_back("cancer-vaccines");
    // Today is 2026-06-01 with a 90-day window: 2 overdue, 3 due soon, 5 current.
    doc.next_review_date = i <= 2 ? "2026-05-01" : i <= 5 ? "2026-07-01" : "2029-01-01";
    updates.push_back(Put(doc));
  }
  Apply(updates);
  SearchIndex::Query query;
  query.text = "cancer";
  query.limit = 2;
  query.facets = true;
  query.today = absl::CivilDay(2026, 6, 1);
  query.due_soon_days = 90;
  auto result = index_->Search(query);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->candidates().size(), 2u);
  EXPECT_TRUE(result->has_more());
  EXPECT_EQ(result->estimated_matches(), 10u);
  EXPECT_TRUE(result->matches_exact());
  EXPECT_TRUE(result->facets_exact());
  ASSERT_EQ(result->therapy_type_counts().size(), 2u);
  EXPECT_EQ(result->therapy_type_counts()[0].value, "gene-therapy");
  EXPECT_EQ(result->therapy_type_counts()[0].count, 10);
  EXPECT_EQ(result->therapy_type_counts()[1].value, "cancer-vaccines");
  EXPECT_EQ(result->therapy_type_counts()[1].count, 3);
  ASSERT_EQ(result->review_status_counts().size(), 3u);
  EXPECT_EQ(result->review_status_counts()[0].value, "CURRENT");
  EXPECT_EQ(result->review_status_counts()[0].count, 5);
  EXPECT_EQ(result->review_status_counts()[1].value, "DUE_SOON");
  EXPECT_EQ(result->review_status_counts()[1].count, 3);
  EXPECT_EQ(result->review_status_counts()[2].value, "OVERDUE");
  EXPECT_EQ(result->review_status_counts()[2].count, 2);

  // A filter's id set narrows both the hits and the counts.
  absl::flat_hash_set<int64_t> allowed = {1, 2, 3};
  query.allowed = &allowed;
  query.limit = 20;
  result = index_->Search(query);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->candidates().size(), 3u);
  EXPECT_EQ(result->therapy_type_counts()[1].count, 3);
  EXPECT_EQ(result->therapy_type_counts()[0].count, 3);
  EXPECT_EQ(result->review_status_counts()[0].value, "OVERDUE");
  EXPECT_EQ(result->review_status_counts()[0].count, 2);
}

// Exact when the engine examined every match, else scaled from its sample;
// either way within the sample's error of the truth.
TEST_F(SearchIndexTest, FacetCountsOnLargeResultsAreExactOrScaled) {
  std::vector<IndexUpdate> updates;
  const int kDocs = kFacetSample * 2;
  for (int i = 1; i <= kDocs; ++i) {
    IndexDocument doc = Doc(i, "Common", "common word");
    doc.therapy_types = {i % 2 == 0 ? "even" : "odd"};
    updates.push_back(Put(doc));
  }
  Apply(updates);
  SearchIndex::Query query;
  query.text = "common";
  query.facets = true;
  query.today = absl::CivilDay(2026, 6, 1);
  auto result = index_->Search(query);
  ASSERT_TRUE(result.ok()) << result.status();
  int64_t total = 0;
  for (const auto& count : result->therapy_type_counts()) {
    if (result->facets_exact()) {
      EXPECT_EQ(count.count, kDocs / 2) << count.value;
    }
    EXPECT_NEAR(count.count, kDocs / 2, kDocs / 10) << count.value;
    total += count.count;
  }
  EXPECT_NEAR(total, kDocs, kDocs / 20);
}

TEST_F(SearchIndexTest, PagesByOffsetInRankOrder) {
  std::vector<IndexUpdate> updates;
  for (int i = 1; i <= 5; ++i) updates.push_back(Put(Doc(i, "Same title", "same body")));
  Apply(updates);
  SearchIndex::Query query;
  query.text = "same";
  query.limit = 2;
  std::vector<int64_t> seen;
  for (int offset = 0;; offset += 2) {
    query.offset = offset;
    auto result = index_->Search(query);
    ASSERT_TRUE(result.ok());
    for (const auto& candidate : result->candidates()) seen.push_back(candidate.article_id);
    if (!result->has_more()) break;
  }
  EXPECT_THAT(seen, ElementsAre(1, 2, 3, 4, 5));  // equal scores: by article id
}

TEST_F(SearchIndexTest, ReplacesRemovesAndRecordsTheSequenceDurably) {
  Apply({Put(Doc(1, "Old words", "germs")), Put(Doc(2, "Other", "germs"))}, 5);
  Apply({Put(Doc(1, "New words", "pathogens")), IndexUpdate{2, std::nullopt},
         IndexUpdate{99, std::nullopt}},  // never indexed: harmless
        9);
  EXPECT_THAT(Ids("germs"), IsEmpty());
  EXPECT_THAT(Ids("pathogens"), ElementsAre(1));
  EXPECT_EQ(index_->applied_sequence(), 9);
  EXPECT_EQ(index_->document_count(), 1u);
  index_.reset();
  auto reopened = SearchIndex::Open(dir_.File("index"));
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->applied_sequence(), 9);
  EXPECT_EQ((*reopened)->document_count(), 1u);
  index_ = std::move(*reopened);
  EXPECT_THAT(Ids("pathogens"), ElementsAre(1));
}

TEST_F(SearchIndexTest, RefusesBadUpdatesWithoutChangingAnything) {
  Apply({Put(Doc(1, "Kept", "kept"))}, 3);
  absl::Status status =
      index_->Apply({Put(Doc(2, "Added", "added")), Put(Doc(0, "Bad", "bad"))}, 4);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(index_->applied_sequence(), 3);
  EXPECT_THAT(Ids("added"), IsEmpty());
  EXPECT_THAT(Ids("kept"), ElementsAre(1));
}

TEST_F(SearchIndexTest, ReadersKeepWorkingWhileTheWriterCommits) {
  Apply({Put(Doc(1, "Stable", "stable text"))});
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<int> searches{0};
  std::thread reader([&] {
    while (!done) {
      SearchIndex::Query query;
      // A word, and a phrase (its snippets read the index a second time).
      query.text = searches % 2 == 0 ? "stable" : "\"stable text\"";
      auto result = index_->Search(query);
      if (!result.ok() || result->candidates().empty()) {
        ++failures;
        ADD_FAILURE() << (result.ok() ? "no candidates" : result.status().ToString());
      }
      ++searches;
    }
  });
  // Commits as fast as a busy follower makes them (one batch a millisecond).
  for (int i = 2; i < 200; ++i) {
    ASSERT_TRUE(index_->Apply({Put(Doc(i, "Churn", "churn text"))}, i).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  done = true;
  reader.join();
  EXPECT_EQ(failures, 0);
  EXPECT_GT(searches, 0);
}

TEST(SearchIndexOpenTest, CorruptIndexIsDataLossAndASecondWriterIsRefused) {
  testing::TempDir dir;
  const std::string path = dir.File("index");
  {
    auto index = SearchIndex::Open(path);
    ASSERT_TRUE(index.ok()) << index.status();
    ASSERT_TRUE((*index)->Apply({Put(Doc(1, "A", "a"))}, 1).ok());
    auto second = SearchIndex::Open(path);
    EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(second.status().message(), HasSubstr("locked by another"));
  }
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    if (entry.path().extension() == ".glass") {
      testing::WriteFileOrDie(entry.path().string(), "not a xapian table");
    }
  }
  auto corrupt = SearchIndex::Open(path);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.status().code(), absl::StatusCode::kDataLoss) << corrupt.status();
  auto fresh = SearchIndex::Create(path);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ((*fresh)->document_count(), 0u);
  EXPECT_EQ((*fresh)->applied_sequence(), 0);
}

TEST(ValidateQueryTest, NamesTheFieldAndTheLimit) {
  EXPECT_TRUE(ValidateQuery("checkpoint inhibitors").ok());
  EXPECT_TRUE(ValidateQuery("\"immune checkpoint\" OR immun*").ok());
  EXPECT_TRUE(ValidateQuery("terapia biológica").ok());
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"", "query: is required: the words to search for"},
      {"\"\" () * -", "query: is required: the words to search for"},
      {"NOT OR AND", "query: has only operators (AND, OR, NOT...); add words to find"},
      {std::string("a\0b", 3), "query: must not contain control characters (such as NUL)"},
      {"\xff\xfe", "query: is not valid UTF-8"},
      {std::string(501, 'x'), "query: is 501 bytes; the limit is 500"},
  };
  for (const Case& c : cases) {
    absl::Status status = ValidateQuery(c.text);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_EQ(status.message(), c.message) << c.text;
  }
  std::string many;
  for (int i = 0; i < kMaxQueryTerms + 1; ++i) absl::StrAppend(&many, "w", i, " ");
  EXPECT_EQ(ValidateQuery(many).message(), "query: has 33 words; the limit is 32");
}

}  // namespace
}  // namespace healthcontent::search
