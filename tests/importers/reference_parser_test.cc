#include "importers/reference_parser.h"

#include <chrono>
#include <string>

#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/article_service.pb.h"
#include "testing/seed.h"

namespace healthcontent::importers {
namespace {

// Empty when equal, else what differs.
std::string Diff(const v1::Reference& expected, const v1::Reference& actual) {
  google::protobuf::util::MessageDifferencer differencer;
  std::string report;
  differencer.ReportDifferencesToString(&report);
  return differencer.Compare(expected, actual) ? "" : report;
}

// The expected Reference from text format; `citation` is always the input.
v1::Reference Expected(const std::string& text_proto, const std::string& citation) {
  v1::Reference ref;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text_proto, &ref)) << text_proto;
  ref.set_citation(citation);
  return ref;
}

// ---------------------------------------------------------------------------
// The four references of the seed article, field by field.

TEST(ReferenceParserTest, SeedWebPage) {
  const std::string citation =
      "Immunotherapy to treat cancer. National Cancer Institute. "
      "https://www.cancer.gov/about-cancer/treatment/types/immunotherapy. Accessed March 22, 2023.";
  v1::Reference ref = ParseCitation(citation);
  EXPECT_EQ(ref.kind(), v1::Reference::WEB_PAGE);
  EXPECT_TRUE(ref.authors().empty());
  EXPECT_FALSE(ref.et_al());
  EXPECT_EQ(ref.title(), "Immunotherapy to treat cancer");
  EXPECT_EQ(ref.container_title(), "");
  EXPECT_EQ(ref.publisher(), "National Cancer Institute");
  EXPECT_EQ(ref.year(), 0);
  EXPECT_EQ(ref.url(), "https://www.cancer.gov/about-cancer/treatment/types/immunotherapy");
  EXPECT_EQ(ref.accessed_date().year(), 2023);
  EXPECT_EQ(ref.accessed_date().month(), 3);
  EXPECT_EQ(ref.accessed_date().day(), 22);
  EXPECT_EQ(ref.doi(), "");
  EXPECT_EQ(ref.citation(), citation);
}

TEST(ReferenceParserTest, SeedJournalArticleWithDoi) {
  const std::string citation =
      "Papiez MA, et al. Biological therapies in the treatment of cancer \u2014 Update and new "
      "directions. International Journal of Molecular Sciences. 2021; doi:10.3390/ijms222111694.";
  v1::Reference ref = ParseCitation(citation);
  EXPECT_EQ(ref.kind(), v1::Reference::JOURNAL_ARTICLE);
  ASSERT_EQ(ref.authors_size(), 1);
  EXPECT_EQ(ref.authors(0), "Papiez MA");
  EXPECT_TRUE(ref.et_al());
  EXPECT_EQ(ref.title(),
            "Biological therapies in the treatment of cancer \u2014 Update and new directions");
  EXPECT_EQ(ref.container_title(), "International Journal of Molecular Sciences");
  EXPECT_EQ(ref.year(), 2021);
  EXPECT_EQ(ref.doi(), "10.3390/ijms222111694");
  EXPECT_EQ(ref.url(), "");
  EXPECT_EQ(ref.volume(), "");
  EXPECT_EQ(ref.pages(), "");
  EXPECT_EQ(ref.citation(), citation);
}

TEST(ReferenceParserTest, SeedBookChapterWithEditors) {
  const std::string citation =
      "Niederhuber JE, et al., eds. Therapeutic antibodies and immunologic conjugates. In: "
      "Abeloff's Clinical Oncology. 6th ed. Elsevier; 2020. https://www.clinicalkey.com. "
      "Accessed March 22, 2023.";
  v1::Reference ref = ParseCitation(citation);
  EXPECT_EQ(ref.kind(), v1::Reference::BOOK_CHAPTER);
  EXPECT_TRUE(ref.authors().empty());
  EXPECT_FALSE(ref.et_al());
  ASSERT_EQ(ref.editors_size(), 1);
  EXPECT_EQ(ref.editors(0), "Niederhuber JE");
  EXPECT_TRUE(ref.editors_et_al());
  EXPECT_EQ(ref.title(), "Therapeutic antibodies and immunologic conjugates");
  EXPECT_EQ(ref.container_title(), "Abeloff's Clinical Oncology");
  EXPECT_EQ(ref.publisher(), "Elsevier");
  EXPECT_EQ(ref.edition(), "6th");
  EXPECT_EQ(ref.year(), 2020);
  EXPECT_EQ(ref.url(), "https://www.clinicalkey.com");
  EXPECT_EQ(ref.accessed_date().year(), 2023);
  EXPECT_EQ(ref.accessed_date().month(), 3);
  EXPECT_EQ(ref.accessed_date().day(), 22);
  EXPECT_EQ(ref.citation(), citation);
}

