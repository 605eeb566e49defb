// ReadPage: the keyset paging loop every store shares.
#include "storage/stored_rows.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "storage/database.h"
#include "testing/test_env.h"

namespace healthcontent::storage {
namespace {

struct PageCase {
  int limit;
  int stop_before;  // take answers false for this row number (0-based); -1: never
  std::vector<std::string> taken;
  bool has_more;
};

class ReadPageTest : public ::testing::TestWithParam<PageCase> {};

TEST_P(ReadPageTest, TakesUpToTheLimitAndSaysWhetherARowWasLeft) {
  const PageCase& c = GetParam();
  testing::TempDir dir;
  auto db = *Database::Open(dir.File("p.db"), {});
  ASSERT_TRUE(db->Execute("CREATE TABLE t (k TEXT PRIMARY KEY);"
                          "INSERT INTO t VALUES ('a'), ('b'), ('c');")
                  .ok());
  auto stmt = *db->Prepare("SELECT k FROM t WHERE k > ?1 ORDER BY k LIMIT ?2");
  stmt.BindText(1, "").BindInt64(2, c.limit + 1);
  std::vector<std::string> taken;
  absl::StatusOr<bool> has_more =
      ReadPage(&stmt, c.limit, [&](const Statement& row) -> absl::StatusOr<bool> {
        if (static_cast<int>(taken.size()) == c.stop_before) return false;
        taken.emplace_back(row.ColumnText(0));
        return true;
      });
  ASSERT_TRUE(has_more.ok()) << has_more.status();
  EXPECT_EQ(*has_more, c.has_more);
  EXPECT_EQ(taken, c.taken);
}

INSTANTIATE_TEST_SUITE_P(Pages, ReadPageTest,
                         ::testing::Values(PageCase{5, -1, {"a", "b", "c"}, false},
                                           PageCase{3, -1, {"a", "b", "c"}, false},
                                           PageCase{2, -1, {"a", "b"}, true},
                                           PageCase{0, -1, {}, true}, PageCase{3, 1, {"a"}, true}));

TEST(ReadPageErrorTest, AnErrorFromTakeEndsThePageWithIt) {
  testing::TempDir dir;
  auto db = *Database::Open(dir.File("p.db"), {});
  ASSERT_TRUE(db->Execute("CREATE TABLE t (k TEXT); INSERT INTO t VALUES ('a'), ('b');").ok());
  auto stmt = *db->PrepareUncached("SELECT k FROM t ORDER BY k LIMIT 3");
  int calls = 0;
  absl::StatusOr<bool> has_more = ReadPage(&stmt, 2, [&](const Statement&) -> absl::StatusOr<bool> {
    ++calls;
    return absl::DataLossError("row a is damaged");
  });
  EXPECT_EQ(has_more.status(), absl::DataLossError("row a is damaged"));
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace healthcontent::storage
