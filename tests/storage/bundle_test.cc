// Content bundles on real files in a temp directory: cut and verify, a cut
// racing a writer, tampering, listing, pruning and immutable opens.
#include "storage/bundle.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/date.h"
#include "common/hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "importers/data_dir.h"
#include "storage/article_store.h"
#include "storage/database.h"
#include "storage/schema.h"
#include "storage/storage.h"
#include "storage/therapy_type_store.h"
#include "testing/seed.h"
#include "testing/test_env.h"

namespace healthcontent::storage {
namespace {

namespace fs = std::filesystem;
using ::healthcontent::testing::ReadFileOrDie;
using ::healthcontent::testing::TempDir;
using ::healthcontent::testing::WriteFileOrDie;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// 2026-06-01T12:00:00.123Z, plus `offset`.
absl::Time Now(absl::Duration offset = absl::ZeroDuration()) {
  return absl::FromCivil(absl::CivilSecond(2026, 6, 1, 12, 0, 0), absl::UTCTimeZone()) +
         absl::Milliseconds(123) + offset;
}

// The seed data (data/) holds 13 therapy types and one article with one
// revision: 14 changes.
constexpr int64_t kSeedChanges = 14;

// The names in `dir`, sorted.
std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The last component of each path.
std::vector<std::string> Names(const std::vector<std::string>& paths) {
  std::vector<std::string> names;
  for (const std::string& path : paths) names.push_back(fs::path(path).filename().string());
  return names;
}

// One integer from `sql` on the database file, opened independently of the
// code under test.
int64_t QueryInt(const std::string& db_path, const char* sql) {
  Database::Options options;
  options.immutable = true;
  auto db = Database::Open(db_path, options);
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return -1;
  auto stmt = (*db)->PrepareUncached(sql);
  EXPECT_TRUE(stmt.ok()) << stmt.status();
  if (!stmt.ok()) return -1;
  auto row = stmt->Step();
  EXPECT_TRUE(row.ok() && *row) << sql;
  return stmt->ColumnInt64(0);
}

void ReplaceInFile(const std::string& path, const std::string& from, const std::string& to) {
  std::string text = ReadFileOrDie(path);
  ASSERT_THAT(text, HasSubstr(from));
  WriteFileOrDie(path, absl::StrReplaceAll(text, {{from, to}}));
}

class BundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Storage::Open(dir_.File("live.db"), {});
    ASSERT_TRUE(opened.ok()) << opened.status();
    storage_ = *std::move(opened);
    articles_ = std::make_unique<ArticleStore>(storage_.get(), ArticleStore::Options{});
    TherapyTypeStore therapy_types(storage_.get());
    auto loaded = importers::LoadDataDir(testing::SourceDir() + "/data", &therapy_types,
                                         articles_.get(), Now());
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    seed_ = testing::SeedPublishRequest();
  }

  // Publishes the seed article's content as a new article: one more
  // article, revision and change.
  absl::Status PublishNew(const std::string& slug) {
    v1::PublishArticleRevisionRequest request = seed_;
    request.mutable_article()->set_name("articles/" + slug);
    *request.mutable_article()->mutable_review_date() = ToProtoDate(absl::CivilDay(2024, 1, 1));
    return articles_->Publish(request, Now()).status();
  }

  BundleManifest Cut(const std::string& out_dir, absl::Time now) {
    auto cut = CutBundle(storage_.get(), out_dir, now);
    EXPECT_TRUE(cut.ok()) << cut.status();
    return cut.ok() ? *cut : BundleManifest{};
  }

  TempDir dir_;
  std::unique_ptr<Storage> storage_;
  std::unique_ptr<ArticleStore> articles_;
  v1::PublishArticleRevisionRequest seed_;
};

