// End to end with buf curl: what portals and caches use — filtered listings,
// search with snippets, review diffs and the change feed.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/hash.h"
#include "e2e/server_process.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/seed.h"
#include "testing/test_env.h"

namespace healthcontent::testing {
namespace {

using ::testing::HasSubstr;

class PortalE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFileOrDie(dir_.File("tokens"), absl::StrCat("publisher ", Sha256Hex("hct_portal"), "\n"));
    server_ = std::make_unique<ServerProcess>(
        FreePort(), std::vector<std::string>{"--db=" + dir_.File("p.db"),
                                             "--bootstrap_dir=" + SourceDir() + "/data",
                                             "--auth_tokens_file=" + dir_.File("tokens")});
  }

  CurlResult Call(const std::string& method, const std::string& body,
                  std::vector<std::string> extra = {}) {
    return BufCurl(server_->url(), method, body, extra);
  }

  // Publishes the seed re-dated to 2024-06-03 with its first heading renamed.
  void Publish2024() {
    nlohmann::json request = nlohmann::json::parse(ReadFileOrDie(SeedRequestPath()));
    request["article"]["reviewDate"] = {{"year", 2024}, {"month", 6}, {"day", 3}};
    request["article"]["sections"][0]["heading"] = "How it works";
    CurlResult r = Call("healthcontent.v1.ArticleService/PublishArticleRevision", request.dump(),
                        {"-H", "authorization: Bearer hct_portal"});
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(PortalE2eTest, FilteredAndOrderedListings) {
  CurlResult r = Call(
      "healthcontent.v1.ArticleService/ListArticles",
      R"({"filter":"therapy_type = \"therapyTypes/monoclonal-antibodies\" AND review_date >= 2023-01-01","orderBy":"review_date desc"})");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(r.json["articles"].size(), 1u) << r.output;
  EXPECT_EQ(r.json["articles"][0]["name"], "articles/biological-therapy-for-cancer");
  EXPECT_FALSE(r.json["articles"][0].contains("sections"));  // BASIC by default

  r = Call(
      "healthcontent.v1.ArticleService/ListArticles",
      R"({"filter":"therapy_type = \"therapyTypes/monoclonal-antibodies\" AND review_date >= 2024-01-01"})");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(r.json.contains("articles")) << r.output;

  r = Call("healthcontent.v1.ArticleService/ListArticles", R"({"filter":"review_date >> 2023"})");
  EXPECT_EQ(r.json["code"], "invalid_argument") << r.output;
  EXPECT_THAT(r.json["message"].get<std::string>(), HasSubstr("position"));
  EXPECT_EQ(r.json["details"][0]["type"], "google.rpc.BadRequest");

  r = Call("healthcontent.v1.ArticleService/ListArticles", R"({"filter":"colour = \"red\""})");
  EXPECT_EQ(r.json["code"], "invalid_argument") << r.output;
  EXPECT_THAT(r.json["message"].get<std::string>(), HasSubstr("unknown field \"colour\""));

  r = Call("healthcontent.v1.TherapyTypeService/ListTherapyTypes", R"({"pageSize":1})");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.json["therapyTypes"][0]["articleCount"], 1);
}

TEST_F(PortalE2eTest, SearchWithSnippets) {
  CurlResult r =
      Call("healthcontent.v1.ArticleService/SearchArticles", R"({"query":"checkpoint"})");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(r.json["results"].size(), 1u) << r.output;
  EXPECT_EQ(r.json["results"][0]["article"]["name"], "articles/biological-therapy-for-cancer");
  EXPECT_THAT(r.json["results"][0]["snippet"].get<std::string>(), HasSubstr("[checkpoint]"));
  r = Call("healthcontent.v1.ArticleService/SearchArticles", R"({"query":"AND OR"})");
  EXPECT_EQ(r.json["code"], "invalid_argument") << r.output;
  EXPECT_EQ(r.json["message"], "query: has only operators (AND, OR, NOT...); add words to find");
}

TEST_F(PortalE2eTest, DiffBetweenTwoReviews) {
  Publish2024();
  CurlResult r = Call(
      "healthcontent.v1.ArticleService/DiffArticleRevisions",
      R"({"name":"articles/biological-therapy-for-cancer","fromRevision":"2023-05-19","toRevision":"2024-06-03"})");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(r.json["sections"].size(), 2u) << r.output;
  std::set<std::string> kinds;
  for (const auto& section : r.json["sections"]) {
    kinds.insert(absl::StrCat(section["kind"].get<std::string>(), " ",
                              section["heading"].get<std::string>()));
  }
  EXPECT_THAT(kinds, ::testing::ElementsAre("DIFF_KIND_ADDED How it works",
                                            "DIFF_KIND_REMOVED How biological therapy works"));
}

TEST_F(PortalE2eTest, ChangeFeedPolledAndFollowed) {
  Publish2024();
  CurlResult r = Call("healthcontent.v1.ChangeService/ListChanges", R"({"since":13})");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(r.json["changes"].size(), 2u) << r.output;
  EXPECT_EQ(r.json["changes"][0]["sequence"], "14");  // int64 is a JSON string
  EXPECT_EQ(r.json["changes"][1]["kind"], "REVISION_PUBLISHED");
  EXPECT_EQ(r.json["changes"][1]["revisionId"], "2024-06-03");
  EXPECT_EQ(r.json["latestSequence"], "15");

  // A watcher replays from `since` and then stays open; buf curl gives up at
  // its timeout after printing what it received.
  std::string out;
  RunCommand(absl::StrCat(BufPath(), " curl --protocol grpc --http2-prior-knowledge --timeout 2s",
                          " -d '{\"since\":13}' ", server_->url(),
                          "/healthcontent.v1.ChangeService/WatchChanges 2>&1"),
             &out);
  EXPECT_THAT(out, HasSubstr("\"sequence\": \"14\""));
  EXPECT_THAT(out, HasSubstr("\"sequence\": \"15\""));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("\"sequence\": \"13\"")));
}

}  // namespace
}  // namespace healthcontent::testing
