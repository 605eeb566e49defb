// The preconditions that storage headers state are checked (HC_DCHECK) in
// debug and sanitized builds: these tests run where the checks are on (the
// sanitized tier) and say they are skipped elsewhere.
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/change_service.pb.h"
#include "storage/change_log.h"
#include "storage/database.h"
#include "storage/debug_check.h"
#include "storage/live_index.h"
#include "storage/schema.h"
#include "testing/test_env.h"

namespace healthcontent::storage {
namespace {

using ::healthcontent::testing::TempDir;

class DebugCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!kDebugChecksOn) GTEST_SKIP() << "HC_DCHECK is off in this build (Release, no ASan)";
    // Forks re-run the binary, so the checks fire in a single-threaded child.
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    auto opened = Database::Open(dir_.File("d.db"), {});
    ASSERT_TRUE(opened.ok()) << opened.status();
    db_ = std::move(*opened);
    ASSERT_TRUE(MigrateSchema(db_.get()).ok());
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(DebugCheckTest, ASecondLiveStatementForTheSameSqlIsCaught) {
  EXPECT_DEATH(
      {
        auto first = db_->Prepare("SELECT 1");
        auto second = db_->Prepare("SELECT 1");
      },
      "a Statement for this SQL is still alive.*SELECT 1");
}

TEST_F(DebugCheckTest, WritesOutsideTheWriteTransactionAreCaught) {
  v1::Change change;
  change.set_kind(v1::Change::THERAPY_TYPE_CHANGED);
  change.set_resource("therapyTypes/x");
  EXPECT_DEATH(RecordChange(db_.get(), change, absl::Now()).IgnoreError(),
               "RecordChange must run inside the write transaction");
  EXPECT_DEATH(RefreshLiveArticle(db_.get(), 1, absl::CivilDay(2026, 1, 1)).IgnoreError(),
               "RefreshLiveArticle must run inside the write transaction");
}

TEST_F(DebugCheckTest, CommitWithoutBeginIsCaught) {
  EXPECT_DEATH(
      {
        Transaction txn(db_.get());
        txn.Commit().IgnoreError();
      },
      "Transaction::Commit without an open transaction");
}

// What the checks allow: the same SQL again once the first Statement is
// gone, a second one from PrepareUncached, and writes inside a Transaction.
TEST(DebugCheckAllowsTest, SequentialStatementsAndWritesInATransaction) {
  TempDir dir;
  auto db = *Database::Open(dir.File("a.db"), {});
  ASSERT_TRUE(MigrateSchema(db.get()).ok());
  for (int i = 0; i < 3; ++i) {
    auto stmt = db->Prepare("SELECT count(*) FROM changes");
    ASSERT_TRUE(stmt.ok()) << stmt.status();
    auto second = db->PrepareUncached("SELECT count(*) FROM changes");
    ASSERT_TRUE(second.ok()) << second.status();
    ASSERT_TRUE(*stmt->Step());
    ASSERT_TRUE(*second->Step());
    EXPECT_EQ(stmt->ColumnInt64(0), i);
    Statement moved = std::move(*stmt);  // moving keeps it the one alive
    EXPECT_EQ(moved.ColumnInt64(0), i);
    moved = Statement();
    Transaction txn(db.get());
    ASSERT_TRUE(txn.Begin().ok());
    v1::Change change;
    change.set_kind(v1::Change::THERAPY_TYPE_CHANGED);
    change.set_resource("therapyTypes/x");
    ASSERT_TRUE(RecordChange(db.get(), change, absl::Now()).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
}

}  // namespace
}  // namespace healthcontent::storage