TEST_F(BundleTest, CutThenVerifyRoundTrips) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(PublishNew(absl::StrCat("extra-", i)).ok());
  const std::string out = dir_.File("bundles/nested");  // created by the cut
  auto cut = CutBundle(storage_.get(), out, Now());
  ASSERT_TRUE(cut.ok()) << cut.status();

  EXPECT_EQ(fs::path(cut->path).filename().string(), "bundle-000000000017-20260601T120000123Z");
  EXPECT_TRUE(fs::equivalent(fs::path(cut->path).parent_path(), out));
  EXPECT_EQ(cut->format, 1);
  EXPECT_EQ(cut->change_sequence, kSeedChanges + 3);
  EXPECT_EQ(cut->article_count, 4);
  EXPECT_EQ(cut->revision_count, 4);
  EXPECT_EQ(cut->schema_version, LatestSchemaVersion());
  EXPECT_EQ(cut->created, "2026-06-01T12:00:00.123Z");
  EXPECT_EQ(cut->database_file, "healthcontent.db");
  const std::string db_bytes = ReadFileOrDie(cut->path + "/healthcontent.db");
  EXPECT_EQ(cut->database_bytes, static_cast<int64_t>(db_bytes.size()));
  EXPECT_EQ(cut->sha256, Sha256Hex(db_bytes));
  EXPECT_EQ(ReadFileOrDie(cut->path + "/MANIFEST.json"), BundleManifestJson(*cut));
  // The staging directory became the bundle; nothing else is left.
  EXPECT_THAT(Entries(out), ElementsAre("bundle-000000000017-20260601T120000123Z"));
  EXPECT_THAT(Entries(cut->path), ElementsAre("MANIFEST.json", "healthcontent.db"));

  auto verified = VerifyBundle(cut->path);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(BundleManifestJson(*verified, /*include_path=*/true),
            BundleManifestJson(*cut, /*include_path=*/true));
}

TEST_F(BundleTest, ManifestJsonHasTheFieldsInOrder) {
  BundleManifest manifest;
  manifest.change_sequence = 42;
  manifest.article_count = 3;
  manifest.revision_count = 5;
  manifest.schema_version = 2;
  manifest.created = "2026-06-01T12:00:00.123Z";
  manifest.database_bytes = 8192;
  manifest.sha256 = std::string(64, 'a');
  manifest.path = "/srv/bundles/bundle-000000000042-20260601T120000123Z";
  EXPECT_EQ(BundleManifestJson(manifest),
            absl::StrCat("{\n"
                         "  \"format\": 1,\n"
                         "  \"change_sequence\": 42,\n"
                         "  \"article_count\": 3,\n"
                         "  \"revision_count\": 5,\n"
                         "  \"schema_version\": 2,\n"
                         "  \"created\": \"2026-06-01T12:00:00.123Z\",\n"
                         "  \"database_file\": \"healthcontent.db\",\n"
                         "  \"database_bytes\": 8192,\n"
                         "  \"sha256\": \"",
                         std::string(64, 'a'), "\"\n}\n"));
  EXPECT_THAT(
      BundleManifestJson(manifest, /*include_path=*/true),
      HasSubstr(",\n  \"path\": \"/srv/bundles/bundle-000000000042-20260601T120000123Z\"\n}"));
}

TEST_F(BundleTest, CutWhileAnotherThreadPublishesSeesOneCommittedState) {
  std::atomic<bool> stop{false};
  std::atomic<int> published{0};
  std::thread writer([&] {
    for (int i = 0; !stop.load(); ++i) {
      absl::Status status = PublishNew(absl::StrCat("live-", i));
      if (!status.ok()) {
        ADD_FAILURE() << status;
        return;
      }
      published.fetch_add(1);
    }
  });
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (published.load() < 5 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(1));

  std::vector<BundleManifest> cuts;
  for (int i = 0; i < 3; ++i) {
    auto cut = CutBundle(storage_.get(), dir_.File("bundles"), Now(absl::Seconds(i)));
    EXPECT_TRUE(cut.ok()) << cut.status();
    if (!cut.ok()) break;
    cuts.push_back(*cut);
  }
  stop = true;
  writer.join();

  ASSERT_EQ(cuts.size(), 3u);
  int64_t previous = 0;
  for (const BundleManifest& cut : cuts) {
    SCOPED_TRACE(cut.path);
    const std::string db = cut.path + "/healthcontent.db";
    EXPECT_EQ(QueryInt(db, "SELECT max(sequence) FROM changes"), cut.change_sequence);
    EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM articles"), cut.article_count);
    EXPECT_EQ(QueryInt(db, "SELECT count(*) FROM revisions"), cut.revision_count);
    // Each publish adds an article, a revision and a change in one
    // transaction: a copy that mixed two states would break these.
    EXPECT_EQ(cut.article_count - 1, cut.change_sequence - kSeedChanges);
    EXPECT_EQ(cut.revision_count, cut.article_count);
    EXPECT_GE(cut.change_sequence, kSeedChanges + 5);  // the writer was running
    EXPECT_GE(cut.change_sequence, previous);
    previous = cut.change_sequence;
    auto verified = VerifyBundle(cut.path);
    EXPECT_TRUE(verified.ok()) << verified.status();
  }
  EXPECT_LE(previous, kSeedChanges + published.load());
}

