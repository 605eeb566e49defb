#include "importers/citation/text.h"

#include <string>

#include "gtest/gtest.h"
#include "importers/reference_parser.h"

namespace healthcontent::importers::citation {
namespace {

TEST(TextTest, ValidUtf8KeepsValidTextAndReplacesEachBadByte) {
  EXPECT_EQ(ValidUtf8("P\xC3\xA9rez \xE2\x80\x94 \xF0\x9F\x98\x80"),
            "P\xC3\xA9rez \xE2\x80\x94 \xF0\x9F\x98\x80");
  EXPECT_EQ(ValidUtf8("a\xFF"
                      "b"),
            "a\xEF\xBF\xBD"
            "b");
  // An overlong "/" and a surrogate: every byte of them becomes U+FFFD.
  EXPECT_EQ(ValidUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(ValidUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(ValidUtf8("x\xE2\x80"), "x\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(ValidUtf8(""), "");
}

TEST(TextTest, CleanCollapsesSpacesAndDropsMarkup) {
  EXPECT_EQ(Clean("  Smith  J ,  Title\t\nNext ;x  "), "Smith J, Title Next;x");
  EXPECT_EQ(Clean("<i>Nature</i> 2001;<b>4</b>"), "Nature 2001;4");
  EXPECT_EQ(Clean("a <script>b"), "a <script>b");  // not inline markup: kept
  EXPECT_EQ(Clean("a\xC2\xA0"
                  "b\xE2\x80\x83"
                  "c"),
            "a b c");  // no-break and em spaces
  EXPECT_EQ(Clean("co\xC2\xAD"
                  "operate\xE2\x80\x8B"),
            "cooperate");  // soft hyphen, zero width
  EXPECT_EQ(Clean("a\x1f"
                  "b"),
            "a b");  // a cut mark in the input is only a space
}

TEST(TextTest, CleanMakesTexQuotesCurly) {
  EXPECT_EQ(Clean("``Title,'' Journal"), "\xE2\x80\x9CTitle,\xE2\x80\x9D Journal");
}

TEST(TextTest, CleanReadsOnlyTheParsedPrefixEndingOnACodePoint) {
  EXPECT_EQ(Clean(std::string(5000, 'a')).size(), kMaxParsedCitationBytes);
  // "é" would straddle the limit: it is left out whole.
  std::string straddling = std::string(kMaxParsedCitationBytes - 1, 'a') + "\xC3\xA9";
  EXPECT_EQ(Clean(straddling), std::string(kMaxParsedCitationBytes - 1, 'a'));
}

TEST(TextTest, WordScans) {
  EXPECT_TRUE(StartsWithAt("In: Book", 0, "in:"));
  EXPECT_FALSE(StartsWithAt("ab", 3, ""));
  EXPECT_EQ(FindIgnoreCase("Proceedings of the ACM", "OF THE"), 12u);
  EXPECT_EQ(FindIgnoreCase("Proceedings", "xyz"), npos);
  EXPECT_EQ(FindIgnoreCase("ab", "abc"), npos);
  EXPECT_TRUE(WordAt("Eds. Book", 0, "eds"));
  EXPECT_FALSE(WordAt("Edsel", 0, "eds"));
  EXPECT_EQ(SkipSpaces("a   b", 1), 4u);
  EXPECT_EQ(SkipSpaces("a", 1), 1u);
  EXPECT_EQ(SkipChars("., ;x", 0, ".,; "), 4u);
  EXPECT_EQ(WordEnd("O'Connor-Smith, J", 0), 14u);
  EXPECT_EQ(WordEnd("ab- c", 0), 2u);  // a hyphen joins letters only
  EXPECT_EQ(WordEnd("1ab", 0), 0u);
  EXPECT_TRUE(ContainsDigit("Vol. 3"));
  EXPECT_FALSE(ContainsDigit("Vol."));
  EXPECT_TRUE(IsOneOf("ed", {"eds", "ed"}));
  EXPECT_FALSE(IsOneOf("Ed", {"eds", "ed"}));
}

TEST(TextTest, TrimFieldStripsSeparatorsAndUnpairedBrackets) {
  EXPECT_EQ(TrimField(" , Title. "), "Title");
  EXPECT_EQ(TrimField("\x1f Title;\x1f"), "Title");
  EXPECT_EQ(TrimField("(Title"), "Title");
  EXPECT_EQ(TrimField("Title)"), "Title");
  EXPECT_EQ(TrimField("(4)"), "(4)");
  EXPECT_EQ(TrimField("Smith J ["), "Smith J");
  EXPECT_EQ(TrimField("- Title -"), "Title -");  // a leading dash goes, a trailing one stays
  EXPECT_EQ(TrimField(".,;"), "");
}

TEST(TextTest, ReadNumberReadsUpToMaxDigits) {
  int v = -1;
  EXPECT_EQ(ReadNumber("2001a", 0, 4, &v), 4u);
  EXPECT_EQ(v, 2001);
  EXPECT_EQ(ReadNumber("12345", 0, 3, &v), 3u);
  EXPECT_EQ(v, 123);
  EXPECT_EQ(ReadNumber("x1", 0, 4, &v), 0u);
  EXPECT_EQ(v, 0);
}

TEST(TextTest, CutLeavesOneMark) {
  std::string t = "see http://x.org here";
  Cut(&t, 4, 16);
  EXPECT_EQ(t, "see \x1f here");
}

}  // namespace
}  // namespace healthcontent::importers::citation
