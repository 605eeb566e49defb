// Clinical-code lookup end to end: the built server bootstrapped from data/,
// NHS pages imported over gRPC by the CLI with data/code-maps/nhs.json, and
// KnowledgeService called with buf curl through reflection and with
// `healthcontent lookup`, as a portal developer would.
#include "absl/strings/str_cat.h"
#include "common/hash.h"
#include "e2e/server_process.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace healthcontent::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kToken[] = "hct_knowledge_e2e_publisher";
constexpr char kMethod[] = "healthcontent.v1.KnowledgeService/RetrieveKnowledge";

class KnowledgeE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    WriteFileOrDie(dir_->File("tokens"), absl::StrCat("publisher ", Sha256Hex(kToken), "\n"));
    server_ = new ServerProcess(
        FreePort(), {"--db=" + dir_->File("e2e.db"), "--bootstrap_dir=" + SourceDir() + "/data",
                     "--auth_tokens_file=" + dir_->File("tokens")});
    const std::string nhs = SourceDir() + "/tests/fixtures/corpus/nhs-website-content-api/";
    std::string out;
    const int code = RunCommand(
        absl::StrCat(BinaryDir(), "/src/healthcontent import --format=nhs --code-map=", SourceDir(),
                     "/data/code-maps/nhs.json --server=127.0.0.1:", server_->port(),
                     " --token=", kToken, " ", nhs, "conditions-acne-no-params.json ", nhs,
                     "conditions-achalasia-no-params.json 2>&1"),
        &out);
    ASSERT_EQ(code, 0) << out;
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  // `healthcontent lookup` against the server; stdout and stderr.
  static int Lookup(const std::string& args, std::string* out) {
    return RunCommand(absl::StrCat(BinaryDir(), "/src/healthcontent lookup --server=127.0.0.1:",
                                   server_->port(), " ", args, " 2>&1"),
                      out);
  }

  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* KnowledgeE2eTest::dir_ = nullptr;
ServerProcess* KnowledgeE2eTest::server_ = nullptr;

TEST_F(KnowledgeE2eTest, BufCurlFindsTheSeedArticleByIcd10CmAndSnomedCt) {
  CurlResult result =
      BufCurl(server_->url(), kMethod,
              R"({"criteria":[{"coding":{"system":"2.16.840.1.113883.6.90","code":"Z51.12"}},)"
              R"({"coding":{"system":"http://snomed.info/sct","code":"76334006"}}]})");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  ASSERT_EQ(result.json["results"].size(), 2u) << result.output;
  for (int i = 0; i < 2; ++i) {
    const auto& matches = result.json["results"][i]["matches"];
    ASSERT_EQ(matches.size(), 1u) << result.output;
    EXPECT_EQ(matches[0]["article"], "articles/biological-therapy-for-cancer");
    EXPECT_EQ(matches[0]["title"], "Biological therapy for cancer");
    EXPECT_EQ(matches[0]["revisionId"], "2023-05-19");
    EXPECT_EQ(matches[0]["matchType"], "MATCH_TYPE_EXACT");
  }
  EXPECT_EQ(result.json["results"][0]["criterion"]["coding"]["system"],
            "http://hl7.org/fhir/sid/icd-10-cm");
  EXPECT_EQ(result.json["audience"], "AUDIENCE_PATIENT");
}

TEST_F(KnowledgeE2eTest, BufCurlSaysHowEachArticleMatched) {
  CurlResult result = BufCurl(server_->url(), kMethod,
                              R"({"criteria":[{"coding":{"system":"MESH","code":"D016233"}},)"
                              R"({"coding":{"system":"ICD10CM","code":"l700"}},)"
                              R"({"coding":{"system":"ICD10CM","code":"E11.65"}},)"
                              R"({"coding":{"system":"CPT","code":"99213"}}]})");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto& results = result.json["results"];
  ASSERT_EQ(results.size(), 4u) << result.output;
  EXPECT_EQ(results[0]["matches"][0]["matchType"], "MATCH_TYPE_THERAPY_TYPE");
  EXPECT_EQ(results[0]["matches"][0]["therapyType"],
            "therapyTypes/bacillus-calmette-guerin-therapy");
  EXPECT_EQ(results[1]["criterion"]["coding"]["code"], "L70.0");
  EXPECT_EQ(results[1]["matches"][0]["article"], "articles/conditions-acne");
  EXPECT_EQ(results[1]["matches"][0]["matchType"], "MATCH_TYPE_ANCESTOR");
  EXPECT_EQ(results[1]["matches"][0]["matchedCoding"]["code"], "L70");
  EXPECT_FALSE(results[2].contains("matches")) << "an unknown code is an empty answer";
  EXPECT_EQ(results[3]["systemNotHeld"], true);
}

TEST_F(KnowledgeE2eTest, BufCurlGetsMalformedCodesRefusedNamingTheCriterion) {
  CurlResult result = BufCurl(server_->url(), kMethod,
                              R"({"criteria":[{"coding":{"system":"ICD10CM","code":"K22.0"}},)"
                              R"({"coding":{"system":"LOINC","code":"2345-8"}}]})");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_EQ(result.json["code"], "invalid_argument") << result.output;
  EXPECT_EQ(result.json["message"],
            "criteria[1].coding.code: LOINC code \"2345-8\" is malformed: the check digit after "
            "the hyphen is wrong (mod 10)");
  EXPECT_EQ(result.json["details"][0]["type"], "google.rpc.BadRequest");
}

TEST_F(KnowledgeE2eTest, TheCliPrintsEachCodeWithItsMatches) {
  std::string out;
  ASSERT_EQ(Lookup("--code=ICD10CM:K22.0 --as-of=2024-01-01", &out), 0) << out;
  EXPECT_EQ(out,
            "ICD-10-CM K22.0 on 2024-01-01\n"
            "  1. Achalasia\n"
            "     articles/conditions-achalasia  reviewed 2023-12-05, en-GB, coded K22.0\n");
  ASSERT_EQ(Lookup("SNOMEDCT:76334006 --json", &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("\"matchType\": \"MATCH_TYPE_EXACT\""));
  EXPECT_EQ(Lookup("--code=SNOMEDCT:76334007", &out), 1);
  EXPECT_THAT(out, HasSubstr("healthcontent: invalid_argument: criteria[0].coding.code: "));
  EXPECT_EQ(Lookup("--code=ICD10CM:K22.0 --max-results=0", &out), 1);
  EXPECT_EQ(out, "healthcontent: --max-results=0 is not in 1-50\n");
  EXPECT_EQ(Lookup("K22.0", &out), 1);
  EXPECT_EQ(out,
            "healthcontent: \"K22.0\" is not SYSTEM:CODE (e.g. ICD10CM:K22.0 or "
            "SNOMEDCT:76334006)\n");
}

}  // namespace
}  // namespace healthcontent::testing
