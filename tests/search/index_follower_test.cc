// IndexFollower and SearchArticles over a real database (SQLite on disk,
// loaded from data/) and a real Xapian index: the index follows the change
// feed, is rebuilt when missing, damaged or ahead of the database, and a
// search never serves what the database would not, however far behind the
// index is.
#include "search/index_follower.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "common/date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "importers/data_dir.h"
#include "search/article_search.h"
#include "testing/seed.h"
#include "testing/test_env.h"

namespace healthcontent::search {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kSeed[] = "articles/biological-therapy-for-cancer";
const absl::CivilDay kToday(2026, 6, 1);
const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 6, 1, 12, 0, 0), absl::UTCTimeZone());

v1::PublishArticleRevisionRequest SeedRequest(absl::CivilDay day, const std::string& summary) {
  v1::PublishArticleRevisionRequest request = testing::SeedPublishRequest();
  *request.mutable_article()->mutable_review_date() = ToProtoDate(day);
  request.mutable_article()->set_summary(summary);
  request.set_change_summary("Review");
  return request;
}

class IndexFollowerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto data = storage::Dataset::Open(dir_.File("hc.db"), {}, {});
    ASSERT_TRUE(data.ok()) << data.status();
    data_ = std::move(*data);
    auto loaded = importers::LoadDataDir(testing::SourceDir() + "/data", data_->therapy_types.get(),
                                         data_->articles.get(), kNow);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
  }

  std::unique_ptr<IndexFollower> NewFollower() {
    IndexFollower::Options options;
    options.directory = dir_.File("search");
    options.poll_interval = absl::Hours(1);  // the tests step it by hand
    return std::make_unique<IndexFollower>(options, [this] { return data_; });
  }

  // Article names a search serves now, without letting the index catch up.
  std::vector<std::string> Names(const IndexFollower& follower, const std::string& text) {
    std::shared_ptr<const SearchIndex> index = follower.index();
    EXPECT_NE(index, nullptr);
    if (index == nullptr) return {};
    SearchParams params;
    params.text = text;
    params.today = kToday;
    auto outcome = SearchArticles(*index, *data_, params);
    EXPECT_TRUE(outcome.ok()) << outcome.status();
    std::vector<std::string> names;
    for (const SearchHit& hit : outcome->hits) names.push_back(hit.article.name());
    return names;
  }

  void Publish(absl::CivilDay day, const std::string& summary) {
    auto published = data_->articles->Publish(SeedRequest(day, summary), kNow);
    ASSERT_TRUE(published.ok()) << published.status();
  }

  testing::TempDir dir_;
  std::shared_ptr<storage::Dataset> data_;
};

TEST_F(IndexFollowerTest, BuildsTheIndexAtFirstStartThenFollowsTheFeed) {
  auto follower = NewFollower();
  ASSERT_TRUE(follower->Start().ok());
  ASSERT_TRUE(follower->CatchUpNow().ok());
  ASSERT_NE(follower->index(), nullptr);
  IndexFollower::Progress progress = follower->progress();
  EXPECT_TRUE(progress.serving);
  EXPECT_EQ(progress.documents, 1u);
  EXPECT_EQ(progress.rebuilds, 1);
  EXPECT_EQ(progress.applied_sequence, *data_->change_log->LatestSequence());
  EXPECT_THAT(Names(*follower, "checkpoint"), ElementsAre(kSeed));

  Publish(absl::CivilDay(2025, 1, 10), "About zebrafish.");
  ASSERT_TRUE(follower->CatchUpNow().ok());
  EXPECT_THAT(Names(*follower, "zebrafish"), ElementsAre(kSeed));
  EXPECT_EQ(follower->progress().rebuilds, 1);  // followed, not rebuilt
  EXPECT_EQ(follower->progress().applied_sequence, *data_->change_log->LatestSequence());
}

// The niceness of each of this process's threads, from /proc (Linux).
std::vector<int> ThreadNiceness() {
  std::vector<int> values;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream in(task.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // After "pid (comm) ": state is field 3, nice field 19.
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::vector<std::string> fields = absl::StrSplit(stat.substr(close + 2), ' ');
    if (fields.size() > 16) values.push_back(std::stoi(fields[16]));
  }
  return values;
}

