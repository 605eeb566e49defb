#include "common/token_bucket.h"

#include "gtest/gtest.h"

namespace healthcontent {
namespace {

TEST(TokenBucketTest, StartsFullThenGrantsAtItsRate) {
  const absl::Time start = absl::FromUnixSeconds(1000);
  TokenBucket bucket(/*rate=*/100, /*burst=*/50, start);
  EXPECT_EQ(bucket.Take(30, start), 30);
  EXPECT_EQ(bucket.Take(30, start), 20);  // what was left
  EXPECT_EQ(bucket.Take(1, start), 0);
  EXPECT_EQ(bucket.TimeUntil(10, start), absl::Milliseconds(100));
  EXPECT_EQ(bucket.Take(100, start + absl::Milliseconds(100)), 10);
  // Never more than the burst, however long it rested.
  EXPECT_EQ(bucket.Take(1000, start + absl::Hours(1)), 50);
  EXPECT_EQ(bucket.TimeUntil(500, start + absl::Hours(1)), absl::Milliseconds(500));  // 50 max
  // Time going backwards grants nothing new.
  EXPECT_EQ(bucket.Take(1, start), 0);
}

TEST(TokenBucketTest, ARateOfZeroIsUnlimited) {
  const absl::Time now = absl::FromUnixSeconds(1000);
  TokenBucket bucket(0, 1, now);
  EXPECT_EQ(bucket.Take(1000000, now), 1000000);
  EXPECT_EQ(bucket.TimeUntil(1000000, now), absl::ZeroDuration());
}

}  // namespace
}  // namespace healthcontent
