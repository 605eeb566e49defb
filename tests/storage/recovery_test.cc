// Recovering a primary's database restored after a disk loss, on real files:
// the bundle check that refuses writes, taking a newer bundle, the sequence
// fence, and refusing a bundle of another history.
#include "storage/recovery.h"

#include <filesystem>
#include <fstream>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "importers/data_dir.h"
#include "storage/article_store.h"
#include "storage/bundle.h"
#include "storage/change_log.h"
#include "storage/storage.h"
#include "storage/therapy_type_store.h"
#include "testing/seed.h"
#include "testing/test_env.h"

namespace healthcontent::storage {
namespace {

namespace fs = std::filesystem;
using ::healthcontent::testing::ReadFileOrDie;
using ::healthcontent::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

absl::Time Now(absl::Duration offset = absl::ZeroDuration()) {
  return absl::FromCivil(absl::CivilSecond(2026, 6, 1, 12, 0, 0), absl::UTCTimeZone()) + offset;
}

// data/ holds 13 therapy types and one revision: 14 changes.
constexpr int64_t kSeedChanges = 14;
constexpr int64_t kGap = 1000;

// A primary's database on disk with the seed data, and what it takes to
// publish more, copy it (as a restore would) and cut bundles from it.
class Primary {
 public:
  Primary(const std::string& path, absl::Time loaded_at) {
    storage_ = *Storage::Open(path, {});
    articles_ = std::make_unique<ArticleStore>(storage_.get(), ArticleStore::Options{});
    TherapyTypeStore therapy_types(storage_.get());
    auto loaded = importers::LoadDataDir(testing::SourceDir() + "/data", &therapy_types,
                                         articles_.get(), loaded_at);
    EXPECT_TRUE(loaded.ok()) << loaded.status();
  }

  // A new article: one more change. Returns the stored revision.
  v1::Article Publish(const std::string& slug, absl::Time now) {
    v1::PublishArticleRevisionRequest request = testing::SeedPublishRequest();
    request.mutable_article()->set_name("articles/" + slug);
    *request.mutable_article()->mutable_review_date() = ToProtoDate(absl::CivilDay(2024, 1, 1));
    auto published = articles_->Publish(request, now);
    EXPECT_TRUE(published.ok()) << published.status();
    return published.ok() ? *published : v1::Article{};
  }

  std::string Cut(const std::string& out, absl::Time now) {
    auto cut = CutBundle(storage_.get(), out, now);
    EXPECT_TRUE(cut.ok()) << cut.status();
    return cut.ok() ? cut->path : "";
  }

  void CopyTo(const std::string& path) { ASSERT_TRUE(storage_->CopyTo(path).ok()); }

