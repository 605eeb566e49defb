#include "importers/citation/segments.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace healthcontent::importers::citation {
namespace {

std::vector<std::string> Split(absl::string_view r) {
  std::vector<std::string> out;
  for (const Seg& seg : SplitSegments(r)) out.emplace_back(r.substr(seg.b, seg.e - seg.b));
  return out;
}

TEST(SegmentsTest, SplitsAtSentenceStopsOnly) {
  EXPECT_EQ(Split("Title of work. J Natl Cancer Inst. 2001;27:1-5."),
            (std::vector<std::string>{"Title of work", "J Natl Cancer Inst. 2001;27:1-5"}));
  EXPECT_EQ(Split("Work by J. Smith. Proc. 5th. BCS Workshop. Vol. 3"),
            (std::vector<std::string>{"Work by J. Smith", "Proc. 5th. BCS Workshop", "Vol. 3"}));
}

TEST(SegmentsTest, QuestionMarksCutMarksAndNlmBrackets) {
  EXPECT_EQ(Split("What is it? A study! Next"),
            (std::vector<std::string>{"What is it?", "A study!", "Next"}));
  EXPECT_EQ(Split("Title\x1f Journal"), (std::vector<std::string>{"Title", "Journal"}));
  EXPECT_EQ(Split("[Effect of x] Zhongguo Za Zhi 14 (9): 1-2"),
            (std::vector<std::string>{"[Effect of x]", "Zhongguo Za Zhi 14 (9): 1-2"}));
}

TEST(SegmentsTest, RangesPointIntoTheText) {
  std::vector<Seg> segs = SplitSegments(" One. Two.");
  ASSERT_EQ(segs.size(), 2u);
  EXPECT_EQ(segs[0].b, 1u);
  EXPECT_EQ(segs[0].e, 4u);
  EXPECT_EQ(segs[1].b, 6u);
  EXPECT_EQ(segs[1].e, 9u);
  EXPECT_TRUE(SplitSegments(" . ; ").empty());
}

TEST(SegmentsTest, SentenceEndsAt) {
  EXPECT_TRUE(SentenceEndsAt("Title. Next", 5));
  EXPECT_TRUE(SentenceEndsAt("Title.", 5));
  EXPECT_FALSE(SentenceEndsAt("Title. next", 5));  // lower case follows
  EXPECT_FALSE(SentenceEndsAt("J. Smith", 1));     // an initial
  EXPECT_FALSE(SentenceEndsAt("Vol. 3", 3));       // an abbreviation
  EXPECT_FALSE(SentenceEndsAt("p. 45", 1));        // a letter before a number
  EXPECT_FALSE(SentenceEndsAt("U.S. Army", 1));    // no space after
}

}  // namespace
}  // namespace healthcontent::importers::citation
