#include "importers/citation/code_points.h"

#include "gtest/gtest.h"

namespace healthcontent::importers::citation {
namespace {

TEST(CodePointsTest, AtDecodesOneToFourBytes) {
  // "a", "é", "—", "😀"
  absl::string_view s = "a\xC3\xA9\xE2\x80\x94\xF0\x9F\x98\x80";
  EXPECT_EQ(At(s, 0).c, U'a');
  EXPECT_EQ(At(s, 0).len, 1u);
  EXPECT_EQ(At(s, 1).c, char32_t{0xE9});
  EXPECT_EQ(At(s, 1).len, 2u);
  EXPECT_EQ(At(s, 3).c, char32_t{0x2014});
  EXPECT_EQ(At(s, 3).len, 3u);
  EXPECT_EQ(At(s, 6).c, char32_t{0x1F600});
  EXPECT_EQ(At(s, 6).len, 4u);
}

TEST(CodePointsTest, AtReadsAStrayOrCutOffByteAsOneReplacementCharacter) {
  EXPECT_EQ(At("\x80", 0).c, char32_t{0xFFFD});
  EXPECT_EQ(At("\x80", 0).len, 1u);
  EXPECT_EQ(At("\xE2\x80", 0).c, char32_t{0xFFFD});  // three-byte lead, two bytes left
  EXPECT_EQ(At("\xE2\x80", 0).len, 1u);
}

TEST(CodePointsTest, CaseOfLatinGreekAndCyrillic) {
  EXPECT_TRUE(IsUpperCp(U'A'));
  EXPECT_TRUE(IsUpperCp(0xC9));    // É
  EXPECT_FALSE(IsUpperCp(0xD7));   // ×
  EXPECT_TRUE(IsLowerCp(0xE9));    // é
  EXPECT_FALSE(IsLowerCp(0xF7));   // ÷
  EXPECT_TRUE(IsUpperCp(0x141));   // Ł
  EXPECT_TRUE(IsLowerCp(0x142));   // ł
  EXPECT_TRUE(IsUpperCp(0x100));   // Ā
  EXPECT_TRUE(IsLowerCp(0x101));   // ā
  EXPECT_FALSE(IsUpperCp(0x149));  // ŉ
  EXPECT_TRUE(IsUpperCp(0x3A3));   // Σ
  EXPECT_TRUE(IsLowerCp(0x3C3));   // σ
  EXPECT_TRUE(IsUpperCp(0x414));   // Д
  EXPECT_TRUE(IsLowerCp(0x434));   // д
  EXPECT_FALSE(IsUpperCp(U'1'));
  EXPECT_FALSE(IsLowerCp(U'1'));
}

TEST(CodePointsTest, OtherClasses) {
  EXPECT_TRUE(IsLetterCp(0x4E2D));  // 中
  EXPECT_TRUE(IsLetterCp(0x301));   // combining acute
  EXPECT_TRUE(IsCombiningCp(0x301));
  EXPECT_FALSE(IsLetterCp(U'1'));
  EXPECT_FALSE(IsLetterCp(U'-'));
  EXPECT_TRUE(IsSpaceCp(0xA0));    // no-break space
  EXPECT_TRUE(IsSpaceCp(0x2003));  // em space
  EXPECT_TRUE(IsSpaceCp(0x1F));    // control characters count as space
  EXPECT_FALSE(IsSpaceCp(U'a'));
  EXPECT_TRUE(IsInvisibleCp(0xAD));  // soft hyphen
  EXPECT_TRUE(IsInvisibleCp(0x200B));
  EXPECT_TRUE(IsInvisibleCp(0xFEFF));
  EXPECT_FALSE(IsInvisibleCp(U' '));
  EXPECT_TRUE(IsDashCp(U'-'));
  EXPECT_TRUE(IsDashCp(0x2013));  // –
  EXPECT_TRUE(IsDashCp(0x2212));  // −
  EXPECT_FALSE(IsDashCp(U'_'));
  EXPECT_TRUE(IsOpenQuoteCp(0x201C));   // “
  EXPECT_FALSE(IsOpenQuoteCp(0x201D));  // ”
  EXPECT_TRUE(IsQuoteCp(0x201D));
  EXPECT_TRUE(IsQuoteCp(0xBB));  // »
  EXPECT_FALSE(IsQuoteCp(U'`'));
}

TEST(CodePointsTest, TestsAtAPositionAnswerFalsePastTheEnd) {
  EXPECT_TRUE(IsUpperAt("Ab", 0));
  EXPECT_FALSE(IsUpperAt("Ab", 1));
  EXPECT_FALSE(IsUpperAt("Ab", 2));
  EXPECT_TRUE(IsLowerAt("Ab", 1));
  EXPECT_TRUE(IsLetterAt("\xC3\xA9", 0));
  EXPECT_FALSE(IsLetterAt("x", 5));
  EXPECT_TRUE(IsDigitAt("a1", 1));
  EXPECT_FALSE(IsDigitAt("a1", 2));
  EXPECT_FALSE(IsDigitAt("\xD9\xA1", 0));  // Arabic-Indic one: ASCII digits only
  EXPECT_TRUE(IsAlnumAt("a1", 0));
  EXPECT_TRUE(IsAlnumAt("a1", 1));
  EXPECT_FALSE(IsAlnumAt("a.", 1));
}

TEST(CodePointsTest, PrevCpStepsBackOneCodePoint) {
  absl::string_view s =
      "a\xC3\xA9"
      "b";  // a é b
  EXPECT_EQ(PrevCp(s, 4), 3u);
  EXPECT_EQ(PrevCp(s, 3), 1u);
  EXPECT_EQ(PrevCp(s, 1), 0u);
  EXPECT_EQ(PrevCp(s, 0), 0u);
  EXPECT_TRUE(IsLetterBefore(s, 3));
  EXPECT_FALSE(IsLetterBefore(s, 0));
  EXPECT_FALSE(IsLetterBefore("1 a", 2));
}

TEST(CodePointsTest, CountCpsCountsCodePointsNotBytes) {
  EXPECT_EQ(CountCps(""), 0u);
  EXPECT_EQ(CountCps("abc"), 3u);
  EXPECT_EQ(CountCps("a\xC3\xA9\xE2\x80\x94"), 3u);
}

}  // namespace
}  // namespace healthcontent::importers::citation