 private:
  std::unique_ptr<Storage> storage_;
  std::unique_ptr<ArticleStore> articles_;
};

int64_t NewestSequence(const std::string& path) {
  auto storage = Storage::Open(path, {});
  EXPECT_TRUE(storage.ok()) << storage.status();
  if (!storage.ok()) return -1;
  ChangeLog log(storage->get());
  return log.LatestSequence().value_or(-1);
}

TEST(RecoveryTest, ABundleAheadOfTheDatabaseRefusesWritesNamingBothSequences) {
  TempDir dir;
  const std::string bundles = dir.File("bundles");
  {
    Primary primary(dir.File("lost.db"), Now());
    primary.CopyTo(dir.File("restored.db"));  // the replica is behind...
    primary.Publish("later", Now(absl::Seconds(1)));
    primary.Cut(bundles, Now(absl::Seconds(2)));  // ...the bundle is not
  }
  auto storage = *Storage::Open(dir.File("restored.db"), {});
  absl::Status behind = CheckNotBehindBundles(storage.get(), bundles);
  EXPECT_EQ(behind.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(behind.message(), HasSubstr("ends at change sequence 14 but bundle "));
  EXPECT_THAT(behind.message(), HasSubstr("announces change sequence 15"));
  EXPECT_THAT(behind.message(), HasSubstr("healthcontent recover --db="));

  storage->RefuseWrites(behind);
  EXPECT_EQ(storage->Write([](Database*) { return absl::OkStatus(); }), behind);
  ArticleStore articles(storage.get(), {});
  v1::PublishArticleRevisionRequest request = testing::SeedPublishRequest();
  request.mutable_article()->set_name("articles/refused");
  EXPECT_EQ(articles.Publish(request, Now()).status(), behind);
  EXPECT_EQ(NewestSequence(dir.File("restored.db")), kSeedChanges);

  // Level with the bundle, or without bundles, writes are taken.
  EXPECT_TRUE(CheckNotBehindBundles(storage.get(), dir.File("no-bundles")).ok());
}

TEST(RecoveryTest, TakesANewerBundleWithOriginalSequencesEtagsAndTimesThenFences) {
  TempDir dir;
  const std::string bundles = dir.File("bundles");
  v1::Article later;
  {
    Primary primary(dir.File("lost.db"), Now());
    primary.CopyTo(dir.File("restored.db"));
    later = primary.Publish("later", Now(absl::Seconds(1)));
    primary.Cut(bundles, Now(absl::Seconds(2)));
  }
  auto report = RecoverPrimary(dir.File("restored.db"), bundles, kGap, Now(absl::Hours(1)));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->database_sequence, kSeedChanges);
  EXPECT_EQ(report->bundle_sequence, kSeedChanges + 1);
  EXPECT_TRUE(report->took_bundle);
  EXPECT_THAT(report->skipped_bundles, IsEmpty());
  EXPECT_EQ(report->fence_sequence, kSeedChanges + 1 + kGap);

  auto storage = *Storage::Open(dir.File("restored.db"), {});
  EXPECT_TRUE(CheckNotBehindBundles(storage.get(), bundles).ok());
  ArticleStore articles(storage.get(), {});
  auto got =
      articles.GetRevision("later", absl::CivilDay(2024, 1, 1), absl::CivilDay(2026, 6, 1), false);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->etag(), later.etag());
  EXPECT_EQ(got->publish_time().seconds(), later.publish_time().seconds());
  ChangeLog log(storage.get());
  auto changes = *log.After(kSeedChanges, 10);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].sequence(), kSeedChanges + 1);
  EXPECT_EQ(changes[0].resource(), "articles/later");
  EXPECT_EQ(changes[0].etag(), later.etag());
  EXPECT_EQ(changes[1].sequence(), kSeedChanges + 1 + kGap);
  EXPECT_EQ(changes[1].kind(), v1::Change::PRIMARY_RESTORED);
  EXPECT_EQ(changes[1].resource(), "");
  EXPECT_EQ(changes[1].commit_time().seconds(), absl::ToUnixSeconds(Now(absl::Hours(1))));

  // The next change follows the fence.
  v1::PublishArticleRevisionRequest request = testing::SeedPublishRequest();
  request.mutable_article()->set_name("articles/after");
  ASSERT_TRUE(articles.Publish(request, Now(absl::Hours(2))).ok());
  EXPECT_EQ(*log.LatestSequence(), kSeedChanges + 2 + kGap);
}

TEST(RecoveryTest, KeepsADatabaseAheadOfTheBundleAndFencesOnceHoweverOftenItRuns) {
  TempDir dir;
  const std::string bundles = dir.File("bundles");
  {
    Primary primary(dir.File("restored.db"), Now());
    primary.Cut(bundles, Now(absl::Seconds(1)));
    primary.Publish("after-the-bundle", Now(absl::Seconds(2)));
  }
  auto first = RecoverPrimary(dir.File("restored.db"), bundles, kGap, Now(absl::Hours(1)));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->took_bundle);
  EXPECT_EQ(first->database_sequence, kSeedChanges + 1);
  EXPECT_EQ(first->fence_sequence, kSeedChanges + 1 + kGap);
  auto second = RecoverPrimary(dir.File("restored.db"), bundles, kGap, Now(absl::Hours(2)));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->database_sequence, kSeedChanges + 1 + kGap);
  EXPECT_EQ(second->fence_sequence, 0);
  EXPECT_EQ(NewestSequence(dir.File("restored.db")), kSeedChanges + 1 + kGap);
}

