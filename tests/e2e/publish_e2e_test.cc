// End to end: publishing a new review of the seed article through buf curl
// with a publisher token, then reading it back by review date.
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

constexpr char kToken[] = "hct_e2e-publisher";
constexpr char kReader[] = "hct_e2e-reader";
constexpr char kArticle[] = "healthcontent.v1.ArticleService/";

class PublishE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFileOrDie(dir_.File("tokens"), absl::StrCat("publisher ", Sha256Hex(kToken), "\nreader ",
                                                     Sha256Hex(kReader), "\n"));
    server_ = std::make_unique<ServerProcess>(
        FreePort(), std::vector<std::string>{"--db=" + dir_.File("e2e.db"),
                                             "--bootstrap_dir=" + SourceDir() + "/data",
                                             "--auth_tokens_file=" + dir_.File("tokens")});
  }

  // The seed's publish request from data/, re-dated to 2024-06-03 with one
  // sentence changed.
  std::string Revision2024() {
    nlohmann::json request = nlohmann::json::parse(ReadFileOrDie(SeedRequestPath()));
    request["article"]["reviewDate"] = {{"year", 2024}, {"month", 6}, {"day", 3}};
    return absl::StrReplaceAll(
        request.dump(), {{"Biological therapy for cancer is a very active area of cancer research.",
                          "Biological therapy for cancer is a very active area of research."}});
  }

  // Revision2024() with its review date replaced.
  std::string WithReviewDate(int year, int month, int day) {
    nlohmann::json request = nlohmann::json::parse(Revision2024());
    request["article"]["reviewDate"] = {{"year", year}, {"month", month}, {"day", day}};
    return request.dump();
  }

  CurlResult Call(const std::string& method, const std::string& body,
                  const std::string& token = "") {
    std::vector<std::string> extra;
    if (!token.empty()) extra = {"-H", absl::StrCat("authorization: Bearer ", token)};
    return BufCurl(server_->url(), kArticle + method, body, extra);
  }

  TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(PublishE2eTest, PublishA2024ReviewThenReadByReviewDate) {
  std::string body = Revision2024();
  ASSERT_THAT(body, HasSubstr("very active area of research.")) << "the data file changed";
  CurlResult published = Call("PublishArticleRevision", body, kToken);
  ASSERT_EQ(published.exit_code, 0) << published.output;
  EXPECT_EQ(published.json["revisionId"], "2024-06-03");

  CurlResult latest = Call("GetArticle", R"({"name":"articles/biological-therapy-for-cancer"})");
  ASSERT_EQ(latest.exit_code, 0) << latest.output;
  EXPECT_EQ(latest.json["revisionId"], "2024-06-03");
  EXPECT_THAT(latest.output, HasSubstr("a very active area of research."));

  CurlResult as_of = Call("GetArticle", R"({"name":"articles/biological-therapy-for-cancer",
                                            "asOf":{"year":2024,"month":1,"day":1}})");
  ASSERT_EQ(as_of.exit_code, 0) << as_of.output;
  EXPECT_EQ(as_of.json["revisionId"], "2023-05-19");
  EXPECT_THAT(as_of.output, HasSubstr("a very active area of cancer research."));

  CurlResult old =
      Call("GetArticleRevision",
           R"({"name":"articles/biological-therapy-for-cancer/revisions/2023-05-19"})");
  ASSERT_EQ(old.exit_code, 0) << old.output;
  EXPECT_EQ(old.json["revisionId"], "2023-05-19");

  CurlResult history =
      Call("ListArticleRevisions", R"({"parent":"articles/biological-therapy-for-cancer"})");
  ASSERT_EQ(history.exit_code, 0) << history.output;
  ASSERT_EQ(history.json["revisions"].size(), 2u);
  EXPECT_EQ(history.json["revisions"][0]["revisionId"], "2024-06-03");
  EXPECT_EQ(history.json["revisions"][0]["inForce"], true);
  EXPECT_EQ(history.json["revisions"][1]["revisionId"], "2023-05-19");

  // A conditional read with the current etag says so without the body.
  std::string etag = latest.json["etag"];
  CurlResult same =
      Call("GetArticle",
           absl::StrCat(R"({"name":"articles/biological-therapy-for-cancer","ifNoneMatch":")", etag,
                        "\"}"));
  ASSERT_EQ(same.exit_code, 0) << same.output;
  EXPECT_EQ(same.json["notModified"], true);
  EXPECT_FALSE(same.json.contains("sections"));

  // Idempotent republish; a clash on the same date.
  EXPECT_EQ(Call("PublishArticleRevision", body, kToken).json["revisionId"], "2024-06-03");
  std::string clash = absl::StrReplaceAll(body, {{"\"title\":\"Biological therapy for cancer\"",
                                                  "\"title\":\"Biological therapy, revised\""}});
  CurlResult clashed = Call("PublishArticleRevision", clash, kToken);
  EXPECT_EQ(clashed.json["code"], "already_exists") << clashed.output;
}

TEST_F(PublishE2eTest, EachErrorCodeAsAUserSeesIt) {
  std::string body = Revision2024();
  CurlResult r = Call("PublishArticleRevision", body);
  EXPECT_EQ(r.json["code"], "unauthenticated") << r.output;
  r = Call("PublishArticleRevision", body, "hct_wrong");
  EXPECT_EQ(r.json["code"], "unauthenticated") << r.output;
  r = Call("PublishArticleRevision", body, kReader);
  EXPECT_EQ(r.json["code"], "permission_denied") << r.output;

  std::string bad_date = WithReviewDate(2023, 2, 30);
  r = Call("PublishArticleRevision", bad_date, kToken);
  EXPECT_EQ(r.json["code"], "invalid_argument") << r.output;
  EXPECT_THAT(r.json["message"].get<std::string>(), HasSubstr("article.review_date"));
  EXPECT_EQ(r.json["details"][0]["type"], "google.rpc.BadRequest");

  std::string bad_doi = absl::StrReplaceAll(body, {{"\"10.3390/ijms23063238\"", "\"not-a-doi\""}});
  r = Call("PublishArticleRevision", bad_doi, kToken);
  EXPECT_EQ(r.json["code"], "invalid_argument") << r.output;
  EXPECT_THAT(r.json["message"].get<std::string>(), HasSubstr("article.references[3].doi"));

  r = Call("GetArticle", R"({"name":"articles/biological-therapy-for-cancer",
                             "asOf":{"year":2001,"month":1,"day":1}})");
  EXPECT_EQ(r.json["code"], "not_found") << r.output;
  EXPECT_EQ(r.json["message"],
            "articles/biological-therapy-for-cancer has no revision in force on 2001-01-01");

  // Nothing above changed the history.
  r = Call("ListArticleRevisions", R"({"parent":"articles/biological-therapy-for-cancer"})");
  EXPECT_EQ(r.json["revisions"].size(), 1u) << r.output;
}

}  // namespace
}  // namespace healthcontent::testing
