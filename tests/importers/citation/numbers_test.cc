#include "importers/citation/numbers.h"

#include <string>

#include "absl/strings/str_cat.h"
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

// Numbers in one line: "v=27 i=4 p=235-46 y=2001", then the shape flags that
// are set (";year", "colon", "vol.") and "journal" when LooksLikeJournal.
std::string Describe(const Numbers& n) {
  std::string out = absl::StrCat("v=", n.volume, " i=", n.issue, " p=", n.pages, " y=", n.year);
  if (n.year_semicolon) absl::StrAppend(&out, " ;year");
  if (n.colon) absl::StrAppend(&out, " colon");
  if (n.volume_keyword) absl::StrAppend(&out, " vol.");
  if (n.LooksLikeJournal()) absl::StrAppend(&out, " journal");
  return out;
}

TEST(NumbersTest, ReadNumbersInEachStyle) {
  const std::pair<std::string, std::string> cases[] = {
      {"27 (4): 235-46, 2001", "v=27 i=4 p=235-46 y=2001 colon journal"},     // NLM
      {"2001;27(4):235-46", "v=27 i=4 p=235-46 y=2001 ;year colon journal"},  // Vancouver
      // The month and day before ";" belong to the date.
      {"2019 Jan 3;380(1):11-22", "v=380 i=1 p=11-22 y=2019 ;year colon journal"},
      {"Vol. 39, No. 2, pp. 1-10", "v=39 i=2 p=1-10 y=0 vol. journal"},
      {"pp. 43 - 102", "v= i= p=43 - 102 y=0"},                  // a spaced range is one value
      {"(2): CD003297", "v= i=2 p=CD003297 y=0 colon journal"},  // issue only
      {"14(8), 983-995", "v=14 i=8 p=983-995 y=0 journal"},      // APA
      {"2001", "v= i= p= y=2001"},                               // a year alone
      {"", "v= i= p= y=0"},
  };
  for (const auto& [tail, expected] : cases) {
    EXPECT_EQ(Describe(ReadNumbers(tail)), expected) << tail;
  }
}

}  // namespace
}  // namespace healthcontent::importers::citation
