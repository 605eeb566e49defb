#include "common/page_token.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace healthcontent {
namespace {

using ::testing::HasSubstr;

TEST(PageTokenTest, RoundTrips) {
  uint64_t fp = QueryFingerprint("ListArticles");
  std::string token = EncodePageToken(fp, "biological-therapy-for-cancer");
  auto key = DecodePageToken(token, fp, "page_token");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, "biological-therapy-for-cancer");
  EXPECT_EQ(*DecodePageToken("", fp, "page_token"), "");
}

TEST(PageTokenTest, RefusesTokensOfAnotherQuery) {
  std::string token = EncodePageToken(QueryFingerprint("ListArticles"), "a");
  auto key = DecodePageToken(token, QueryFingerprint("ListTherapyTypes"), "page_token");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(key.status().message(), HasSubstr("page_token: was issued for a different query"));
}

TEST(PageTokenTest, RefusesGarbage) {
  uint64_t fp = QueryFingerprint("q");
  for (const std::string& bad :
       {std::string("not base64!"), std::string("cDE6"), std::string(5000, 'A'),
        std::string("cDI6MTIzOmE"), std::string("' OR 1=1 --")}) {
    auto key = DecodePageToken(bad, fp, "page_token");
    ASSERT_FALSE(key.ok()) << bad;
    EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(key.status().message(), HasSubstr("page_token"));
  }
}

TEST(PageTokenTest, ResolvesPageSize) {
  EXPECT_EQ(*ResolvePageSize(0, "page_size"), kDefaultPageSize);
  EXPECT_EQ(*ResolvePageSize(7, "page_size"), 7);
  EXPECT_EQ(*ResolvePageSize(100000, "page_size"), kMaxPageSize);
  auto negative = ResolvePageSize(-1, "page_size");
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.status().message(), "page_size: must not be negative, got -1");
}

}  // namespace
}  // namespace healthcontent
