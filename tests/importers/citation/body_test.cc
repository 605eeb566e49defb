#include "importers/citation/body.h"

#include <string>

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace healthcontent::importers::citation {
namespace {

struct BodyCase {
  std::string body;
  std::string expected;  // the Reference in text format, with the Draft's kind and year
  bool comma_style = false;
  std::string url = "";  // found before the body (its text was cut)
  int year = 0;          // found before the body
};

TEST(BodyTest, EachKindOfBody) {
  const BodyCase cases[] = {
      {"Title of the work. J Natl Cancer Inst. 2001;27(4):235-46.",
       R"(kind: JOURNAL_ARTICLE title: "Title of the work" container_title: "J Natl Cancer Inst"
          volume: "27" issue: "4" pages: "235-46" year: 2001)"},
      // NLM
      {"Integration of Chinese medicine. Cancer Treat Rev 27 (4): 235-46, 2001.",
       R"(kind: JOURNAL_ARTICLE title: "Integration of Chinese medicine"
          container_title: "Cancer Treat Rev" volume: "27" issue: "4" pages: "235-46" year: 2001)"},
      // The title runs into the journal: the stop follows a single letter.
      {"Mistletoe extracts of Viscum album L. Phytother Res 10 (6): 473-7, 1996.",
       R"(kind: JOURNAL_ARTICLE title: "Mistletoe extracts of Viscum album L"
          container_title: "Phytother Res" volume: "10" issue: "6" pages: "473-7" year: 1996)"},
      {"Chapter title. In: Smith J, ed. The Big Book. Elsevier; 2020.",
       R"(kind: BOOK_CHAPTER title: "Chapter title" editors: "Smith J"
          container_title: "The Big Book" publisher: "Elsevier" year: 2020)"},
      // A book's title may run over a stop.
      {"The authentic heart. An eightfold path to midlife love. New York: Wiley.",
       R"(kind: BOOK title: "The authentic heart. An eightfold path to midlife love"
          publisher: "Wiley")"},
      {"Clinical Oncology. 6th ed. Elsevier; 2020.",
       R"(kind: BOOK title: "Clinical Oncology" edition: "6th" publisher: "Elsevier" year: 2020)"},
      {"Immunotherapy to treat cancer. National Cancer Institute. \x1f.",
       R"(kind: WEB_PAGE title: "Immunotherapy to treat cancer"
          publisher: "National Cancer Institute" url: "https://www.cancer.gov/x")",
       false, "https://www.cancer.gov/x"},
      // A quoted title is fixed before the parts are split.
      {"\xE2\x80\x9C"
       "Design of things,\xE2\x80\x9D IEEE Trans. Comput., vol. 5, pp. 1-9, 1990.",
       R"(kind: JOURNAL_ARTICLE title: "Design of things" container_title: "IEEE Trans. Comput"
          volume: "5" pages: "1-9" year: 1990)"},
      // After names that ended with a comma the title ends at the next one.
      {"Transfinite Recursive Progressions of Axiomatic Theories, J. Symbolic Logic, 27, "
       "259-316 (1962).",
       R"(kind: JOURNAL_ARTICLE title: "Transfinite Recursive Progressions of Axiomatic Theories"
          container_title: "J. Symbolic Logic" volume: "27" pages: "259-316" year: 1962)",
       true},
      // ... or there is no title at all.
      {"A&A, 410, 777",
       R"(kind: JOURNAL_ARTICLE container_title: "A&A" volume: "410" pages: "777")", true},
      // A year found before the body is kept.
      {"Work. Cancer Treat Rev 27: 235-46, 2001.",
       R"(kind: JOURNAL_ARTICLE title: "Work" container_title: "Cancer Treat Rev" volume: "27"
          pages: "235-46" year: 1999)",
       false, "", 1999},
      {"Just a title", R"(kind: OTHER title: "Just a title")"},
  };
  for (const BodyCase& c : cases) {
    v1::Reference ref;
    ref.set_url(c.url);
    Draft d(&ref);
    d.comma_style = c.comma_style;
    d.year = c.year;
    ReadBody(c.body, &d);
    ref.set_kind(d.kind);
    ref.set_year(d.year);
    v1::Reference expected;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(c.expected, &expected)) << c.expected;
    EXPECT_EQ(ref.ShortDebugString(), expected.ShortDebugString()) << c.body;
  }
}

}  // namespace
}  // namespace healthcontent::importers::citation
