#include "storage/database.h"

#include "absl/time/clock.h"
#include "domain/article_rules.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "importers/data_dir.h"
#include "storage/article_store.h"
#include "storage/schema.h"
#include "storage/storage.h"
#include "storage/therapy_type_store.h"
#include "testing/test_env.h"

namespace healthcontent::storage {
namespace {

using ::healthcontent::testing::TempDir;

int64_t QueryInt(Database* db, const char* sql) {
  auto stmt = db->PrepareUncached(sql);
  EXPECT_TRUE(stmt.ok()) << stmt.status();
  auto row = stmt->Step();
  EXPECT_TRUE(row.ok() && *row) << sql;
  return stmt->ColumnInt64(0);
}

std::string QueryText(Database* db, const char* sql) {
  auto stmt = db->PrepareUncached(sql);
  EXPECT_TRUE(stmt.ok()) << stmt.status();
  auto row = stmt->Step();
  EXPECT_TRUE(row.ok() && *row) << sql;
  return std::string(stmt->ColumnText(0));
}

// Publishes data/ (the therapy types and the seed article) into `storage`.
void LoadDataDirInto(Storage* storage) {
  TherapyTypeStore therapy_types(storage);
  ArticleStore articles(storage, {});
  ASSERT_TRUE(
      importers::LoadDataDir(testing::SourceDir() + "/data", &therapy_types, &articles, absl::Now())
          .ok());
}

TEST(DatabaseTest, OpensInWalWithFullSyncAndForeignKeys) {
  TempDir dir;
  auto db = Database::Open(dir.File("a.db"), {});
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ(QueryText(db->get(), "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(QueryInt(db->get(), "PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(QueryInt(db->get(), "PRAGMA foreign_keys"), 1);
}

TEST(DatabaseTest, TransactionRollsBackUnlessCommitted) {
  TempDir dir;
  auto db = *Database::Open(dir.File("a.db"), {});
  ASSERT_TRUE(db->Execute("CREATE TABLE t (x INTEGER)").ok());
  {
    Transaction txn(db.get());
    ASSERT_TRUE(txn.Begin().ok());
    ASSERT_TRUE(db->Execute("INSERT INTO t VALUES (1)").ok());
    // Destroyed without Commit().
  }
  EXPECT_EQ(QueryInt(db.get(), "SELECT count(*) FROM t"), 0);
  {
    Transaction txn(db.get());
    ASSERT_TRUE(txn.Begin().ok());
    ASSERT_TRUE(db->Execute("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_EQ(QueryInt(db.get(), "SELECT count(*) FROM t"), 1);
}

// The one transaction mechanism nests: a Transaction begun inside another is
// a savepoint, rolled back alone or released into the outer one, which alone
// makes it durable.
TEST(DatabaseTest, ATransactionInsideAnotherIsASavepoint) {
  TempDir dir;
  auto db = *Database::Open(dir.File("a.db"), {});
  ASSERT_TRUE(db->Execute("CREATE TABLE t (x INTEGER)").ok());
  {
    Transaction outer(db.get());
    ASSERT_TRUE(outer.Begin().ok());
    ASSERT_TRUE(db->Execute("INSERT INTO t VALUES (1)").ok());
    {
      Transaction rolled_back(db.get());
      ASSERT_TRUE(rolled_back.Begin().ok());
      ASSERT_TRUE(db->Execute("INSERT INTO t VALUES (2)").ok());
    }
    {
      Transaction released(db.get());
      ASSERT_TRUE(released.Begin().ok());
      ASSERT_TRUE(db->Execute("INSERT INTO t VALUES (3)").ok());
      ASSERT_TRUE(released.Commit().ok());
    }
    EXPECT_TRUE(db->InTransaction());
    ASSERT_TRUE(outer.Commit().ok());
  }
  EXPECT_FALSE(db->InTransaction());
  EXPECT_EQ(QueryInt(db.get(), "SELECT group_concat(x) = '1,3' FROM t"), 1);
  {
    Transaction outer(db.get());
    ASSERT_TRUE(outer.Begin().ok());
    Transaction released(db.get());
    ASSERT_TRUE(released.Begin().ok());
    ASSERT_TRUE(db->Execute("INSERT INTO t VALUES (4)").ok());
    ASSERT_TRUE(released.Commit().ok());
    // `outer` is destroyed without Commit(): the released savepoint goes too.
  }
  EXPECT_EQ(QueryInt(db.get(), "SELECT count(*) FROM t"), 2);
}

TEST(DatabaseTest, CachedStatementsResetAndClearBindingsWhenReleased) {
  TempDir dir;
  auto db = *Database::Open(dir.File("a.db"), {});
  ASSERT_TRUE(db->Execute("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('a'), ('b')").ok());
  for (const char* value : {"a", "b", "zzz"}) {
    auto stmt = db->Prepare("SELECT count(*) FROM t WHERE x = ?1");
    ASSERT_TRUE(stmt.ok());
    stmt->BindText(1, value);
    ASSERT_TRUE(*stmt->Step());
    EXPECT_EQ(stmt->ColumnInt64(0), std::string(value) == "zzz" ? 0 : 1) << value;
  }
  // Hostile text is data, never SQL.
  auto stmt = *db->Prepare("SELECT count(*) FROM t WHERE x = ?1");
  stmt.BindText(1, "a' OR '1'='1");
  ASSERT_TRUE(*stmt.Step());
  EXPECT_EQ(stmt.ColumnInt64(0), 0);
}

TEST(DatabaseTest, ConstraintAndSyntaxErrorsMapToStatusCodes) {
  TempDir dir;
  auto db = *Database::Open(dir.File("a.db"), {});
  ASSERT_TRUE(db->Execute("CREATE TABLE t (x TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE(db->Execute("INSERT INTO t VALUES ('a')").ok());
  EXPECT_EQ(db->Execute("INSERT INTO t VALUES ('a')").code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(db->Prepare("SELEC nonsense").status().code(), absl::StatusCode::kInternal);
  // Other constraints by what they mean, not as a clash.
  ASSERT_TRUE(db->Execute("CREATE TABLE child (x TEXT NOT NULL REFERENCES t(x))").ok());
  absl::Status dangling = db->Execute("INSERT INTO child VALUES ('b')");
  EXPECT_EQ(dangling.code(), absl::StatusCode::kFailedPrecondition) << dangling;
  EXPECT_EQ(dangling.message(),
            "executing INSERT INTO child VALUES ('b'): FOREIGN KEY constraint failed (it refers "
            "to a row that does not exist)");
  absl::Status null = db->Execute("INSERT INTO child VALUES (NULL)");
  EXPECT_EQ(null.code(), absl::StatusCode::kInternal) << null;
  EXPECT_THAT(std::string(null.message()),
              ::testing::EndsWith("NOT NULL constraint failed: child.x (a write broke a rule of "
                                  "the schema)"));
  EXPECT_TRUE(db->Execute("INSERT INTO child VALUES ('a')").ok());
}

// Stored protobuf bytes that do not parse are DataLoss naming what they are,
// wherever a store reads them.
TEST(DatabaseTest, UndecodableStoredBytesAreDataLossNamingWhatTheyHold) {
  v1::TherapyType decoded;
  EXPECT_EQ(
      DecodeStored("\xff\xff\xff", "stored therapyTypes/x", &decoded),
      absl::DataLossError("stored therapyTypes/x cannot be decoded (the database is damaged)"));
  TempDir dir;
  const std::string path = dir.File("s.db");
  {
    auto storage = *Storage::Open(path, {});
    ASSERT_NO_FATAL_FAILURE(LoadDataDirInto(storage.get()));
  }
  {
    auto db = *Database::Open(path, {});
    ASSERT_TRUE(db->Execute("UPDATE therapy_types SET body = x'ffffff' "
                            "WHERE slug = 'monoclonal-antibodies'")
                    .ok());
  }
  auto storage = *Storage::Open(path, {});
  TherapyTypeStore therapy_types(storage.get());
  EXPECT_EQ(therapy_types.Get("monoclonal-antibodies").status(),
            absl::DataLossError("stored therapyTypes/monoclonal-antibodies cannot be decoded (the "
                                "database is damaged)"));
  EXPECT_EQ(therapy_types.List("", 50).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(therapy_types.Get("gene-therapy").ok());
}

TEST(DatabaseTest, AFileThatIsNotADatabaseFailsAtOpen) {
  TempDir dir;
  testing::WriteFileOrDie(dir.File("junk.db"), std::string(8192, 'x'));
  auto db = Database::Open(dir.File("junk.db"), {});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(db.status().message(), ::testing::HasSubstr("corrupt"));
}

TEST(SchemaTest, MigratesToLatestOnceAndRefusesNewerFiles) {
  TempDir dir;
  auto storage = Storage::Open(dir.File("s.db"), {});
  ASSERT_TRUE(storage.ok()) << storage.status();
  auto db = *Database::Open(dir.File("s.db"), {});
  EXPECT_EQ(QueryInt(db.get(), "PRAGMA user_version"), LatestSchemaVersion());
  EXPECT_TRUE(MigrateSchema(db.get()).ok());  // idempotent
  ASSERT_TRUE(db->Execute("PRAGMA user_version = 999").ok());
  auto newer = MigrateSchema(db.get());
  EXPECT_EQ(newer.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(newer.message(), ::testing::HasSubstr("999"));
}

TEST(SchemaTest, Version3MovesBodiesOutOfRevisionsAndKeepsEveryRevision) {
  TempDir dir;
  const std::string path = dir.File("v2.db");
  v1::Article before;
  {
    auto storage = *Storage::Open(path, {});
    ASSERT_NO_FATAL_FAILURE(LoadDataDirInto(storage.get()));
    ArticleStore articles(storage.get(), {});
    before = *articles.GetRevision("biological-therapy-for-cancer", absl::CivilDay(2023, 5, 19),
                                   absl::CivilDay(2026, 1, 1), false);
  }
  {
    // Turn the file back into a version 2 database: bodies in revisions.
    auto db = *Database::Open(path, {});
    ASSERT_TRUE(db->Execute(R"sql(
        BEGIN;
        UPDATE revisions SET body = (SELECT b.body FROM revision_bodies b
                                     WHERE b.article_id = revisions.article_id
                                       AND b.review_date = revisions.review_date);
        DROP TABLE revision_bodies;
        DROP TABLE live_therapy_type_counts;
        DROP TABLE live_listings;
        DROP TABLE article_codings;
        DROP TABLE code_index;
        PRAGMA user_version = 2;
        COMMIT;)sql")
                    .ok());
    ASSERT_GT(QueryInt(db.get(), "SELECT length(body) FROM revisions"), 1000);
  }
  auto storage = Storage::Open(path, {});  // migrates 2 -> 3
  ASSERT_TRUE(storage.ok()) << storage.status();
  auto db = *Database::Open(path, {});
  EXPECT_EQ(QueryInt(db.get(), "PRAGMA user_version"), LatestSchemaVersion());
  EXPECT_EQ(QueryInt(db.get(), "SELECT length(body) FROM revisions"), 0);
  EXPECT_EQ(QueryInt(db.get(), "SELECT count(*) FROM revision_bodies"), 1);
  EXPECT_EQ(QueryInt(db.get(), "SELECT count(*) FROM pragma_foreign_key_check"), 0);
  ArticleStore articles(storage->get(), {});
  auto after = articles.GetRevision("biological-therapy-for-cancer", absl::CivilDay(2023, 5, 19),
                                    absl::CivilDay(2026, 1, 1), false);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->SerializeAsString(), before.SerializeAsString());
}

TEST(SchemaTest, Version4CountsTheLiveArticlesOfEachTherapyType) {
  TempDir dir;
  const std::string path = dir.File("v3.db");
  {
    auto storage = *Storage::Open(path, {});
    ASSERT_NO_FATAL_FAILURE(LoadDataDirInto(storage.get()));
  }
  {
    // Turn the file back into a version 3 database.
    auto db = *Database::Open(path, {});
    ASSERT_TRUE(db->Execute("BEGIN; DROP TABLE live_therapy_type_counts; "
                            "DROP TABLE live_listings; DROP TABLE article_codings; "
                            "DROP TABLE code_index; PRAGMA user_version = 3; COMMIT;")
                    .ok());
  }
  auto storage = Storage::Open(path, {});  // migrates 3 -> latest
  ASSERT_TRUE(storage.ok()) << storage.status();
  auto db = *Database::Open(path, {});
  EXPECT_EQ(QueryInt(db.get(), "PRAGMA user_version"), LatestSchemaVersion());
  // The seed article lists each of its therapy types once.
  const int64_t seed_types = QueryInt(db.get(),
                                      "SELECT count(DISTINCT therapy_type_slug) FROM "
                                      "revision_therapy_types");
  EXPECT_GE(seed_types, 5);
  EXPECT_EQ(QueryInt(db.get(), "SELECT count(*) FROM live_therapy_type_counts"), seed_types);
  EXPECT_EQ(QueryInt(db.get(), "SELECT min(article_count) FROM live_therapy_type_counts"), 1);
  EXPECT_EQ(QueryInt(db.get(), "SELECT max(article_count) FROM live_therapy_type_counts"), 1);
  TherapyTypeStore therapy_types(storage->get());
  auto page = therapy_types.List("", 20);
  ASSERT_TRUE(page.ok()) << page.status();
  int64_t listed = 0;
  for (const v1::TherapyType& type : page->therapy_types) listed += type.article_count();
  EXPECT_EQ(listed, seed_types);
}

TEST(SchemaTest, Version6AddsTheCodingTablesAndKeepsEverything) {
  TempDir dir;
  const std::string path = dir.File("v5.db");
  std::string before;
  {
    auto storage = *Storage::Open(path, {});
    ASSERT_NO_FATAL_FAILURE(LoadDataDirInto(storage.get()));
    ArticleStore articles(storage.get(), {});
    before = articles
                 .GetRevision("biological-therapy-for-cancer", absl::CivilDay(2023, 5, 19),
                              absl::CivilDay(2026, 1, 1), false)
                 ->SerializeAsString();
    auto db = *Database::Open(path, {});
    ASSERT_TRUE(db->Execute("BEGIN; DROP TABLE article_codings; DROP TABLE code_index; "
                            "PRAGMA user_version = 5; COMMIT;")
                    .ok());
  }
  auto storage = Storage::Open(path, {});  // migrates 5 -> 6
  ASSERT_TRUE(storage.ok()) << storage.status();
  auto db = *Database::Open(path, {});
  EXPECT_EQ(LatestSchemaVersion(), 8);
  EXPECT_EQ(QueryInt(db.get(), "PRAGMA user_version"), LatestSchemaVersion());
  EXPECT_EQ(QueryInt(db.get(), "SELECT count(*) FROM article_codings"), 0);
  EXPECT_EQ(QueryInt(db.get(), "SELECT count(*) FROM code_index"), 0);
  ArticleStore articles(storage->get(), {});
  auto after = articles.GetRevision("biological-therapy-for-cancer", absl::CivilDay(2023, 5, 19),
                                    absl::CivilDay(2026, 1, 1), false);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->SerializeAsString(), before);
}

TEST(SchemaTest, Version8ScoresEveryStoredRevisionAndKeepsItsEtag) {
  TempDir dir;
  const std::string path = dir.File("v7.db");
  v1::Article before;
  {
    auto storage = *Storage::Open(path, {});
    ASSERT_NO_FATAL_FAILURE(LoadDataDirInto(storage.get()));
    ArticleStore articles(storage.get(), {});
    before = *articles.GetRevision("biological-therapy-for-cancer", absl::CivilDay(2023, 5, 19),
                                   absl::CivilDay(2026, 1, 1), false);
    ASSERT_EQ(before.readability().ease_formula(), v1::Readability::FLESCH);
    // As a version 7 database held it: no figures in the body or the columns.
    auto db = *Database::Open(path, {});
    v1::Article stored = before;
    stored.clear_readability();
    stored.clear_scheduled();
    auto update = db->PrepareUncached("UPDATE revision_bodies SET body = ?1");
    ASSERT_TRUE(update.ok());
    update->BindBlob(1, stored.SerializeAsString());
    ASSERT_TRUE(update->Run().ok());
    ASSERT_TRUE(db->Execute("UPDATE revisions SET reading_grade = NULL, reading_ease = NULL; "
                            "UPDATE live_articles SET reading_grade = NULL, reading_ease = NULL; "
                            "PRAGMA user_version = 7;")
                    .ok());
  }
  auto storage = Storage::Open(path, {});  // migrates 7 -> 8
  ASSERT_TRUE(storage.ok()) << storage.status();
  auto db = *Database::Open(path, {});
  EXPECT_EQ(QueryInt(db.get(), "PRAGMA user_version"), 8);
  EXPECT_EQ(QueryInt(db.get(), "SELECT count(*) FROM revisions WHERE reading_grade IS NULL"), 0);
  EXPECT_EQ(QueryInt(db.get(), "SELECT count(*) FROM live_articles WHERE reading_ease IS NULL"), 0);
  ArticleStore articles(storage->get(), {});
  auto after = articles.GetRevision("biological-therapy-for-cancer", absl::CivilDay(2023, 5, 19),
                                    absl::CivilDay(2026, 1, 1), false);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->SerializeAsString(), before.SerializeAsString());  // figures and etag
  ArticleStore::ListQuery query;
  query.today = absl::CivilDay(2026, 1, 1);
  query.basic_view = true;
  auto page = articles.List(query);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->articles.size(), 1u);
  EXPECT_EQ(page->articles[0].readability().SerializeAsString(),
            before.readability().SerializeAsString());
}

TEST(SchemaTest, Version5StoresEachLiveArticlesListingEntry) {
  TempDir dir;
  const std::string path = dir.File("v4.db");
  {
    auto storage = *Storage::Open(path, {});
    ASSERT_NO_FATAL_FAILURE(LoadDataDirInto(storage.get()));
    // Written by RefreshLiveArticle at publish time.
    auto db = *Database::Open(path, {});
    EXPECT_GT(QueryInt(db.get(), "SELECT length(listing) FROM live_listings"), 500);
    ASSERT_TRUE(db->Execute("BEGIN; DROP TABLE live_listings; DROP TABLE article_codings; "
                            "DROP TABLE code_index; PRAGMA user_version = 4; COMMIT;")
                    .ok());
  }
  auto storage = Storage::Open(path, {});  // migrates 4 -> 5, filling the entries
  ASSERT_TRUE(storage.ok()) << storage.status();
  auto db = *Database::Open(path, {});
  EXPECT_EQ(QueryInt(db.get(), "PRAGMA user_version"), LatestSchemaVersion());
  EXPECT_EQ(QueryInt(db.get(), "SELECT count(*) FROM live_listings"),
            QueryInt(db.get(), "SELECT count(*) FROM live_articles"));
  ArticleStore articles(storage->get(), {});
  ArticleStore::ListQuery query;
  query.today = absl::CivilDay(2026, 1, 1);
  query.basic_view = true;
  auto basic = articles.ListStored(query);
  ASSERT_TRUE(basic.ok()) << basic.status();
  ASSERT_EQ(basic->revisions.size(), 1u);
  query.basic_view = false;
  auto full = articles.ListStored(query);
  ASSERT_TRUE(full.ok()) << full.status();
  ASSERT_EQ(full->revisions.size(), 1u);
  v1::Article listed;
  ASSERT_TRUE(listed.ParseFromString(basic->revisions[0].body));
  v1::Article expected;
  ASSERT_TRUE(expected.ParseFromString(full->revisions[0].body));
  ASSERT_GT(expected.sections_size(), 0);
  domain::ApplyBasicView(&expected);
  EXPECT_EQ(listed.SerializeAsString(), expected.SerializeAsString());
  EXPECT_LT(basic->revisions[0].body.size(), full->revisions[0].body.size());
}

TEST(StorageTest, ReadOnlyStorageRefusesWrites) {
  TempDir dir;
  ASSERT_TRUE(Storage::Open(dir.File("s.db"), {}).ok());
  auto storage = Storage::Open(dir.File("s.db"), {.read_only = true});
  ASSERT_TRUE(storage.ok()) << storage.status();
  absl::Status status = (*storage)->Write([](Database*) { return absl::OkStatus(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace healthcontent::storage
