#include "importers/citation/publishers.h"

#include <string>

#include "gtest/gtest.h"

namespace healthcontent::importers::citation {
namespace {

TEST(PublishersTest, PlaceColonPublisherYear) {
  PublisherPart p;
  ASSERT_TRUE(ReadPublisher("New York: Wiley; 2001", &p));
  EXPECT_EQ(p.publisher, "Wiley");
  EXPECT_EQ(p.year, 2001);
  EXPECT_EQ(p.pages, "");
  EXPECT_EQ(p.volume, "");
}

TEST(PublishersTest, PublisherWordOrAmaSemicolon) {
  PublisherPart p;
  ASSERT_TRUE(ReadPublisher("Eastland Press, 1981", &p));
  EXPECT_EQ(p.publisher, "Eastland Press");
  EXPECT_EQ(p.year, 1981);

  p = PublisherPart();
  ASSERT_TRUE(ReadPublisher("Mayo Clinic; 2020", &p));
  EXPECT_EQ(p.publisher, "Mayo Clinic");
  EXPECT_EQ(p.year, 2020);
}

TEST(PublishersTest, JournalsAndBareNamesAreNoPublisher) {
  PublisherPart p;
  p.publisher = "unchanged";
  EXPECT_FALSE(ReadPublisher("Mayo Clinic, 2020", &p));  // without ";" as likely a newspaper
  EXPECT_FALSE(ReadPublisher("Journal of Intelligent Information Systems, 1995", &p));
  EXPECT_FALSE(ReadPublisher("Cancer Treat Rev 27 (4): 235-46", &p));
  EXPECT_EQ(p.publisher, "unchanged");
}

TEST(PublishersTest, ParentheticalPublisher) {
  absl::string_view text = "The Title (Boston: Little, Brown, 1999)";
  PublisherPart p;
  ASSERT_TRUE(SplitParentheticalPublisher(&text, &p));
  EXPECT_EQ(text, "The Title");
  EXPECT_EQ(p.publisher, "Little, Brown");
  EXPECT_EQ(p.year, 1999);

  absl::string_view dated = "The Title (1999)";
  EXPECT_FALSE(SplitParentheticalPublisher(&dated, &p));
  EXPECT_EQ(dated, "The Title (1999)");
}

TEST(PublishersTest, WordLists) {
  EXPECT_TRUE(HasPublisherWord("Oxford University Press"));
  EXPECT_TRUE(HasPublisherWord("ACME INC"));
  EXPECT_FALSE(HasPublisherWord("Pressure Journal"));
  EXPECT_TRUE(LooksLikePlace("New York, NY"));
  EXPECT_TRUE(LooksLikePlace("[Philadelphia, Pa]"));
  EXPECT_TRUE(LooksLikePlace("Ross-on-Wye"));
  EXPECT_FALSE(LooksLikePlace("new york"));
  EXPECT_FALSE(LooksLikePlace("Room 101"));
  EXPECT_FALSE(LooksLikePlace("One Two Three Four Five Six"));
}

}  // namespace
}  // namespace healthcontent::importers::citation