TEST(ReferenceParserTest, SeedSecondJournalArticle) {
  const std::string citation =
      "Huang JL, et al. Targeting DNA damage response and immune checkpoint for anticancer "
      "therapy. International Journal of Molecular Sciences. 2022; doi:10.3390/ijms23063238.";
  v1::Reference ref = ParseCitation(citation);
  EXPECT_EQ(ref.kind(), v1::Reference::JOURNAL_ARTICLE);
  ASSERT_EQ(ref.authors_size(), 1);
  EXPECT_EQ(ref.authors(0), "Huang JL");
  EXPECT_TRUE(ref.et_al());
  EXPECT_EQ(ref.title(),
            "Targeting DNA damage response and immune checkpoint for anticancer therapy");
  EXPECT_EQ(ref.container_title(), "International Journal of Molecular Sciences");
  EXPECT_EQ(ref.year(), 2022);
  EXPECT_EQ(ref.doi(), "10.3390/ijms23063238");
  EXPECT_EQ(ref.citation(), citation);
}

// The seed data and the parser agree on every field of every reference, so
// neither can drift from the other.
TEST(ReferenceParserTest, ReproducesTheSeedArticleReferences) {
  v1::PublishArticleRevisionRequest request = testing::SeedPublishRequest();
  ASSERT_EQ(request.article().references_size(), 4);
  for (const v1::Reference& expected : request.article().references()) {
    EXPECT_EQ(Diff(expected, ParseCitation(expected.citation())), "") << expected.citation();
  }
}

// ---------------------------------------------------------------------------
// AMA, NLM (as NCI PDQ prints it) and Vancouver.

struct Case {
  const char* name;
  std::string citation;
  std::string expected;  // text format, without `citation`
};

class StyleTest : public ::testing::TestWithParam<Case> {};

TEST_P(StyleTest, ParsesEveryField) {
  const Case& c = GetParam();
  EXPECT_EQ(Diff(Expected(c.expected, c.citation), ParseCitation(c.citation)), "") << c.citation;
}

