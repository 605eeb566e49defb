// Utf8CharBoundary: where a string can be cut without splitting a character.
#include "common/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace healthcontent {
namespace {

TEST(Utf8CharBoundaryTest, BacksOffToTheStartOfACharacter) {
  const std::string text =
      "a\xC3\xA9\xE2\x82\xAC"
      "b";  // a, é (2 bytes), € (3 bytes), b
  EXPECT_EQ(Utf8CharBoundary(text, 0), 0u);
  EXPECT_EQ(Utf8CharBoundary(text, 1), 1u);  // é starts here
  EXPECT_EQ(Utf8CharBoundary(text, 2), 1u);  // inside é
  EXPECT_EQ(Utf8CharBoundary(text, 3), 3u);  // € starts here
  EXPECT_EQ(Utf8CharBoundary(text, 5), 3u);  // inside €
  EXPECT_EQ(Utf8CharBoundary(text, 6), 6u);
  EXPECT_EQ(Utf8CharBoundary(text, 7), 7u);   // the end
  EXPECT_EQ(Utf8CharBoundary(text, 99), 7u);  // past the end
  EXPECT_TRUE(IsValidUtf8(text.substr(0, Utf8CharBoundary(text, 4))));
}

}  // namespace
}  // namespace healthcontent
