// The two failures whose codes are chosen here, provoked for real: SQLite
// constraints by their extended result code (SqliteError), and stored bytes
// that do not decode (DecodeStored), in every store that reads them.
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "importers/data_dir.h"
#include "storage/article_store.h"
#include "storage/database.h"
#include "storage/knowledge_store.h"
#include "storage/reference_store.h"
#include "storage/storage.h"
#include "storage/therapy_type_store.h"
#include "testing/seed.h"
#include "testing/test_env.h"

namespace healthcontent::storage {
namespace {

using ::healthcontent::testing::TempDir;
using ::testing::EndsWith;
using ::testing::HasSubstr;

struct ConstraintCase {
  const char* name;
  const char* sql;
  absl::StatusCode code;
  // SQLite's message and what the code adds, as the status message ends.
  const char* message_ends_with;
};

class ConstraintCodeTest : public ::testing::TestWithParam<ConstraintCase> {
 protected:
  void SetUp() override {
    auto opened = Storage::Open(dir_.File("c.db"), {});
    ASSERT_TRUE(opened.ok()) << opened.status();
    storage_ = std::move(*opened);
    ASSERT_TRUE(storage_
                    ->Write([](Database* db) {
                      return db->Execute(R"sql(
                          CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE);
                          CREATE TABLE child (
                            name   TEXT PRIMARY KEY,
                            parent INTEGER NOT NULL REFERENCES parent(id),
                            age    INTEGER CHECK (age >= 0));
                          INSERT INTO parent VALUES (1, 'a');
                          INSERT INTO child VALUES ('x', 1, 0);)sql");
                    })
                    .ok());
  }

