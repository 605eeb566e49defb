// End to end: the built server on a loopback port, driven by buf curl using
// only server reflection (no local .proto files).
#include <signal.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "e2e/server_process.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.pb.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace healthcontent::testing {
namespace {

using ::testing::HasSubstr;

class ReadE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    server_ = new ServerProcess(
        FreePort(), {"--db=" + dir_->File("e2e.db"), "--bootstrap_dir=" + SourceDir() + "/data"});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* ReadE2eTest::dir_ = nullptr;
ServerProcess* ReadE2eTest::server_ = nullptr;

TEST_F(ReadE2eTest, ReflectionListsEveryServiceIncludingHealth) {
  CurlResult result = BufCurl(server_->url(), "", "", {"--list-services"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  for (const char* service :
       {"healthcontent.v1.ArticleService", "healthcontent.v1.TherapyTypeService",
        "healthcontent.v1.ReferenceService", "grpc.health.v1.Health"}) {
    EXPECT_THAT(result.output, HasSubstr(service));
  }
  result = BufCurl(server_->url(), "", "", {"--list-methods"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("healthcontent.v1.ArticleService/GetArticle"));
  EXPECT_THAT(result.output, HasSubstr("grpc.health.v1.Health/Check"));
}

TEST_F(ReadE2eTest, ReflectionDescribesArticle) {
  CurlResult result =
      BufCurl(server_->url(), "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
              R"({"fileContainingSymbol": "healthcontent.v1.Article"})");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  ASSERT_TRUE(result.json.is_object()) << result.output;
  const auto& files = result.json["fileDescriptorResponse"]["fileDescriptorProto"];
  ASSERT_TRUE(files.is_array()) << result.output;
  bool found = false;
  for (const auto& encoded : files) {
    std::string bytes;
    ASSERT_TRUE(absl::Base64Unescape(encoded.get<std::string>(), &bytes));
    google::protobuf::FileDescriptorProto file;
    ASSERT_TRUE(file.ParseFromString(bytes));
    for (const auto& message : file.message_type()) {
      if (file.package() != "healthcontent.v1" || message.name() != "Article") continue;
      found = true;
      std::vector<std::string> fields;
      for (const auto& f : message.field()) fields.push_back(f.name());
      for (const char* want :
           {"name", "title", "summary", "sections", "therapy_types", "references", "review_date",
            "revision_id", "publisher", "language_code", "etag"}) {
        EXPECT_THAT(fields, ::testing::Contains(want));
      }
    }
  }
  EXPECT_TRUE(found) << result.output;
}

TEST_F(ReadE2eTest, GetArticleReturnsTheWholeSeedArticleAndNoChrome) {
  CurlResult result = BufCurl(server_->url(), "healthcontent.v1.ArticleService/GetArticle",
                              R"({"name":"articles/biological-therapy-for-cancer"})");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto& a = result.json;
  EXPECT_EQ(a["title"], "Biological therapy for cancer");
  EXPECT_EQ(a["reviewDate"], nlohmann::json({{"year", 2023}, {"month", 5}, {"day", 19}}));
  EXPECT_EQ(a["revisionId"], "2023-05-19");
  EXPECT_EQ(a["therapyTypes"].size(), 13u);
  ASSERT_EQ(a["references"].size(), 4u);
  EXPECT_EQ(a["references"][1]["doi"], "10.3390/ijms222111694");
  EXPECT_EQ(a["references"][3]["doi"], "10.3390/ijms23063238");
  EXPECT_EQ(a["references"][2]["kind"], "BOOK_CHAPTER");
  // Every sentence of the page's article text is in the answer.
  for (const char* sentence :
       {"uses the body's immune system to kill cancer cells.",
        "When cancer spreads, it's called metastatic cancer.",
        "Cancer cells can hide from immune system cells.",
        "Getting the immune system to attack cancer cells.",
        "then putting them back into that person's body.",
        "drugs called immune checkpoint inhibitors can target certain receptors",
        "Chimeric antigen receptor (CAR) T-cell therapy",
        "Biological therapy for cancer is a very active area of cancer research."}) {
    EXPECT_THAT(result.output, HasSubstr(sentence));
  }
  for (const char* chrome : {"Products & Services", "delivered to your inbox", "Subscribe",
                             "notice of privacy practices", "Explore Mayo Clinic studies"}) {
    EXPECT_THAT(result.output, ::testing::Not(HasSubstr(chrome)));
  }
}

TEST_F(ReadE2eTest, TherapyTypesReferencesAndHealth) {
  CurlResult result =
      BufCurl(server_->url(), "healthcontent.v1.TherapyTypeService/ListTherapyTypes", "{}");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.json["therapyTypes"].size(), 13u);
  result = BufCurl(server_->url(), "healthcontent.v1.TherapyTypeService/GetTherapyType",
                   R"({"name":"therapyTypes/monoclonal-antibodies"})");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.json["displayName"], "Monoclonal antibodies");
  result = BufCurl(server_->url(), "healthcontent.v1.ReferenceService/ListReferences", "{}");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.json["references"].size(), 4u);
  result = BufCurl(server_->url(), "grpc.health.v1.Health/Check",
                   R"({"service":"healthcontent.v1.ArticleService"})");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.json["status"], "SERVING");
}

TEST_F(ReadE2eTest, ErrorsNameTheField) {
  CurlResult result = BufCurl(server_->url(), "healthcontent.v1.ArticleService/GetArticle",
                              R"({"name":"articles/Bad Name"})");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(result.json["code"], "invalid_argument") << result.output;
  EXPECT_THAT(result.json["message"].get<std::string>(), HasSubstr("name: "));
  EXPECT_EQ(result.json["details"][0]["type"], "google.rpc.BadRequest");
  result =
      BufCurl(server_->url(), "healthcontent.v1.ArticleService/ListArticles", R"({"pageSize":-5})");
  EXPECT_EQ(result.json["code"], "invalid_argument") << result.output;
  EXPECT_EQ(result.json["message"], "page_size: must not be negative, got -5");
  result = BufCurl(server_->url(), "healthcontent.v1.ArticleService/GetArticle",
                   R"({"name":"articles/missing"})");
  EXPECT_EQ(result.json["code"], "not_found") << result.output;
  EXPECT_EQ(result.json["message"], "articles/missing does not exist");
}

TEST(ServerLifecycleE2eTest, SigtermDrainsAndExitsZeroAndReflectionCanBeOff) {
  TempDir dir;
  ServerProcess server(FreePort(),
                       {"--db=" + dir.File("x.db"), "--reflection=false", "--grace_period=2s"});
  CurlResult result = BufCurl(server.url(), "", "", {"--list-services"});
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_EQ(server.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace healthcontent::testing
