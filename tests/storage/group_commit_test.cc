// Storage::Write's group commit: writes that queue behind a running commit
// share the next transaction, each in its own savepoint.
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "storage/database.h"
#include "storage/storage.h"
#include "testing/test_env.h"

namespace healthcontent::storage {
namespace {

using ::healthcontent::testing::TempDir;

class GroupCommitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Storage::Open(dir_.File("g.db"), {});
    ASSERT_TRUE(opened.ok()) << opened.status();
    storage_ = std::move(*opened);
    ASSERT_TRUE(storage_
                    ->Write([](Database* db) {
                      return db->Execute(
                          "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                          "CREATE TABLE items (name TEXT PRIMARY KEY, parent INTEGER "
                          "REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);");
                    })
                    .ok());
    base_ = storage_->write_stats();
  }

  static absl::Status Insert(Database* db, const std::string& name) {
    auto stmt = db->PrepareUncached("INSERT INTO items (name) VALUES (?1)");
    if (!stmt.ok()) return stmt.status();
    stmt->BindText(1, name);
    return stmt->Run();
  }

  // Names in `items`, read through a fresh read connection.
  std::vector<std::string> CommittedNames() {
    auto db = Database::Open(dir_.File("g.db"), {.read_only = true});
    EXPECT_TRUE(db.ok()) << db.status();
    auto stmt = (*db)->PrepareUncached("SELECT name FROM items ORDER BY name");
    EXPECT_TRUE(stmt.ok()) << stmt.status();
    std::vector<std::string> names;
    while (true) {
      auto row = stmt->Step();
      EXPECT_TRUE(row.ok()) << row.status();
      if (!row.ok() || !*row) break;
      names.emplace_back(stmt->ColumnText(0));
    }
    return names;
  }

  // Runs `first` as a write that holds the write connection until `others`
  // writes are queued behind it, then runs them; returns every status, the
  // first write's at index 0. The queued writes therefore form one group.
  std::vector<absl::Status> RunQueuedBehindOne(
      std::function<absl::Status(Database*)> first,
      std::vector<std::function<absl::Status(Database*)>> others) {
    std::vector<absl::Status> statuses(others.size() + 1);
    absl::Notification leader_running;
    const int expected_queue = static_cast<int>(others.size());
    std::thread leader([&] {
      statuses[0] = storage_->Write([&](Database* db) {
        leader_running.Notify();
        const absl::Time deadline = absl::Now() + absl::Seconds(20);
        while (storage_->QueuedWrites() < expected_queue && absl::Now() < deadline) {
          absl::SleepFor(absl::Milliseconds(1));
        }
        return first(db);
      });
    });
    leader_running.WaitForNotification();
    std::vector<std::thread> followers;
    for (size_t i = 0; i < others.size(); ++i) {
      followers.emplace_back([&, i] { statuses[i + 1] = storage_->Write(others[i]); });
    }
    leader.join();
    for (std::thread& follower : followers) follower.join();
    return statuses;
  }