// Reads on the same cores go first: the follower's own thread, and only
// it, runs at the niceness of its options.
TEST_F(IndexFollowerTest, TheFollowerThreadRunsAtItsOwnNiceness) {
  const std::vector<int> before = ThreadNiceness();
  ASSERT_EQ(std::count(before.begin(), before.end(), 7), 0);
  IndexFollower::Options options;
  options.directory = dir_.File("search");
  options.poll_interval = absl::Hours(1);
  options.nice = 7;
  IndexFollower follower(options, [this] { return data_; });
  ASSERT_TRUE(follower.Start().ok());
  std::vector<int> during;
  for (int i = 0; i < 500 && std::count(during.begin(), during.end(), 7) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    during = ThreadNiceness();
  }
  EXPECT_EQ(std::count(during.begin(), during.end(), 7), 1);
  EXPECT_EQ(getpriority(PRIO_PROCESS, 0), 0);  // this thread kept its own
  follower.Shutdown();
}

TEST_F(IndexFollowerTest, ABehindIndexNeverServesWhatTheDatabaseWouldNot) {
  auto follower = NewFollower();
  ASSERT_TRUE(follower->Start().ok());
  ASSERT_TRUE(follower->CatchUpNow().ok());
  EXPECT_THAT(Names(*follower, "checkpoint"), ElementsAre(kSeed));

  // A new review replaces the text; the index has not seen it yet. The old
  // text matches in the index, but its revision is no longer in force.
  Publish(absl::CivilDay(2025, 1, 10), "About zebrafish.");
  EXPECT_THAT(Names(*follower, "checkpoint"), IsEmpty());
  EXPECT_THAT(Names(*follower, "zebrafish"), IsEmpty());  // not indexed yet
  ASSERT_TRUE(follower->CatchUpNow().ok());
  EXPECT_THAT(Names(*follower, "checkpoint"), ElementsAre(kSeed));  // the body kept the word
  EXPECT_THAT(Names(*follower, "zebrafish"), ElementsAre(kSeed));

  // A scheduled review is not in force: the index holds the current one.
  Publish(absl::CivilDay(2026, 9, 1), "About narwhals.");
  ASSERT_TRUE(follower->CatchUpNow().ok());
  EXPECT_THAT(Names(*follower, "narwhals"), IsEmpty());
  EXPECT_THAT(Names(*follower, "zebrafish"), ElementsAre(kSeed));

  // Withdrawn, and the index not told: found by nothing.
  ASSERT_TRUE(data_->articles->Withdraw("biological-therapy-for-cancer", "test", kNow).ok());
  EXPECT_THAT(Names(*follower, "zebrafish"), IsEmpty());
  ASSERT_TRUE(follower->CatchUpNow().ok());
  EXPECT_EQ(follower->progress().documents, 0u);
  EXPECT_THAT(Names(*follower, "zebrafish"), IsEmpty());
}

TEST_F(IndexFollowerTest, AScheduledReviewIsSearchableOnItsDay) {
  auto follower = NewFollower();
  ASSERT_TRUE(follower->Start().ok());
  Publish(absl::CivilDay(2026, 9, 1), "About narwhals.");
  ASSERT_TRUE(follower->CatchUpNow().ok());
  EXPECT_THAT(Names(*follower, "narwhals"), IsEmpty());
  const absl::Time day =
      absl::FromCivil(absl::CivilSecond(2026, 9, 1, 0, 0, 1), absl::UTCTimeZone());
  ASSERT_EQ(*data_->articles->ApplyDueSchedules(day), 1);
  ASSERT_TRUE(follower->CatchUpNow().ok());
  SearchParams params;
  params.text = "narwhals";
  params.today = absl::CivilDay(2026, 9, 1);
  auto outcome = SearchArticles(*follower->index(), *data_, params);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  ASSERT_EQ(outcome->hits.size(), 1u);
  EXPECT_EQ(outcome->hits[0].article.revision_id(), "2026-09-01");
}

