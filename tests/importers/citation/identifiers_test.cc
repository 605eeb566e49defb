#include "importers/citation/identifiers.h"

#include <string>

#include "gtest/gtest.h"

namespace healthcontent::importers::citation {
namespace {

TEST(IdentifiersTest, AccessNoteIsCutAndItsDayRecorded) {
  v1::Reference ref;
  std::string t = "Title. Site. Accessed March 22, 2023.";
  ExtractAccessNotes(&t, &ref);
  EXPECT_EQ(t, "Title. Site. \x1f.");
  EXPECT_EQ(ref.accessed_date().year(), 2023);
  EXPECT_EQ(ref.accessed_date().month(), 3);
  EXPECT_EQ(ref.accessed_date().day(), 22);
}

TEST(IdentifiersTest, BracketedAccessNoteGoesWithItsBrackets) {
  v1::Reference ref;
  std::string t = "Title [Internet] [cited 2023 Mar 22]. x";
  ExtractAccessNotes(&t, &ref);
  EXPECT_EQ(t, "Title [Internet] \x1f. x");
  EXPECT_EQ(ref.accessed_date().day(), 22);
}

TEST(IdentifiersTest, AccessNoteWithoutARealDaySetsNoDate) {
  v1::Reference ref;
  std::string t = "Page. Accessed February 30, 2023.";
  ExtractAccessNotes(&t, &ref);
  EXPECT_EQ(t, "Page. \x1f.");
  EXPECT_FALSE(ref.has_accessed_date());
  // "cited" needs a day; without one nothing is cut.
  t = "As cited 2023 by others";
  ExtractAccessNotes(&t, &ref);
  EXPECT_EQ(t, "As cited 2023 by others");
}

TEST(IdentifiersTest, UrlIsCutWithItsLeadInAndRecorded) {
  v1::Reference ref;
  std::string t = "Title. Retrieved from https://example.org/a/b. Next";
  ExtractUrls(&t, &ref);
  EXPECT_EQ(t, "Title. \x1f. Next");
  EXPECT_EQ(ref.url(), "https://example.org/a/b");
  EXPECT_EQ(ref.doi(), "");
  EXPECT_EQ(ref.pmid(), "");
}

TEST(IdentifiersTest, WwwUrlGetsAScheme) {
  v1::Reference ref;
  std::string t = "Programming languages. URL: www.cs.rice.edu/~m/mono.ps.";
  ExtractUrls(&t, &ref);
  EXPECT_EQ(t, "Programming languages. \x1f.");
  EXPECT_EQ(ref.url(), "http://www.cs.rice.edu/~m/mono.ps");
}

TEST(IdentifiersTest, UrlSplitByALineBreakIsJoined) {
  v1::Reference ref;
  std::string t = "See http://www.example.org/docs/ report.pdf for more";
  ExtractUrls(&t, &ref);
  EXPECT_EQ(ref.url(), "http://www.example.org/docs/report.pdf");
}

TEST(IdentifiersTest, DoiAndPmidComeFromTheirAddresses) {
  v1::Reference ref;
  std::string t = "A. https://doi.org/10.1000%2Fxyz B. http://www.ncbi.nlm.nih.gov/pubmed/12345 C";
  ExtractUrls(&t, &ref);
  EXPECT_EQ(ref.url(), "https://doi.org/10.1000%2Fxyz");  // the first address
  EXPECT_EQ(ref.doi(), "10.1000/xyz");
  EXPECT_EQ(ref.pmid(), "12345");
  EXPECT_EQ(t, "A. \x1f B. \x1f C");
}

TEST(IdentifiersTest, AVeryShortAddressIsCutButNotRecorded) {
  v1::Reference ref;
  std::string t = "x http://x.io y";
  ExtractUrls(&t, &ref);
  EXPECT_EQ(t, "x \x1f y");
  EXPECT_EQ(ref.url(), "");
}

TEST(IdentifiersTest, BareDoiIsCutWithItsPrefix) {
  v1::Reference ref;
  std::string t = "Journal. 2021; doi:10.3390/ijms222111694.";
  ExtractDois(&t, &ref);
  EXPECT_EQ(t, "Journal. 2021; \x1f.");
  EXPECT_EQ(ref.doi(), "10.3390/ijms222111694");

  ref.Clear();
  t = "Title (DOI: 10.1000/182) end";
  ExtractDois(&t, &ref);
  EXPECT_EQ(t, "Title \x1f end");
  EXPECT_EQ(ref.doi(), "10.1000/182");
}

TEST(IdentifiersTest, TooShortARegistrantIsNoDoi) {
  v1::Reference ref;
  std::string t = "Figure 10.12/x";
  ExtractDois(&t, &ref);
  EXPECT_EQ(t, "Figure 10.12/x");
  EXPECT_EQ(ref.doi(), "");
}

TEST(IdentifiersTest, PubMedIdsAndBookNumbersAreCut) {
  v1::Reference ref;
  std::string t = "Smith. PubMed PMID: 11545543. ISBN 978-0-12-345678-9. PMCID: PMC123456.";
  ExtractIds(&t, &ref);
  EXPECT_EQ(t, "Smith. \x1f. \x1f. \x1f.");
  EXPECT_EQ(ref.pmid(), "11545543");
}

TEST(IdentifiersTest, BoilerplateIsCut) {
  std::string t = "Title [Internet]. Available online. Epub ahead of print. Available";
  ExtractBoilerplate(&t);
  EXPECT_EQ(t, "Title \x1f. \x1f. \x1f. Available");
}

}  // namespace
}  // namespace healthcontent::importers::citation