INSTANTIATE_TEST_SUITE_P(
    Citations, StyleTest,
    ::testing::Values(
        Case{
            "NlmJournal",
            "Wong R, Sagar CM, Sagar SM: Integration of Chinese medicine into supportive cancer "
            "care: a modern role for an ancient tradition. Cancer Treat Rev 27 (4): 235-46, 2001.",
            R"pb(kind: JOURNAL_ARTICLE
                 authors: "Wong R"
                 authors: "Sagar CM"
                 authors: "Sagar SM"
                 title: "Integration of Chinese medicine into supportive cancer care: a modern role for an ancient tradition"
                 container_title: "Cancer Treat Rev"
                 year: 2001
                 volume: "27"
                 issue: "4"
                 pages: "235-46")pb"},
        Case{
            "NlmSupplementIssue",
            "Alberg AJ, Samet JM: Epidemiology of lung cancer. Chest 123 (1 Suppl): 21S-49S, 2003.",
            R"pb(kind: JOURNAL_ARTICLE
                 authors: "Alberg AJ"
                 authors: "Samet JM"
                 title: "Epidemiology of lung cancer"
                 container_title: "Chest"
                 year: 2003
                 volume: "123"
                 issue: "1 Suppl"
                 pages: "21S-49S")pb"},
        Case{
            "NlmChapterWithEditors",
            "Kopans DB: Mammography and radiation risk. In: Janower ML, Linton OW, eds.: Radiation "
            "Risk: a Primer. Reston, Va: American College of Radiology, 1996, pp 21-22.",
            R"pb(kind: BOOK_CHAPTER
                 authors: "Kopans DB"
                 editors: "Janower ML"
                 editors: "Linton OW"
                 title: "Mammography and radiation risk"
                 container_title: "Radiation Risk: a Primer"
                 publisher: "American College of Radiology"
                 year: 1996
                 pages: "21-22")pb"},
        Case{"NlmBookWithEdition",
             "Alberts B, Bray D, Lewis J, et al.: Molecular Biology of the Cell. 3rd ed. New York, "
             "NY: "
             "Garland Publishing, 1994.",
             R"pb(kind: BOOK
                  authors: "Alberts B"
                  authors: "Bray D"
                  authors: "Lewis J"
                  et_al: true
                  title: "Molecular Biology of the Cell"
                  publisher: "Garland Publishing"
                  edition: "3rd"
                  year: 1994)pb"},
        Case{"NlmGroupAuthorAndAccessDate",
             "American Cancer Society: Cancer Facts and Figures 2018. Atlanta, Ga: American Cancer "
             "Society, 2018. Available online. Last accessed August 3, 2018.",
             R"pb(kind: BOOK
                  authors: "American Cancer Society"
                  title: "Cancer Facts and Figures 2018"
                  publisher: "American Cancer Society"
                  year: 2018
                  accessed_date { year: 2018 month: 8 day: 3 })pb"},
        Case{"NlmPubMedUrl",
             "Smith J: A study of things. J Name 12 (3): 45-67, 2001. "
             "https://pubmed.ncbi.nlm.nih.gov/11545543/",
             R"pb(kind: JOURNAL_ARTICLE
                  authors: "Smith J"
                  title: "A study of things"
                  container_title: "J Name"
                  year: 2001
                  volume: "12"
                  issue: "3"
                  pages: "45-67"
                  pmid: "11545543"
                  url: "https://pubmed.ncbi.nlm.nih.gov/11545543/")pb"},
        Case{"Vancouver", "Smith J, Doe A. Title of the work. J Name. 2001;27(4):235-46.",
             R"pb(kind: JOURNAL_ARTICLE
                  authors: "Smith J"
                  authors: "Doe A"
                  title: "Title of the work"
                  container_title: "J Name"
                  year: 2001
                  volume: "27"
                  issue: "4"
                  pages: "235-46")pb"},
        Case{"VancouverWithDateAndPmid",
             "Doe A, Roe B. A randomized trial. N Engl J Med. 2019 Jan 3;380(1):1-10. PMID: "
             "30601000.",
             R"pb(kind: JOURNAL_ARTICLE
                  authors: "Doe A"
                  authors: "Roe B"
                  title: "A randomized trial"
                  container_title: "N Engl J Med"
                  year: 2019
                  volume: "380"
                  issue: "1"
                  pages: "1-10"
                  pmid: "30601000")pb"},
        Case{"AmaJournalWithDoi",
             "Hanahan D, Weinberg RA. Hallmarks of cancer: the next generation. Cell. "
             "2011;144(5):646-674. doi:10.1016/j.cell.2011.02.013",
             R"pb(kind: JOURNAL_ARTICLE
                  authors: "Hanahan D"
                  authors: "Weinberg RA"
                  title: "Hallmarks of cancer: the next generation"
                  container_title: "Cell"
                  year: 2011
                  volume: "144"
                  issue: "5"
                  pages: "646-674"
                  doi: "10.1016/j.cell.2011.02.013")pb"},
        Case{"AmaDoiUrl",
             "Rivera P, et al. Targeted therapy. JAMA Oncol. 2020;6(2):e193456. "
             "https://doi.org/10.1001/jamaoncol.2019.3456.",
             R"pb(kind: JOURNAL_ARTICLE
                  authors: "Rivera P"
                  et_al: true
                  title: "Targeted therapy"
                  container_title: "JAMA Oncol"
                  year: 2020
                  volume: "6"
                  issue: "2"
                  pages: "e193456"
                  doi: "10.1001/jamaoncol.2019.3456"
                  url: "https://doi.org/10.1001/jamaoncol.2019.3456")pb"},
        Case{
            "AmaWebPageAbbreviatedMonth",
            "Cancer treatment. Mayo Clinic. https://www.mayoclinic.org/tests-procedures/"
            "cancer-treatment/about/pac-20393344. Accessed Jan. 5, 2023.",
            R"pb(kind: WEB_PAGE
                 title: "Cancer treatment"
                 publisher: "Mayo Clinic"
                 url: "https://www.mayoclinic.org/tests-procedures/cancer-treatment/about/pac-20393344"
                 accessed_date { year: 2023 month: 1 day: 5 })pb"},
        Case{"AmaWebPageIsoAccessDate",
             "Skin cancer. American Academy of Dermatology. "
             "https://www.aad.org/public/diseases/skin-cancer. Accessed 2023-03-22.",
             R"pb(kind: WEB_PAGE
                  title: "Skin cancer"
                  publisher: "American Academy of Dermatology"
                  url: "https://www.aad.org/public/diseases/skin-cancer"
                  accessed_date { year: 2023 month: 3 day: 22 })pb"},
        Case{
            "AmaChapterWithSuffixedAuthor",
            "Townsend CM Jr, et al. Melanoma. In: Sabiston Textbook of Surgery. 21st ed. Elsevier; "
            "2022. https://www.clinicalkey.com. Accessed Jan. 5, 2023.",
            R"pb(kind: BOOK_CHAPTER
                 authors: "Townsend CM Jr"
                 et_al: true
                 title: "Melanoma"
                 container_title: "Sabiston Textbook of Surgery"
                 publisher: "Elsevier"
                 edition: "21st"
                 year: 2022
                 url: "https://www.clinicalkey.com"
                 accessed_date { year: 2023 month: 1 day: 5 })pb"}),
    [](const ::testing::TestParamInfo<Case>& param) { return param.param.name; });

TEST(ReferenceParserTest, WwwAddressBecomesAbsolute) {
  v1::Reference ref =
      ParseCitation("Felleisen, M. Programming languages. URL: www.cs.rice.edu/~m/mono.ps.");
  EXPECT_EQ(ref.url(), "http://www.cs.rice.edu/~m/mono.ps");
}

TEST(ReferenceParserTest, ImpossibleAccessDateIsLeftUnset) {
  v1::Reference ref =
      ParseCitation("Page. Site. https://example.org/a. Accessed February 30, 2023.");
  EXPECT_EQ(ref.url(), "https://example.org/a");
  EXPECT_FALSE(ref.has_accessed_date());
}

// ---------------------------------------------------------------------------
// Hostile input: never a crash, never a hang, never a refusal.

TEST(ReferenceParserTest, EmptyInputYieldsNothing) {
  v1::Reference ref = ParseCitation("");
  EXPECT_EQ(Diff(v1::Reference(), ref), "");
}

TEST(ReferenceParserTest, PunctuationOnlyYieldsOnlyTheCitation) {
  const std::string citation = ".,;:()[]{} -- \u201C\u201D ... !?";
  EXPECT_EQ(Diff(Expected("", citation), ParseCitation(citation)), "");
}

TEST(ReferenceParserTest, HundredKilobytesOfJunkReturnPromptly) {
  std::string junk;
  for (int i = 0; junk.size() < 100 * 1024; ++i) {
    junk += "Smith J, (((10.1/ http://a.b/ c. Accessed [" + std::to_string(i % 97) + "\u201C, ";
  }
  auto start = std::chrono::steady_clock::now();
  v1::Reference ref = ParseCitation(junk);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(2));
  EXPECT_EQ(ref.citation(), junk);
  for (const std::string& author : ref.authors()) EXPECT_LE(author.size(), 300u);
  EXPECT_LE(ref.title().size(), kMaxParsedCitationBytes);
}

