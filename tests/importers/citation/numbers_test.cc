#include "importers/citation/numbers.h"

#include <string>

#include "gtest/gtest.h"

namespace healthcontent::importers::citation {
namespace {

TEST(NumbersTest, NumericTailStartFindsTheRunOfNumbers) {
  EXPECT_EQ(NumericTailStart("Cancer Treat Rev 27 (4): 235-46, 2001"), 17u);
  EXPECT_EQ(NumericTailStart("Cochrane Database Syst Rev (2): CD003297"), 27u);
  EXPECT_EQ(NumericTailStart("J Endod, Vol. 9, pp. 1477-81"), 9u);
  EXPECT_EQ(NumericTailStart("Title without numbers"), 21u);
  EXPECT_EQ(NumericTailStart("2001;27(4):235-46"), 0u);
}

TEST(NumbersTest, Nlm) {
  Numbers n = ReadNumbers("27 (4): 235-46, 2001");
  EXPECT_EQ(n.volume, "27");
  EXPECT_EQ(n.issue, "4");
  EXPECT_EQ(n.pages, "235-46");
  EXPECT_EQ(n.year, 2001);
  EXPECT_TRUE(n.colon);
  EXPECT_FALSE(n.year_semicolon);
  EXPECT_TRUE(n.LooksLikeJournal());
}

TEST(NumbersTest, Vancouver) {
  Numbers n = ReadNumbers("2001;27(4):235-46");
  EXPECT_EQ(n.year, 2001);
  EXPECT_TRUE(n.year_semicolon);
  EXPECT_EQ(n.volume, "27");
  EXPECT_EQ(n.issue, "4");
  EXPECT_EQ(n.pages, "235-46");

  n = ReadNumbers("2019 Jan 3;380(1):11-22");  // the month and day belong to the date
  EXPECT_EQ(n.year, 2019);
  EXPECT_EQ(n.volume, "380");
  EXPECT_EQ(n.issue, "1");
  EXPECT_EQ(n.pages, "11-22");
}

TEST(NumbersTest, Keywords) {
  Numbers n = ReadNumbers("Vol. 39, No. 2, pp. 1-10");
  EXPECT_EQ(n.volume, "39");
  EXPECT_EQ(n.issue, "2");
  EXPECT_EQ(n.pages, "1-10");
  EXPECT_TRUE(n.volume_keyword);
  EXPECT_EQ(n.year, 0);
  EXPECT_TRUE(n.LooksLikeJournal());

  n = ReadNumbers("pp. 43 - 102");  // a spaced range is one value
  EXPECT_EQ(n.pages, "43 - 102");
  EXPECT_FALSE(n.LooksLikeJournal());
}

TEST(NumbersTest, IssueOnlyAndApa) {
  Numbers n = ReadNumbers("(2): CD003297");
  EXPECT_EQ(n.volume, "");
  EXPECT_EQ(n.issue, "2");
  EXPECT_EQ(n.pages, "CD003297");
  EXPECT_TRUE(n.LooksLikeJournal());

  n = ReadNumbers("14(8), 983-995");
  EXPECT_EQ(n.volume, "14");
  EXPECT_EQ(n.issue, "8");
  EXPECT_EQ(n.pages, "983-995");
}

TEST(NumbersTest, NothingToRead) {
  Numbers n = ReadNumbers("");
  EXPECT_EQ(n.volume, "");
  EXPECT_EQ(n.issue, "");
  EXPECT_EQ(n.pages, "");
  EXPECT_EQ(n.year, 0);
  EXPECT_FALSE(n.LooksLikeJournal());
  EXPECT_FALSE(ReadNumbers("2001").LooksLikeJournal());  // a year alone
}

}  // namespace
}  // namespace healthcontent::importers::citation