  TempDir dir_;
  std::unique_ptr<Storage> storage_;
};

// The same code whether the statement is executed (Database::Execute) or
// prepared and stepped inside a write (Statement::Step).
TEST_P(ConstraintCodeTest, MapsToItsCodeWithSqlitesMessage) {
  const ConstraintCase& c = GetParam();
  absl::Status executed = storage_->Write([&](Database* db) { return db->Execute(c.sql); });
  EXPECT_EQ(executed.code(), c.code) << executed;
  EXPECT_THAT(std::string(executed.message()), EndsWith(c.message_ends_with));
  absl::Status stepped = storage_->Write([&](Database* db) -> absl::Status {
    absl::StatusOr<Statement> stmt = db->PrepareUncached(c.sql);
    if (!stmt.ok()) return stmt.status();
    return stmt->Run();
  });
  EXPECT_EQ(stepped.code(), c.code) << stepped;
  EXPECT_THAT(std::string(stepped.message()), EndsWith(c.message_ends_with));
  // Nothing of the failed write stays; the connection writes on.
  EXPECT_TRUE(
      storage_
          ->Write([](Database* db) { return db->Execute("INSERT INTO child VALUES ('ok', 1, 1)"); })
          .ok());
}

INSTANTIATE_TEST_SUITE_P(
    Constraints, ConstraintCodeTest,
    ::testing::Values(
        ConstraintCase{"Unique", "INSERT INTO parent VALUES (2, 'a')",
                       absl::StatusCode::kAlreadyExists, "UNIQUE constraint failed: parent.code"},
        ConstraintCase{"PrimaryKey", "INSERT INTO child VALUES ('x', 1, 5)",
                       absl::StatusCode::kAlreadyExists, "UNIQUE constraint failed: child.name"},
        ConstraintCase{"IntegerPrimaryKey", "INSERT INTO parent VALUES (1, 'b')",
                       absl::StatusCode::kAlreadyExists, "UNIQUE constraint failed: parent.id"},
        ConstraintCase{"ForeignKey", "INSERT INTO child VALUES ('y', 9, 0)",
                       absl::StatusCode::kFailedPrecondition,
                       "FOREIGN KEY constraint failed (it refers to a row that does not exist)"},
        ConstraintCase{"ForeignKeyOnDelete", "DELETE FROM parent WHERE id = 1",
                       absl::StatusCode::kFailedPrecondition,
                       "FOREIGN KEY constraint failed (it refers to a row that does not exist)"},
        ConstraintCase{"NotNull", "INSERT INTO child VALUES ('y', NULL, 0)",
                       absl::StatusCode::kInternal,
                       "NOT NULL constraint failed: child.parent (a write broke a rule of the "
                       "schema)"},
        ConstraintCase{"Check", "INSERT INTO child VALUES ('y', 1, -1)",
                       absl::StatusCode::kInternal,
                       "CHECK constraint failed: age >= 0 (a write broke a rule of the schema)"}),
    [](const ::testing::TestParamInfo<ConstraintCase>& info) { return info.param.name; });

// A foreign key checked at COMMIT (deferred) is FailedPrecondition too, from
// Transaction::Commit, and the destructor then rolls everything back.
TEST(ConstraintCodeAtCommitTest, ADeferredForeignKeyFailsTheCommitAsFailedPrecondition) {
  TempDir dir;
  auto db = *Database::Open(dir.File("d.db"), {});
  ASSERT_TRUE(db->Execute("CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                          "CREATE TABLE child (parent INTEGER REFERENCES parent(id) "
                          "DEFERRABLE INITIALLY DEFERRED);")
                  .ok());
  {
    Transaction txn(db.get());
    ASSERT_TRUE(txn.Begin().ok());
    ASSERT_TRUE(db->Execute("INSERT INTO child VALUES (7)").ok());
    absl::Status committed = txn.Commit();
    EXPECT_EQ(committed,
              absl::FailedPreconditionError("executing COMMIT;: FOREIGN KEY constraint failed (it "
                                            "refers to a row that does not exist)"));
  }
  EXPECT_FALSE(db->InTransaction());
  auto count = *db->PrepareUncached("SELECT count(*) FROM child");
  ASSERT_TRUE(*count.Step());
  EXPECT_EQ(count.ColumnInt64(0), 0);
}

// Stored bytes that do not decode: DataLoss naming the row, from every store
// that reads stored messages.
class UndecodableRowTest : public ::testing::Test {
 protected:
  static constexpr char kSlug[] = "biological-therapy-for-cancer";
  static constexpr char kRequestId[] = "import-7f3a";

  void SetUp() override {
    path_ = dir_.File("s.db");
    auto opened = Storage::Open(path_, {});
    ASSERT_TRUE(opened.ok()) << opened.status();
    storage_ = std::move(*opened);
    TherapyTypeStore therapy_types(storage_.get());
    ArticleStore articles(storage_.get(), {});
    ASSERT_TRUE(importers::LoadDataDir(testing::SourceDir() + "/data", &therapy_types, &articles,
                                       absl::Now())
                    .ok());
    // A second revision published with a request_id, so that its answer is
    // stored for a retry.
    v1::PublishArticleRevisionRequest request = testing::SeedPublishRequest();
    *request.mutable_article()->mutable_review_date() = ToProtoDate(absl::CivilDay(2024, 2, 2));
    request.set_request_id(kRequestId);
    auto published = articles.Publish(request, absl::Now());
    ASSERT_TRUE(published.ok()) << published.status();
    retry_ = request;
  }

  // Overwrites column `column` of the rows `where` selects in `table` with
  // bytes that are not a protobuf message.
  void Corrupt(const std::string& table, const std::string& column, const std::string& where) {
    ASSERT_TRUE(storage_
                    ->Write([&](Database* db) {
                      return db->Execute(absl::StrCat("UPDATE ", table, " SET ", column,
                                                      " = x'ffffff' WHERE ", where));
                    })
                    .ok());
  }

  static absl::Status Damaged(const std::string& what) {
    return absl::DataLossError(absl::StrCat(what, " cannot be decoded (the database is damaged)"));
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<Storage> storage_;
  v1::PublishArticleRevisionRequest retry_;
};

TEST_F(UndecodableRowTest, ARevisionBodyIsDataLossNamingTheRevision) {
  Corrupt("revision_bodies", "body", "review_date = '2023-05-19'");
  ArticleStore articles(storage_.get(), {});
  const absl::CivilDay day(2023, 6, 1);
  const absl::Status expected =
      Damaged(absl::StrCat("stored articles/", kSlug, "/revisions/2023-05-19"));
  EXPECT_EQ(articles.GetInForce(kSlug, day, day).status(), expected);
  EXPECT_EQ(articles.GetRevision(kSlug, absl::CivilDay(2023, 5, 19), day, false).status(),
            expected);
  EXPECT_EQ(articles.Export(kSlug, absl::CivilDay(2023, 5, 19), false).status(), expected);
  // The other revision still reads.
  EXPECT_TRUE(articles.GetRevision(kSlug, absl::CivilDay(2024, 2, 2), day, false).ok());
}

TEST_F(UndecodableRowTest, AListingEntryIsDataLossNamingTheRevision) {
  Corrupt("live_listings", "listing", "1");
  ArticleStore articles(storage_.get(), {});
  ArticleStore::ListQuery query;
  query.basic_view = true;
  query.today = absl::CivilDay(2026, 6, 1);
  EXPECT_EQ(articles.List(query).status(),
            Damaged(absl::StrCat("stored articles/", kSlug, "/revisions/2024-02-02")));
}

TEST_F(UndecodableRowTest, AReferenceIsDataLossNamingIt) {
  std::string id;
  {
    ReferenceStore references(storage_.get());
    auto page = references.List("", 1);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_EQ(page->references.size(), 1u);
    id = std::string(absl::StripPrefix(page->references[0].name(), "references/"));
  }
  Corrupt("refs", "body", "id = (SELECT min(id) FROM refs)");
  ReferenceStore references(storage_.get());
  const absl::Status expected = Damaged(absl::StrCat("stored references/", id));
  EXPECT_EQ(references.Get(id).status(), expected);
  EXPECT_EQ(references.List("", 50).status(), expected);
}

TEST_F(UndecodableRowTest, ATherapyTypeIsDataLossNamingIt) {
  Corrupt("therapy_types", "body", "slug = 'gene-therapy'");
  TherapyTypeStore therapy_types(storage_.get());
  const absl::Status expected = Damaged("stored therapyTypes/gene-therapy");
  EXPECT_EQ(therapy_types.Get("gene-therapy").status(), expected);
  EXPECT_EQ(therapy_types.List("", 50).status(), expected);
  EXPECT_TRUE(therapy_types.Get("monoclonal-antibodies").ok());
}

TEST_F(UndecodableRowTest, ACodingIsDataLossNamingIt) {
  Corrupt("article_codings", "body", "effective_date = '2023-05-19'");
  KnowledgeStore knowledge(storage_.get());
  absl::Status status = knowledge.ListCodings(kSlug).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_THAT(std::string(status.message()),
              HasSubstr(absl::StrCat("stored coding of articles/", kSlug,
                                     " effective 2023-05-19 "
                                     "(change ")));
}

TEST_F(UndecodableRowTest, AStoredAnswerIsDataLossNamingItsRequestId) {
  Corrupt("requests", "response", absl::StrCat("request_id = '", kRequestId, "'"));
  ArticleStore articles(storage_.get(), {});
  EXPECT_EQ(articles.Publish(retry_, absl::Now()).status(),
            Damaged(absl::StrCat("stored answer to request_id ", kRequestId)));
}

}  // namespace
}  // namespace healthcontent::storage
