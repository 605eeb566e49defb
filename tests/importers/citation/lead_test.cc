#include "importers/citation/lead.h"

#include <string>

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
  EXPECT_EQ(SkipCitationNumber("2001. Title"), 0u);     // a year, not a number
  EXPECT_EQ(SkipCitationNumber("36 percent of"), 0u);   // no capital after it
  EXPECT_EQ(SkipCitationNumber("[Internet] x"), 0u);    // a label holds a digit
  EXPECT_EQ(SkipCitationNumber("Smith J"), 0u);
}

TEST(LeadTest, AuthorsWithEtAl) {
  v1::Reference ref;
  Draft d(&ref);
  absl::string_view s = "Papiez MA, et al. Biological therapies. Journal. 2021.";
  EXPECT_EQ(ReadLeadingNames(s, 0, &d), 18u);
  ASSERT_EQ(ref.authors_size(), 1);
  EXPECT_EQ(ref.authors(0), "Papiez MA");
  EXPECT_TRUE(ref.et_al());
  EXPECT_FALSE(d.comma_style);
}

TEST(LeadTest, EditorsInsteadOfAuthors) {
  v1::Reference ref;
  Draft d(&ref);
  absl::string_view s = "Niederhuber JE, et al., eds. Therapeutic antibodies.";
  EXPECT_EQ(ReadLeadingNames(s, 0, &d), 29u);
  EXPECT_EQ(ref.authors_size(), 0);
  ASSERT_EQ(ref.editors_size(), 1);
  EXPECT_EQ(ref.editors(0), "Niederhuber JE");
  EXPECT_TRUE(ref.editors_et_al());
}

TEST(LeadTest, GroupAuthor) {
  v1::Reference ref;
  Draft d(&ref);
  absl::string_view s = "American Cancer Society: Cancer Facts and Figures 2018. Atlanta";
  EXPECT_EQ(ReadLeadingNames(s, 0, &d), 25u);
  ASSERT_EQ(ref.authors_size(), 1);
  EXPECT_EQ(ref.authors(0), "American Cancer Society");
}

TEST(LeadTest, CommaAfterTheNamesIsRecorded) {
  v1::Reference ref;
  Draft d(&ref);
  absl::string_view s =
      "Feferman, S., Transfinite Recursive Progressions of Axiomatic Theories, J. Symbolic Logic, "
      "27, 259-316 (1962).";
  EXPECT_EQ(ReadLeadingNames(s, 0, &d), 14u);
  ASSERT_EQ(ref.authors_size(), 1);
  EXPECT_EQ(ref.authors(0), "Feferman, S.");
  EXPECT_TRUE(d.comma_style);
}

TEST(LeadTest, SingleNameWithAYearAndRepeatedAuthors) {
  v1::Reference ref;
  Draft d(&ref);
  EXPECT_EQ(ReadLeadingNames("Grondin, 1991: Title", 0, &d), 9u);
  ASSERT_EQ(ref.authors_size(), 1);
  EXPECT_EQ(ref.authors(0), "Grondin");

  ref.Clear();
  EXPECT_EQ(ReadLeadingNames("\xE2\x80\x94\xE2\x80\x94\xE2\x80\x94. Title", 0, &d), 11u);
  EXPECT_EQ(ref.authors_size(), 0);
}

TEST(LeadTest, ATitleIsLeftForTheBody) {
  v1::Reference ref;
  Draft d(&ref);
  EXPECT_EQ(ReadLeadingNames("Immunotherapy to treat cancer. National Cancer Institute.", 0, &d),
            0u);
  EXPECT_EQ(ref.authors_size(), 0);
}

TEST(LeadTest, LeadingDate) {
  v1::Reference ref;
  Draft d(&ref);
  EXPECT_EQ(ReadLeadingDate("(2009). Title", 0, &d), 8u);
  EXPECT_EQ(d.year, 2009);
  EXPECT_FALSE(d.comma_style);

  EXPECT_EQ(ReadLeadingDate("(n.d.). Title", 0, &d), 8u);
  EXPECT_EQ(d.year, 0);

  EXPECT_EQ(ReadLeadingDate("2011, Title", 0, &d), 6u);
  EXPECT_EQ(d.year, 2011);
  EXPECT_TRUE(d.comma_style);

  EXPECT_EQ(ReadLeadingDate("2001[1953]. Title", 0, &d), 12u);
  EXPECT_EQ(d.year, 2001);
}

TEST(LeadTest, NoLeadingDate) {
  v1::Reference ref;
  Draft d(&ref);
  EXPECT_EQ(ReadLeadingDate("(Boston) Title", 0, &d), 0u);
  EXPECT_EQ(ReadLeadingDate("2011 Title", 0, &d), 0u);  // a year that runs into words
  EXPECT_EQ(ReadLeadingDate("", 0, &d), 0u);
  EXPECT_EQ(d.year, 0);
}

}  // namespace
}  // namespace healthcontent::importers::citation
