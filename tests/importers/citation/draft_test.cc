#include "importers/citation/draft.h"

#include <string>

#include "gtest/gtest.h"

namespace healthcontent::importers::citation {
namespace {

TEST(DraftTest, SetTextAndSetShortTrimAndKeepWithinTheLimits) {
  std::string out = "before";
  SetText("  Title.  ", &out);
  EXPECT_EQ(out, "Title");
  SetText(std::string(2001, 'a'), &out);  // over kMaxTextBytes: left as it was
  EXPECT_EQ(out, "Title");
  SetText(std::string(2000, 'a'), &out);
  EXPECT_EQ(out.size(), 2000u);

  SetShort(" 27, ", &out);
  EXPECT_EQ(out, "27");
  SetShort(std::string(101, '1'), &out);  // over kMaxShortBytes
  EXPECT_EQ(out, "27");
}

TEST(DraftTest, SetTitleDropsQuotesAroundTheWholeTitle) {
  v1::Reference ref;
  SetTitle("\xE2\x80\x9CQuoted title.\xE2\x80\x9D", &ref);
  EXPECT_EQ(ref.title(), "Quoted title");
  SetTitle("'What\xE2\x80\x99s new'", &ref);  // an apostrophe inside does not count
  EXPECT_EQ(ref.title(), "What\xE2\x80\x99s new");
  // Quotes inside: the outer ones may not be a pair.
  SetTitle("\"A \xE2\x80\x9Cquoted\xE2\x80\x9D word\"", &ref);
  EXPECT_EQ(ref.title(), "\"A \xE2\x80\x9Cquoted\xE2\x80\x9D word\"");
}

TEST(DraftTest, AddNamesKeepsTheStopOfAnInitial) {
  NameList list;
  std::string too_long(301, 'a');
  list.names = {"Romero, C.", "Smith J. ", too_long, ", "};
  v1::Reference ref;
  AddNames(list, ref.mutable_authors());
  ASSERT_EQ(ref.authors_size(), 2);
  EXPECT_EQ(ref.authors(0), "Romero, C.");
  EXPECT_EQ(ref.authors(1), "Smith J.");
}

TEST(DraftTest, ApplyPublisherFillsOnlyWhatIsEmpty) {
  v1::Reference ref;
  ref.set_publisher("Existing");
  Draft d(&ref);
  PublisherPart pub;
  pub.publisher = "Wiley";
  pub.pages = "1-10";
  pub.volume = "3";
  pub.year = 2001;
  ApplyPublisher(pub, &d);
  EXPECT_EQ(ref.publisher(), "Existing");
  EXPECT_EQ(ref.pages(), "1-10");
  EXPECT_EQ(ref.volume(), "3");
  EXPECT_EQ(d.year, 2001);

  pub.year = 1999;
  pub.pages = "5";
  ApplyPublisher(pub, &d);
  EXPECT_EQ(d.year, 2001);
  EXPECT_EQ(ref.pages(), "1-10");
}

TEST(DraftTest, StartsEmpty) {
  v1::Reference ref;
  Draft d(&ref);
  EXPECT_EQ(d.ref, &ref);
  EXPECT_EQ(d.year, 0);
  EXPECT_FALSE(d.comma_style);
  EXPECT_EQ(d.kind, v1::Reference::OTHER);
}

}  // namespace
}  // namespace healthcontent::importers::citation