TEST(RecoveryTest, AMissingDatabaseComesBackFromTheBundleAndNothingAtAllIsNotFound) {
  TempDir dir;
  const std::string bundles = dir.File("bundles");
  {
    Primary primary(dir.File("lost.db"), Now());
    primary.Cut(bundles, Now(absl::Seconds(1)));
  }
  auto report = RecoverPrimary(dir.File("new.db"), bundles, kGap, Now(absl::Hours(1)));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->took_bundle);
  EXPECT_EQ(report->database_sequence, 0);
  EXPECT_EQ(NewestSequence(dir.File("new.db")), kSeedChanges + kGap);

  auto nothing = RecoverPrimary(dir.File("none.db"), dir.File("empty"), kGap, Now());
  EXPECT_EQ(nothing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(nothing.status().message(), HasSubstr("there is nothing to recover from"));
  EXPECT_FALSE(fs::exists(dir.File("none.db")));
}

TEST(RecoveryTest, ADamagedRestoredDatabaseIsRefusedAndNothingChanges) {
  TempDir dir;
  const std::string bundles = dir.File("bundles");
  {
    Primary primary(dir.File("restored.db"), Now());
    primary.Cut(bundles, Now(absl::Seconds(1)));
    primary.Publish("after-the-bundle", Now(absl::Seconds(2)));
  }
  {
    // The header of page 3 overwritten, as in a copy restored from torn WAL
    // frames: the schema (page 1) still reads, that b-tree does not.
    const std::string path = dir.File("restored.db");
    ASSERT_TRUE(Storage::Open(path, {}).ok());  // checkpointed and closed
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(2 * 4096);
    file << std::string(12, '\xff');
  }
  const std::string before = ReadFileOrDie(dir.File("restored.db"));
  auto report = RecoverPrimary(dir.File("restored.db"), bundles, kGap, Now(absl::Hours(1)));
  EXPECT_EQ(report.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(report.status().message(),
              HasSubstr(dir.File("restored.db") + " is damaged (SQLite integrity_check: "));
  EXPECT_THAT(report.status().message(), HasSubstr("nothing was changed"));
  EXPECT_TRUE(ReadFileOrDie(dir.File("restored.db")) == before) << "the file changed";
}

TEST(RecoveryTest, ABundleOfAnotherHistoryIsRefusedAndNothingChanges) {
  TempDir dir;
  const std::string bundles = dir.File("bundles");
  {
    // Same content, loaded a minute apart: other commit times, so another history.
    Primary other(dir.File("other.db"), Now(absl::Minutes(1)));
    other.Publish("x", Now(absl::Minutes(2)));
    other.Cut(bundles, Now(absl::Minutes(3)));
    Primary mine(dir.File("restored.db"), Now());
  }
  const std::string before = ReadFileOrDie(dir.File("restored.db"));
  auto report = RecoverPrimary(dir.File("restored.db"), bundles, kGap, Now(absl::Hours(1)));
  EXPECT_EQ(report.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(report.status().message(),
              HasSubstr("are not the same history: at change sequence 1 the database has "
                        "THERAPY_TYPE_CHANGED therapyTypes/"));
  EXPECT_EQ(NewestSequence(dir.File("restored.db")), kSeedChanges);
}

TEST(RecoveryTest, AnInvalidNewestBundleIsSkippedAndReported) {
  TempDir dir;
  const std::string bundles = dir.File("bundles");
  std::string newest;
  {
    Primary primary(dir.File("lost.db"), Now());
    primary.CopyTo(dir.File("restored.db"));
    primary.Publish("one", Now(absl::Seconds(1)));
    primary.Cut(bundles, Now(absl::Seconds(2)));
    primary.Publish("two", Now(absl::Seconds(3)));
    newest = primary.Cut(bundles, Now(absl::Seconds(4)));
  }
  fs::resize_file(newest + "/healthcontent.db", 4096);  // half-copied
  auto report = RecoverPrimary(dir.File("restored.db"), bundles, kGap, Now(absl::Hours(1)));
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->skipped_bundles.size(), 1u);
  EXPECT_THAT(report->skipped_bundles[0], HasSubstr(newest));
  EXPECT_EQ(report->bundle_sequence, kSeedChanges + 1);
  EXPECT_TRUE(report->took_bundle);
  EXPECT_EQ(NewestSequence(dir.File("restored.db")), kSeedChanges + 1 + kGap);
}

TEST(RecoveryTest, TheGapMustBePositive) {
  TempDir dir;
  auto report = RecoverPrimary(dir.File("x.db"), "", 0, Now());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(dir.File("x.db")));
}

}  // namespace
}  // namespace healthcontent::storage
