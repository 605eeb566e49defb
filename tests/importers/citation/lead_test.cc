#include "importers/citation/lead.h"

#include <string>

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace healthcontent::importers::citation {
namespace {

TEST(LeadTest, SkipCitationNumber) {
  EXPECT_EQ(SkipCitationNumber("[13] Smith J"), 5u);
  EXPECT_EQ(SkipCitationNumber("  [1] Smith J"), 6u);
  EXPECT_EQ(SkipCitationNumber("(4) Smith J"), 4u);
  EXPECT_EQ(SkipCitationNumber("60. Smith J"), 4u);
  EXPECT_EQ(SkipCitationNumber("3) Smith J"), 3u);
  EXPECT_EQ(SkipCitationNumber("36 Smith J"), 3u);
  EXPECT_EQ(SkipCitationNumber("[Allison2006-MIT] G. Allison"), 18u);
  EXPECT_EQ(SkipCitationNumber("2001. Title"), 0u);    // a year, not a number
  EXPECT_EQ(SkipCitationNumber("36 percent of"), 0u);  // no capital after it
  EXPECT_EQ(SkipCitationNumber("[Internet] x"), 0u);   // a label holds a digit
  EXPECT_EQ(SkipCitationNumber("Smith J"), 0u);
}

struct NamesCase {
  std::string text;
  size_t next;           // what ReadLeadingNames returns
  std::string expected;  // the Reference in text format
  bool comma_style = false;
};

TEST(LeadTest, ReadLeadingNames) {
  const NamesCase cases[] = {
      {"Papiez MA, et al. Biological therapies. Journal. 2021.", 18,
       R"(authors: "Papiez MA" et_al: true)"},
      // Names before "eds." are editors.
      {"Niederhuber JE, et al., eds. Therapeutic antibodies.", 29,
       R"(editors: "Niederhuber JE" editors_et_al: true)"},
      {"American Cancer Society: Cancer Facts and Figures 2018. Atlanta", 25,
       R"(authors: "American Cancer Society")"},
      {"Feferman, S., Transfinite Recursive Progressions of Axiomatic Theories, J. Symbolic "
       "Logic, 27, 259-316 (1962).",
       14, R"(authors: "Feferman, S.")", true},
      // A single name needs a year after it.
      {"Grondin, 1991: Title", 9, R"(authors: "Grondin")"},
      // "———." repeats the previous entry's authors.
      {"\xE2\x80\x94\xE2\x80\x94\xE2\x80\x94. Title", 11, ""},
      // A title is left for the body.
      {"Immunotherapy to treat cancer. National Cancer Institute.", 0, ""},
  };
  for (const NamesCase& c : cases) {
    v1::Reference ref, expected;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(c.expected, &expected)) << c.expected;
    Draft d(&ref);
    EXPECT_EQ(ReadLeadingNames(c.text, 0, &d), c.next) << c.text;
    EXPECT_EQ(ref.ShortDebugString(), expected.ShortDebugString()) << c.text;
    EXPECT_EQ(d.comma_style, c.comma_style) << c.text;
    EXPECT_EQ(d.year, 0) << c.text;
  }
}

struct DateCase {
  std::string text;
  size_t next;  // what ReadLeadingDate returns
  int year;
  bool comma_style = false;
};

TEST(LeadTest, ReadLeadingDate) {
  const DateCase cases[] = {
      {"(2009). Title", 8, 2009},
      {"(n.d.). Title", 8, 0},
      {"2011, Title", 6, 2011, true},
      {"2001[1953]. Title", 12, 2001},
      // No date: the position comes back unchanged.
      {"(Boston) Title", 0, 0},
      {"2011 Title", 0, 0},  // a year that runs into words
      {"", 0, 0},
  };
  for (const DateCase& c : cases) {
    v1::Reference ref;
    Draft d(&ref);
    EXPECT_EQ(ReadLeadingDate(c.text, 0, &d), c.next) << c.text;
    EXPECT_EQ(d.year, c.year) << c.text;
    EXPECT_EQ(d.comma_style, c.comma_style) << c.text;
    EXPECT_EQ(ref.ByteSizeLong(), 0u) << c.text;
  }
}

}  // namespace
}  // namespace healthcontent::importers::citation
