// The response cache on its own: versions, replacement, the byte bound.
#include "api/response_cache.h"

#include <string>

#include "gtest/gtest.h"

namespace healthcontent::api {
namespace {

grpc::Slice Bytes(const std::string& text) { return grpc::Slice(text); }
std::string Text(const std::optional<grpc::Slice>& slice) {
  return slice ? std::string(reinterpret_cast<const char*>(slice->begin()), slice->size()) : "";
}

TEST(ResponseCacheTest, AnswersOnlyTheVersionAnEntryWasStoredFor) {
  ResponseCache cache(1 << 20);
  const ResponseCache::Version v1{7, 10};
  const ResponseCache::Version v2{7, 11};     // one commit later
  const ResponseCache::Version other{8, 10};  // another dataset (a swapped bundle)
  EXPECT_FALSE(cache.Find("k", v1));
  cache.Insert("k", v1, Bytes("answer at 10"));
  EXPECT_EQ(Text(cache.Find("k", v1)), "answer at 10");
  EXPECT_FALSE(cache.Find("k", other));
  // The entry of another version went with that miss.
  EXPECT_FALSE(cache.Find("k", v1));
  cache.Insert("k", v1, Bytes("answer at 10"));
  EXPECT_FALSE(cache.Find("k", v2));
  EXPECT_EQ(cache.bytes(), 0u);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 4u);
}

TEST(ResponseCacheTest, InsertReplacesTheEntryOfTheSameKey) {
  ResponseCache cache(1 << 20);
  cache.Insert("k", {1, 1}, Bytes("old"));
  cache.Insert("k", {1, 2}, Bytes("new"));
  EXPECT_FALSE(cache.Find("k", {1, 1}));
  cache.Insert("k", {1, 2}, Bytes("new"));
  EXPECT_EQ(Text(cache.Find("k", {1, 2})), "new");
}

TEST(ResponseCacheTest, StaysWithinItsBoundDroppingTheLeastRecentlyUsed) {
  // 16 shards of 64 KiB: a 20 KiB answer fits three to a shard.
  ResponseCache cache(16 * 64 * 1024);
  const std::string answer(20 * 1024, 'x');
  for (int i = 0; i < 200; ++i) cache.Insert("key " + std::to_string(i), {1, 1}, Bytes(answer));
  EXPECT_LE(cache.bytes(), 16u * 64 * 1024);
  EXPECT_GT(cache.bytes(), 16u * 2 * 20 * 1024);
  EXPECT_FALSE(cache.Find("key 0", {1, 1}));  // long gone
  EXPECT_EQ(Text(cache.Find("key 199", {1, 1})), answer);
}

TEST(ResponseCacheTest, AnAnswerLargerThanAShardIsNotKeptAndZeroKeepsNothing) {
  ResponseCache small(16 * 1024);  // shards of 1 KiB
  small.Insert("big", {1, 1}, Bytes(std::string(2048, 'x')));
  EXPECT_FALSE(small.Find("big", {1, 1}));
  ResponseCache none(0);
  none.Insert("k", {1, 1}, Bytes("a"));
  EXPECT_FALSE(none.Find("k", {1, 1}));
  EXPECT_EQ(none.bytes(), 0u);
}

}  // namespace
}  // namespace healthcontent::api
