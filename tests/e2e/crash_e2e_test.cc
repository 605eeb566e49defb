// Crash safety: a client publishes a stream of revisions to the built server
// and records each acknowledged one; the server is killed with SIGKILL at a
// random moment, 20 times over. After every kill the database must pass
// integrity_check, hold every acknowledged revision complete, and hold no
// revision without its therapy-type links, reference links and feed entry.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <atomic>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/date.h"
#include "common/hash.h"
#include "domain/article_rules.h"
#include "e2e/server_process.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/article_service.grpc.pb.h"
#include "storage/database.h"
#include "testing/seed.h"
#include "testing/test_env.h"

namespace healthcontent::testing {
namespace {

struct Acked {
  std::string slug;
  std::string revision_id;
  std::string etag;
};

std::string QueryText(storage::Database* db, const std::string& sql) {
  auto stmt = db->PrepareUncached(sql);
  EXPECT_TRUE(stmt.ok()) << stmt.status();
  auto row = stmt->Step();
  EXPECT_TRUE(row.ok() && *row) << sql;
  return std::string(stmt->ColumnText(0));
}

void VerifyDatabase(const std::string& path, const std::vector<Acked>& acked) {
  auto db = storage::Database::Open(path, {});
  ASSERT_TRUE(db.ok()) << db.status();
  storage::Database* d = db->get();
  EXPECT_EQ(QueryText(d, "PRAGMA integrity_check"), "ok");
  for (const Acked& a : acked) {
    auto stmt = *d->PrepareUncached(
        "SELECT b.body, r.etag FROM revisions r JOIN articles a ON a.id = r.article_id "
        "JOIN revision_bodies b ON b.article_id = r.article_id AND b.review_date = r.review_date "
        "WHERE a.slug = ?1 AND r.review_date = ?2");
    stmt.BindText(1, a.slug).BindText(2, a.revision_id);
    auto row = stmt.Step();
    ASSERT_TRUE(row.ok() && *row) << "acknowledged but lost: " << a.slug << " " << a.revision_id;
    v1::Article article;
    ASSERT_TRUE(article.ParseFromString(std::string(stmt.ColumnBlob(0))));
    EXPECT_EQ(stmt.ColumnText(1), a.etag);
    EXPECT_EQ(domain::ComputeEtag(article), a.etag);
  }
  // Every revision present, acknowledged or not, is whole.
  auto all = *d->PrepareUncached(R"sql(
      SELECT a.slug, r.review_date, b.body,
             (SELECT count(*) FROM revision_therapy_types t
              WHERE t.article_id = r.article_id AND t.review_date = r.review_date),
             (SELECT count(*) FROM revision_references x
              WHERE x.article_id = r.article_id AND x.review_date = r.review_date),
             (SELECT count(*) FROM changes c
              WHERE c.resource = 'articles/' || a.slug AND c.revision_id = r.review_date)
      FROM revisions r JOIN articles a ON a.id = r.article_id
      JOIN revision_bodies b ON b.article_id = r.article_id AND b.review_date = r.review_date)sql");
  int revisions = 0;
  while (*all.Step()) {
    ++revisions;
    v1::Article article;
    ASSERT_TRUE(article.ParseFromString(std::string(all.ColumnBlob(2))));
    EXPECT_EQ(all.ColumnInt64(3), article.therapy_types_size()) << all.ColumnText(0);
    EXPECT_EQ(all.ColumnInt64(4), article.references_size()) << all.ColumnText(0);
    EXPECT_EQ(all.ColumnInt64(5), 1) << "feed entry of " << all.ColumnText(0);
  }
  EXPECT_GE(revisions, static_cast<int>(acked.size()));
  EXPECT_EQ(QueryText(d, "SELECT count(*) = coalesce(max(sequence), 0) FROM changes"), "1");
}

TEST(CrashE2eTest, AcknowledgedPublishesSurviveSigkill) {
  TempDir dir;
  const std::string db = dir.File("crash.db");
  WriteFileOrDie(dir.File("tokens"), absl::StrCat("publisher ", Sha256Hex("hct_crash"), "\n"));
  const v1::PublishArticleRevisionRequest base = SeedPublishRequest();

  std::mt19937 rng(777);
  std::vector<Acked> acked;
  absl::Mutex mu;
  int next = 0;
  constexpr int kRounds = 20;
  for (int round = 0; round < kRounds; ++round) {
    int port = FreePort();
    ServerProcess server(port, {"--db=" + db, "--bootstrap_dir=" + SourceDir() + "/data",
                                "--auth_tokens_file=" + dir.File("tokens")});
    auto stub = v1::ArticleService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
    std::atomic<bool> stop{false};
    std::thread client([&] {
      while (!stop.load()) {
        int k = next++;
        v1::PublishArticleRevisionRequest request = base;
        std::string slug = absl::StrCat("crash-", k % 7);
        request.mutable_article()->set_name("articles/" + slug);
        *request.mutable_article()->mutable_review_date() =
            ToProtoDate(absl::CivilDay(2000, 1, 1) + k);
        v1::Article out;
        grpc::ClientContext context;
        context.AddMetadata("authorization", "Bearer hct_crash");
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        grpc::Status status = stub->PublishArticleRevision(&context, request, &out);
        if (!status.ok()) break;  // the server died mid-call: not acknowledged
        absl::MutexLock lock(&mu);
        acked.push_back({slug, out.revision_id(), out.etag()});
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + rng() % 350));
    EXPECT_EQ(server.Stop(SIGKILL), -SIGKILL);
    stop = true;
    client.join();
    absl::MutexLock lock(&mu);
    VerifyDatabase(db, acked);
    if (HasFatalFailure()) return;
  }
  std::printf("acknowledged publishes across %d kills: %zu\n", kRounds, acked.size());
  EXPECT_GT(acked.size(), static_cast<size_t>(kRounds));
}

}  // namespace
}  // namespace healthcontent::testing