  TempDir dir_;
  std::unique_ptr<Storage> storage_;
  Storage::WriteStats base_;
};

TEST_F(GroupCommitTest, WritesQueuedBehindACommitShareOneTransaction) {
  std::vector<std::function<absl::Status(Database*)>> others;
  for (int i = 1; i <= 7; ++i) {
    others.push_back([i](Database* db) { return Insert(db, absl::StrCat("w", i)); });
  }
  std::vector<absl::Status> statuses =
      RunQueuedBehindOne([](Database* db) { return Insert(db, "w0"); }, others);
  for (size_t i = 0; i < statuses.size(); ++i) EXPECT_TRUE(statuses[i].ok()) << i << statuses[i];
  EXPECT_EQ(CommittedNames(),
            (std::vector<std::string>{"w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7"}));
  Storage::WriteStats stats = storage_->write_stats();
  EXPECT_EQ(stats.writes - base_.writes, 8);
  EXPECT_EQ(stats.commits - base_.commits, 2);  // the first alone, then seven together
  EXPECT_EQ(storage_->QueuedWrites(), 0);
}

TEST_F(GroupCommitTest, AFailingWriteIsRolledBackAloneAndTheOthersCommit) {
  std::vector<std::function<absl::Status(Database*)>> others;
  for (int i = 1; i <= 5; ++i) {
    others.push_back([i](Database* db) -> absl::Status {
      absl::Status inserted = Insert(db, absl::StrCat("w", i));
      if (i == 3 && inserted.ok()) return absl::AlreadyExistsError("w3 refused after inserting");
      return inserted;
    });
  }
  // A write whose own Transaction rolls back nests as a savepoint.
  others.push_back([](Database* db) -> absl::Status {
    Transaction txn(db);
    absl::Status begun = txn.Begin();
    if (!begun.ok()) return begun;
    absl::Status inserted = Insert(db, "nested");
    if (!inserted.ok()) return inserted;
    return absl::InvalidArgumentError("nested refused");
  });
  // A duplicate key (of the first write, committed before this group)
  // fails on its statement; nothing of it stays. The followers queue in
  // whatever order their threads reach Write(), so no write here may depend
  // on another of the group.
  others.push_back([](Database* db) { return Insert(db, "w0"); });
  std::vector<absl::Status> statuses =
      RunQueuedBehindOne([](Database* db) { return Insert(db, "w0"); }, others);
  EXPECT_TRUE(statuses[0].ok()) << statuses[0];
  EXPECT_TRUE(statuses[1].ok()) << statuses[1];
  EXPECT_TRUE(statuses[2].ok()) << statuses[2];
  EXPECT_EQ(statuses[3], absl::AlreadyExistsError("w3 refused after inserting"));
  EXPECT_TRUE(statuses[4].ok()) << statuses[4];
  EXPECT_TRUE(statuses[5].ok()) << statuses[5];
  EXPECT_EQ(statuses[6], absl::InvalidArgumentError("nested refused"));
  EXPECT_EQ(statuses[7].code(), absl::StatusCode::kAlreadyExists) << statuses[7];
  EXPECT_EQ(CommittedNames(), (std::vector<std::string>{"w0", "w1", "w2", "w4", "w5"}));
  EXPECT_EQ(storage_->write_stats().commits - base_.commits, 2);
}

TEST_F(GroupCommitTest, AFailedCommitFailsEveryWriteOfTheGroupAndNothingOfItStays) {
  // An item pointing at a missing parent passes its statement (the foreign
  // key is deferred) and fails the COMMIT of its whole group.
  std::vector<std::function<absl::Status(Database*)>> others = {
      [](Database* db) { return Insert(db, "a"); },
      [](Database* db) { return db->Execute("INSERT INTO items VALUES ('orphan', 42)"); },
      [](Database* db) { return Insert(db, "b"); },
  };
  std::vector<absl::Status> statuses =
      RunQueuedBehindOne([](Database* db) { return Insert(db, "first"); }, others);
  EXPECT_TRUE(statuses[0].ok()) << statuses[0];
  for (size_t i = 1; i < statuses.size(); ++i) {
    EXPECT_EQ(statuses[i].code(), absl::StatusCode::kFailedPrecondition) << i << statuses[i];
    EXPECT_NE(statuses[i].message().find("FOREIGN KEY constraint failed"), std::string::npos)
        << statuses[i];
  }
  EXPECT_EQ(CommittedNames(), (std::vector<std::string>{"first"}));
  // The connection is usable again.
  EXPECT_TRUE(storage_->Write([](Database* db) { return Insert(db, "after"); }).ok());
  EXPECT_EQ(CommittedNames(), (std::vector<std::string>{"after", "first"}));
}

TEST_F(GroupCommitTest, ConfigureRunsOutsideATransaction) {
  // PRAGMA synchronous cannot change inside a transaction, as every Write()
  // runs; Configure() is for such settings.
  EXPECT_EQ(
      storage_->Write([](Database* db) { return db->Execute("PRAGMA synchronous = OFF"); }).code(),
      absl::StatusCode::kInternal);
  EXPECT_TRUE(storage_
                  ->Configure([](Database* db) {
                    EXPECT_FALSE(db->InTransaction());
                    return db->Execute("PRAGMA synchronous = NORMAL");
                  })
                  .ok());
  EXPECT_TRUE(storage_->Write([](Database* db) { return Insert(db, "after"); }).ok());
  EXPECT_EQ(CommittedNames(), (std::vector<std::string>{"after"}));
}

TEST_F(GroupCommitTest, ManyConcurrentWritersAllCommitExactlyOnce) {
  constexpr int kThreads = 8;
  constexpr int kWritesPerThread = 40;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        absl::Status status =
            storage_->Write([&](Database* db) { return Insert(db, absl::StrCat("t", t, "-", i)); });
        if (!status.ok()) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << t;
  EXPECT_EQ(CommittedNames().size(), static_cast<size_t>(kThreads * kWritesPerThread));
  Storage::WriteStats stats = storage_->write_stats();
  EXPECT_EQ(stats.writes - base_.writes, kThreads * kWritesPerThread);
  EXPECT_LE(stats.commits - base_.commits, stats.writes - base_.writes);
  EXPECT_GE(stats.commits - base_.commits,
            (kThreads * kWritesPerThread) / Storage::kMaxWritesPerCommit);
}

}  // namespace
}  // namespace healthcontent::storage
