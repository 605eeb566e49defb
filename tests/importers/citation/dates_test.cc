#include "importers/citation/dates.h"

#include <string>

#include "gtest/gtest.h"

namespace healthcontent::importers::citation {
namespace {

TEST(DatesTest, PlausibleYears) {
  EXPECT_FALSE(IsPlausibleYear(1499));
  EXPECT_TRUE(IsPlausibleYear(1500));
  EXPECT_TRUE(IsPlausibleYear(2099));
  EXPECT_FALSE(IsPlausibleYear(2100));
}

TEST(DatesTest, YearAtReadsAYearStandingAlone) {
  int y = 0;
  EXPECT_EQ(YearAt("2001.", 0, &y), 4u);
  EXPECT_EQ(y, 2001);
  EXPECT_EQ(YearAt("1993a, Title", 0, &y), 5u);
  EXPECT_EQ(y, 1993);
  y = 7;
  EXPECT_EQ(YearAt("12001", 1, &y), npos);      // part of a longer number
  EXPECT_EQ(YearAt("v2001", 1, &y), npos);      // after a letter
  EXPECT_EQ(YearAt("1988-1992", 0, &y), npos);  // a range
  EXPECT_EQ(YearAt("1988-1992", 5, &y), npos);
  EXPECT_EQ(YearAt("2001.5", 0, &y), npos);  // a decimal
  EXPECT_EQ(YearAt("2001/02", 0, &y), npos);
  EXPECT_EQ(YearAt("1499", 0, &y), npos);
  EXPECT_EQ(y, 7);  // untouched on a miss
}

TEST(DatesTest, FirstAndLastYear) {
  EXPECT_EQ(FirstYear("Smith (2001) and 2005"), 2001);
  EXPECT_EQ(FirstYear("no year 12345"), 0);
  EXPECT_EQ(LastYear("1999, reprinted 2005."), 2005);
  EXPECT_EQ(LastYear("(1999/2000)"), 1999);  // a range: its first year
  EXPECT_EQ(LastYear("1889-96"), 1889);
  EXPECT_EQ(LastYear("29/10/2010"), 2010);  // only a numeric date holds one
  EXPECT_EQ(LastYear("no year"), 0);
}

TEST(DatesTest, MonthNumbersInTheLanguagesTheCorporaPrint) {
  EXPECT_EQ(MonthNumber("March"), 3);
  EXPECT_EQ(MonthNumber("mar"), 3);
  EXPECT_EQ(MonthNumber("Sept"), 9);
  EXPECT_EQ(MonthNumber("SEPTEMBER"), 9);
  EXPECT_EQ(MonthNumber("m\xC3\xA4rz"), 3);
  EXPECT_EQ(MonthNumber("ao\xC3\xBBt"), 8);
  EXPECT_EQ(MonthNumber("Juni"), 6);
  EXPECT_EQ(MonthNumber("Ma"), 0);
  EXPECT_EQ(MonthNumber("Marchx"), 0);
  EXPECT_TRUE(IsSeason("Winter"));
  EXPECT_TRUE(IsSeason("autumn"));
  EXPECT_FALSE(IsSeason("Spring."));
}

struct DateCase {
  std::string text;
  int year, month, day;
  size_t end;
};

TEST(DatesTest, DateAtReadsEachPrintedForm) {
  const DateCase cases[] = {
      {"March 22, 2023", 2023, 3, 22, 14}, {"22 March 2023", 2023, 3, 22, 13},
      {"2023 Mar 22", 2023, 3, 22, 11},    {"2023-03-22", 2023, 3, 22, 10},
      {"19-Oct-2017", 2017, 10, 19, 11},   {"3/22/2023", 2023, 3, 22, 9},
      {"22.03.2023", 2023, 3, 22, 10},     {"March 2023", 2023, 3, 0, 10},
      {"2023 Mar. x", 2023, 3, 0, 9},
  };
  for (const DateCase& c : cases) {
    DayDate d = DateAt(c.text, 0);
    EXPECT_EQ(d.year, c.year) << c.text;
    EXPECT_EQ(d.month, c.month) << c.text;
    EXPECT_EQ(d.day, c.day) << c.text;
    EXPECT_EQ(d.end, c.end) << c.text;
  }
}

TEST(DatesTest, DateAtFindsNoneWithoutAMonthOrAFullDate) {
  for (absl::string_view text : {"Tuesday", "2023", "2023-03", "March", "123/4/2020", ""}) {
    EXPECT_EQ(DateAt(text, 0).end, npos) << text;
  }
}

TEST(DatesTest, SetDateAcceptsOnlyARealDay) {
  google::type::Date out;
  out.set_year(1);
  EXPECT_FALSE(SetDate({2023, 2, 30, 10}, &out));
  EXPECT_FALSE(SetDate({2023, 3, 0, 10}, &out));
  EXPECT_EQ(out.year(), 1);
  ASSERT_TRUE(SetDate({2023, 3, 22, 10}, &out));
  EXPECT_EQ(out.year(), 2023);
  EXPECT_EQ(out.month(), 3);
  EXPECT_EQ(out.day(), 22);
}

}  // namespace
}  // namespace healthcontent::importers::citation
