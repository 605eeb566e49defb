#include "server/memory_guard.h"

#include <cstdlib>
#include <vector>

#include "gtest/gtest.h"

namespace healthcontent::server {
namespace {

TEST(MemoryGuardTest, ShedsAtNinetyPercentAndResumesUnderEighty) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "the guard never sheds under AddressSanitizer";
#endif
  std::atomic<int64_t> rss{100};
  MemoryGuard::Options options;
  options.limit_bytes = 1000;
  options.interval = absl::Hours(1);  // the test samples
  options.read_rss = [&rss] { return rss.load(); };
  MemoryGuard guard(options);
  const absl::Time now = absl::Now();
  guard.Sample(now);
  EXPECT_FALSE(guard.overloaded().load());
  rss = 899;
  guard.Sample(now);
  EXPECT_FALSE(guard.overloaded().load());
  rss = 900;
  guard.Sample(now);
  EXPECT_TRUE(guard.overloaded().load());
  EXPECT_EQ(guard.rss_bytes(), 900);
  rss = 850;  // between the marks: still shedding
  guard.Sample(now);
  EXPECT_TRUE(guard.overloaded().load());
  rss = 799;
  guard.Sample(now);
  EXPECT_FALSE(guard.overloaded().load());
  EXPECT_EQ(guard.sheds(), 1);
}

TEST(MemoryGuardTest, ZeroLimitNeverSheds) {
  MemoryGuard::Options options;
  options.limit_bytes = 0;
  options.interval = absl::Hours(1);
  options.read_rss = [] { return int64_t{1} << 40; };
  MemoryGuard guard(options);
  guard.Sample(absl::Now());
  EXPECT_FALSE(guard.overloaded().load());
}

TEST(MemoryGuardTest, FreedMemoryGoesBackToTheSystem) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's allocator holds freed memory by design";
#endif
  MemoryGuard::Options options;
  options.interval = absl::Hours(1);
  options.trim_interval = absl::ZeroDuration();
  MemoryGuard guard(options);
  // 64 MiB in small blocks (below malloc's mmap threshold, so they live in
  // the heap), touched, then freed: glibc keeps them until trimmed.
  std::vector<char*> blocks;
  for (int i = 0; i < 64 * 16; ++i) {
    char* block = static_cast<char*>(std::malloc(64 << 10));
    for (int j = 0; j < (64 << 10); j += 4096) block[j] = 1;
    blocks.push_back(block);
  }
  const int64_t peak = ResidentBytes();
  // Free all but the last, which keeps the heap's top from shrinking by itself.
  for (size_t i = 0; i + 1 < blocks.size(); ++i) std::free(blocks[i]);
  ASSERT_GT(ResidentBytes(), peak - (16 << 20)) << "freed memory left without a trim";
  guard.Sample(absl::Now());
  EXPECT_EQ(guard.trims(), 1);
  EXPECT_LT(ResidentBytes(), peak - (48 << 20));
  std::free(blocks.back());
}

}  // namespace
}  // namespace healthcontent::server