TEST_F(IndexFollowerTest, ATherapyTypeAliasAddedLaterFindsItsArticles) {
  auto follower = NewFollower();
  ASSERT_TRUE(follower->Start().ok());
  ASSERT_TRUE(follower->CatchUpNow().ok());
  EXPECT_THAT(Names(*follower, "\"tumour-seeking viruses\""), IsEmpty());
  auto type = data_->therapy_types->Get("oncolytic-virus-therapy");
  ASSERT_TRUE(type.ok()) << type.status();
  type->add_aliases("Tumour-seeking viruses");
  ASSERT_TRUE(data_->therapy_types->Upsert(*type, kNow).ok());
  ASSERT_TRUE(follower->CatchUpNow().ok());
  EXPECT_THAT(Names(*follower, "\"tumour-seeking viruses\""), ElementsAre(kSeed));
}

TEST_F(IndexFollowerTest, ADeletedIndexIsRebuiltAndAnInterruptedBuildDiscarded) {
  {
    auto follower = NewFollower();
    ASSERT_TRUE(follower->Start().ok());
    ASSERT_TRUE(follower->CatchUpNow().ok());
  }
  std::filesystem::remove_all(dir_.File("search"));
  std::filesystem::create_directories(dir_.File("search/building"));  // a crash mid-build
  testing::WriteFileOrDie(dir_.File("search/building/junk"), "half");
  auto follower = NewFollower();
  ASSERT_TRUE(follower->Start().ok());
  EXPECT_EQ(follower->index(), nullptr);  // search unavailable until built
  EXPECT_FALSE(std::filesystem::exists(dir_.File("search/building")));
  ASSERT_TRUE(follower->CatchUpNow().ok());
  EXPECT_THAT(Names(*follower, "checkpoint"), ElementsAre(kSeed));
  EXPECT_EQ(follower->progress().rebuilds, 1);
}

TEST_F(IndexFollowerTest, ACorruptIndexIsRebuilt) {
  {
    auto follower = NewFollower();
    ASSERT_TRUE(follower->Start().ok());
    ASSERT_TRUE(follower->CatchUpNow().ok());
  }
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.File("search"))) {
    if (entry.path().extension() == ".glass") {
      testing::WriteFileOrDie(entry.path().string(), "garbage");
    }
  }
  auto follower = NewFollower();
  ASSERT_TRUE(follower->Start().ok());
  EXPECT_EQ(follower->index(), nullptr);
  EXPECT_THAT(follower->progress().last_error, ::testing::HasSubstr("cannot be opened"));
  ASSERT_TRUE(follower->CatchUpNow().ok());
  EXPECT_THAT(Names(*follower, "checkpoint"), ElementsAre(kSeed));
}

TEST_F(IndexFollowerTest, AnIndexAheadOfTheDatabaseIsRebuiltNotTrusted) {
  {
    auto follower = NewFollower();
    ASSERT_TRUE(follower->Start().ok());
    Publish(absl::CivilDay(2025, 1, 10), "About zebrafish.");
    Publish(absl::CivilDay(2025, 2, 10), "About zebrafish again.");
    ASSERT_TRUE(follower->CatchUpNow().ok());
  }
  // The database is replaced by one with fewer changes (a restore).
  data_.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(dir_.File(std::string("hc.db") + suffix));
  }
  SetUp();
  auto follower = NewFollower();
  ASSERT_TRUE(follower->Start().ok());
  ASSERT_NE(follower->index(), nullptr);  // opened, then found ahead
  ASSERT_TRUE(follower->CatchUpNow().ok());
  EXPECT_EQ(follower->progress().rebuilds, 1);
  EXPECT_EQ(follower->progress().applied_sequence, *data_->change_log->LatestSequence());
  EXPECT_THAT(Names(*follower, "zebrafish"), IsEmpty());
  EXPECT_THAT(Names(*follower, "checkpoint"), ElementsAre(kSeed));
}

TEST_F(IndexFollowerTest, TheThreadFollowsWhenWoken) {
  IndexFollower::Options options;
  options.directory = dir_.File("search");
  options.poll_interval = absl::Milliseconds(20);
  IndexFollower follower(options, [this] { return data_; });
  ASSERT_TRUE(follower.Start().ok());
  Publish(absl::CivilDay(2025, 1, 10), "About zebrafish.");
  follower.Wake();
  const int64_t latest = *data_->change_log->LatestSequence();
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (follower.progress().applied_sequence < latest && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(follower.progress().applied_sequence, latest);
  EXPECT_THAT(Names(follower, "zebrafish"), ElementsAre(kSeed));
  follower.Shutdown();
}

}  // namespace
}  // namespace healthcontent::search