TEST(ReferenceParserTest, LongRunsOfOneCharacterReturnPromptly) {
  for (char c : {'(', '.', ',', ' ', 'a', '1', '-', '"', '\0'}) {
    std::string input(100 * 1024, c);
    auto start = std::chrono::steady_clock::now();
    v1::Reference ref = ParseCitation(input);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2)) << int(c);
    EXPECT_EQ(ref.citation(), input);
  }
}

TEST(ReferenceParserTest, UnbalancedBracketsDoNotConfuseTheParser) {
  const std::string citation =
      "Smith J, Doe A. [Title of (the work. J Name. 2001;27(4:235-46.]] ) ((( [[ {";
  v1::Reference ref = ParseCitation(citation);
  EXPECT_EQ(ref.citation(), citation);
  ASSERT_EQ(ref.authors_size(), 2);
  EXPECT_EQ(ref.year(), 2001);
}

TEST(ReferenceParserTest, NulBytesAreKeptInTheCitationAndReadAsSpaces) {
  constexpr char kText[] = "Smith J, Doe A.\0Title of the work. J Name.\0 2001;27(4):235-46.";
  const std::string citation(kText, sizeof(kText) - 1);
  v1::Reference ref = ParseCitation(citation);
  EXPECT_EQ(ref.citation(), citation);
  ASSERT_EQ(ref.authors_size(), 2);
  EXPECT_EQ(ref.title(), "Title of the work");
  EXPECT_EQ(ref.container_title(), "J Name");
  EXPECT_EQ(ref.year(), 2001);
}

TEST(ReferenceParserTest, InvalidUtf8IsReplacedSoTheMessageSerializes) {
  const std::string citation = "Smith J. Ti\xC3\x28tle \xFF\xFE. J Name. 2001;1:2.";
  v1::Reference ref = ParseCitation(citation);
  EXPECT_EQ(ref.citation(),
            "Smith J. Ti\xEF\xBF\xBD(tle \xEF\xBF\xBD\xEF\xBF\xBD. J Name. 2001;1:2.");
  std::string wire;
  ASSERT_TRUE(ref.SerializeToString(&wire));
  v1::Reference back;
  EXPECT_TRUE(back.ParseFromString(wire));
}

}  // namespace
}  // namespace healthcontent::importers

namespace healthcontent::importers {
namespace {
// Found by reference_parser_fuzzer: a comma-style author list whose "title"
// ended at the very last byte made the parser read past the end.
TEST(ReferenceParserRegressionTest, CommaStyleTextEndingInsideTheTitleDoesNotCrash) {
  std::string input = "Wong R, Sagar CM, \r?\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r \r";
  v1::Reference ref = ParseCitation(input);
  EXPECT_EQ(ref.citation(), input);
}
}  // namespace
}  // namespace healthcontent::importers