TEST_F(BundleTest, VerifyRefusesDamagedBundles) {
  struct Case {
    const char* name;
    // Damages the bundle at `path`, cut with `manifest`.
    std::function<void(const std::string& path, const BundleManifest& manifest)> damage;
    absl::StatusCode code;
    const char* message;
  };
  // Makes the manifest's size and checksum match the database file again,
  // so that a later check is what refuses it.
  auto reseal = [](const std::string& path, const BundleManifest& manifest) {
    const std::string bytes = ReadFileOrDie(path + "/healthcontent.db");
    ReplaceInFile(path + "/MANIFEST.json", manifest.sha256, Sha256Hex(bytes));
    ReplaceInFile(path + "/MANIFEST.json",
                  absl::StrCat("\"database_bytes\": ", manifest.database_bytes),
                  absl::StrCat("\"database_bytes\": ", bytes.size()));
  };
  const std::vector<Case> cases = {
      {"one byte flipped",
       [](const std::string& path, const BundleManifest&) {
         std::string bytes = ReadFileOrDie(path + "/healthcontent.db");
         bytes[bytes.size() / 2] ^= 0x01;
         WriteFileOrDie(path + "/healthcontent.db", bytes);
       },
       absl::StatusCode::kDataLoss, "checksum mismatch"},
      {"truncated",
       [](const std::string& path, const BundleManifest& manifest) {
         fs::resize_file(path + "/healthcontent.db", manifest.database_bytes - 512);
       },
       absl::StatusCode::kDataLoss, "size is"},
      {"manifest deleted",
       [](const std::string& path, const BundleManifest&) { fs::remove(path + "/MANIFEST.json"); },
       absl::StatusCode::kFailedPrecondition, "has no MANIFEST.json"},
      {"manifest not JSON",
       [](const std::string& path, const BundleManifest&) {
         WriteFileOrDie(path + "/MANIFEST.json", "{\"format\": 1,");
       },
       absl::StatusCode::kDataLoss, "MANIFEST.json is not a JSON object"},
      {"manifest missing a field",
       [](const std::string& path, const BundleManifest&) {
         ReplaceInFile(path + "/MANIFEST.json", "\"revision_count\"", "\"revisions\"");
       },
       absl::StatusCode::kDataLoss, "\"revision_count\" is missing"},
      {"unknown format",
       [](const std::string& path, const BundleManifest&) {
         ReplaceInFile(path + "/MANIFEST.json", "\"format\": 1,", "\"format\": 99,");
       },
       absl::StatusCode::kFailedPrecondition, "bundle format 99 is not one this build reads"},
      {"manifest from another schema version",
       [](const std::string& path, const BundleManifest& manifest) {
         ReplaceInFile(path + "/MANIFEST.json",
                       absl::StrCat("\"schema_version\": ", manifest.schema_version),
                       "\"schema_version\": 99");
       },
       absl::StatusCode::kFailedPrecondition, "schema version 99"},
      {"database file deleted",
       [](const std::string& path, const BundleManifest&) {
         fs::remove(path + "/healthcontent.db");
       },
       absl::StatusCode::kDataLoss, "healthcontent.db is missing"},
      {"database file outside the bundle",
       [](const std::string& path, const BundleManifest&) {
         ReplaceInFile(path + "/MANIFEST.json", "\"healthcontent.db\"", "\"../live.db\"");
       },
       absl::StatusCode::kDataLoss, "is not a file name inside the bundle"},
      {"not a database",
       [&](const std::string& path, const BundleManifest& manifest) {
         WriteFileOrDie(path + "/healthcontent.db", std::string(manifest.database_bytes, 'x'));
         reseal(path, manifest);
       },
       absl::StatusCode::kDataLoss, "does not open read-only as a database"},
      {"database from another schema version",
       [&](const std::string& path, const BundleManifest& manifest) {
         {
           auto db = Database::Open(path + "/healthcontent.db", {});
           ASSERT_TRUE(db.ok()) << db.status();
           ASSERT_TRUE((*db)->Execute("PRAGMA user_version = 1;").ok());
         }
         reseal(path, manifest);
       },
       absl::StatusCode::kFailedPrecondition, "has schema version 1"},
      {"article count other than the manifest's",
       [](const std::string& path, const BundleManifest& manifest) {
         ReplaceInFile(path + "/MANIFEST.json",
                       absl::StrCat("\"article_count\": ", manifest.article_count),
                       absl::StrCat("\"article_count\": ", manifest.article_count + 1));
       },
       absl::StatusCode::kDataLoss, "article count is 1 but the manifest says 2"},
      {"change sequence other than the manifest's",
       [](const std::string& path, const BundleManifest& manifest) {
         ReplaceInFile(path + "/MANIFEST.json",
                       absl::StrCat("\"change_sequence\": ", manifest.change_sequence),
                       absl::StrCat("\"change_sequence\": ", manifest.change_sequence - 1));
       },
       absl::StatusCode::kDataLoss, "change sequence is 14 but the manifest says 13"},
  };
  int i = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    BundleManifest cut = Cut(dir_.File(absl::StrCat("case-", i++)), Now());
    ASSERT_TRUE(VerifyBundle(cut.path).ok());
    c.damage(cut.path, cut);
    auto verified = VerifyBundle(cut.path);
    ASSERT_FALSE(verified.ok());
    EXPECT_EQ(verified.status().code(), c.code) << verified.status();
    EXPECT_THAT(verified.status().message(), HasSubstr(c.message));
    EXPECT_THAT(verified.status().message(), HasSubstr(cut.path));
  }
  EXPECT_EQ(VerifyBundle(dir_.File("no-such-bundle")).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(BundleTest, AFailedCutLeavesNoStagingDirectory) {
  const std::string out = dir_.File("bundles");
  BundleManifest first = Cut(out, Now());
  // Same change sequence, same millisecond: the same name.
  auto second = CutBundle(storage_.get(), out, Now());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(second.status().message(),
              HasSubstr("bundle-000000000014-20260601T120000123Z already exists"));
  EXPECT_THAT(Entries(out), ElementsAre(fs::path(first.path).filename().string()));
}

TEST_F(BundleTest, ListBundlesNewestFirstIgnoringEverythingElse) {
  const std::string out = dir_.File("bundles");
  BundleManifest oldest = Cut(out, Now());  // sequence 14
  ASSERT_TRUE(PublishNew("extra").ok());
  BundleManifest earlier_time = Cut(out, Now(-absl::Hours(1)));  // sequence 15, an hour before
  BundleManifest newest = Cut(out, Now(absl::Seconds(1)));       // sequence 15
  fs::create_directory(out + "/.staging-abc123");
  fs::create_directory(out + "/notes");
  fs::create_directory(out + "/bundle-latest");
  WriteFileOrDie(out + "/bundle-000000000099-20260601T120000000Z", "a file, not a bundle");

  EXPECT_THAT(Names(ListBundles(out)), ElementsAre("bundle-000000000015-20260601T120001123Z",
                                                   "bundle-000000000015-20260601T110000123Z",
                                                   "bundle-000000000014-20260601T120000123Z"));
  EXPECT_THAT(Names(ListBundles(out)), ElementsAre(fs::path(newest.path).filename().string(),
                                                   fs::path(earlier_time.path).filename().string(),
                                                   fs::path(oldest.path).filename().string()));
  EXPECT_THAT(ListBundles(dir_.File("missing")), IsEmpty());
}

TEST_F(BundleTest, PruneKeepsTheNewestAndRemovesOnlyAbandonedStaging) {
  const std::string out = dir_.File("bundles");
  for (int i = 0; i < 4; ++i) Cut(out, Now(absl::Seconds(i)));
  const std::string fresh = out + "/.staging-fresh1";
  const std::string abandoned = out + "/.staging-old123";
  for (const std::string& staging : {fresh, abandoned}) {
    fs::create_directory(staging);
    WriteFileOrDie(staging + "/healthcontent.db", "partial");
  }
  const auto two_hours_ago = fs::file_time_type::clock::now() - std::chrono::hours(2);
  fs::last_write_time(abandoned + "/healthcontent.db", two_hours_ago);
  fs::last_write_time(abandoned, two_hours_ago);

  ASSERT_TRUE(PruneBundles(out, 2).ok());
  EXPECT_THAT(Names(ListBundles(out)), ElementsAre("bundle-000000000014-20260601T120003123Z",
                                                   "bundle-000000000014-20260601T120002123Z"));
  EXPECT_TRUE(fs::exists(fresh));
  EXPECT_FALSE(fs::exists(abandoned));
  ASSERT_TRUE(PruneBundles(out, 5).ok());
  EXPECT_EQ(ListBundles(out).size(), 2u);

  EXPECT_EQ(PruneBundles(out, 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PruneBundles(dir_.File("missing"), 1).code(), absl::StatusCode::kNotFound);
}

TEST_F(BundleTest, ReplicaOpensTheBundleImmutableWithoutCreatingFiles) {
  BundleManifest cut = Cut(dir_.File("bundles"), Now());
  const std::string db = cut.path + "/healthcontent.db";
  // VACUUM INTO writes a rollback-journal file (header bytes 18 and 19 are 1;
  // 2 would mean WAL), though the live database is in WAL mode.
  const std::string bytes = ReadFileOrDie(db);
  ASSERT_GE(bytes.size(), 100u);
  EXPECT_EQ(bytes[18], 1);
  EXPECT_EQ(bytes[19], 1);

  Storage::Options options;
  options.read_only = true;
  options.immutable = true;
  auto replica = Storage::Open(db, options);
  ASSERT_TRUE(replica.ok()) << replica.status();
  ArticleStore articles(replica->get(), {});
  const absl::CivilDay today(2026, 6, 1);
  auto article = articles.GetInForce("biological-therapy-for-cancer", today, today);
  ASSERT_TRUE(article.ok()) << article.status();
  EXPECT_EQ(article->revision_id(), "2023-05-19");
  EXPECT_EQ((*replica)->Write([](Database*) { return absl::OkStatus(); }).code(),
            absl::StatusCode::kFailedPrecondition);
  // Still open: no -wal, -shm or -journal beside the database.
  EXPECT_THAT(Entries(cut.path), ElementsAre("MANIFEST.json", "healthcontent.db"));
  EXPECT_TRUE(VerifyBundle(cut.path).ok());
}

TEST(ImmutableDatabaseTest, OpensPathsWithUriSpecialCharacters) {
  TempDir dir;
  const std::string odd = dir.File("50% done?#x");
  fs::create_directory(odd);
  const std::string path = odd + "/a.db";
  {
    auto db = Database::Open(path, {});
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)->Execute("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (7);").ok());
  }  // the last connection checkpoints and removes -wal and -shm
  Database::Options options;
  options.immutable = true;
  auto db = Database::Open(path, options);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->path(), path);
  EXPECT_EQ(QueryInt(path, "SELECT x FROM t"), 7);
  EXPECT_EQ((*db)->Execute("INSERT INTO t VALUES (8);").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Entries(odd), ElementsAre("a.db"));
}

TEST(ImmutableDatabaseTest, StorageMustBeReadOnlyToBeImmutable) {
  TempDir dir;
  Storage::Options options;
  options.immutable = true;
  auto storage = Storage::Open(dir.File("s.db"), options);
  EXPECT_EQ(storage.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(dir.File("s.db")));
}

}  // namespace
}  // namespace healthcontent::storage
