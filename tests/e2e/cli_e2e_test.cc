// End to end: the built healthcontent CLI, on database files and against the
// built server on a free loopback port, run through the shell as a user would.
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/hash.h"
#include "e2e/server_process.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "storage/database.h"
#include "testing/seed.h"
#include "testing/test_env.h"

namespace healthcontent::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kPublisher[] = "hct_cli-e2e-publisher";
constexpr char kAdmin[] = "hct_cli-e2e-admin";
constexpr char kSeed[] = "articles/biological-therapy-for-cancer";

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

struct Cli {
  int exit_code = -1;
  std::string output;
};

// Runs the CLI with `args` (each quoted for the shell). `with_stderr` mixes
// stderr into the output; otherwise stderr goes to the test log.
Cli RunCli(const std::vector<std::string>& args, bool with_stderr = true) {
  std::vector<std::string> quoted = {Quote(BinaryDir() + "/src/healthcontent")};
  for (const std::string& arg : args) quoted.push_back(Quote(arg));
  Cli result;
  result.exit_code = RunCommand(
      absl::StrCat(absl::StrJoin(quoted, " "), with_stderr ? " 2>&1" : ""), &result.output);
  return result;
}

// The seed's publish request re-dated to 2024-06-03 with one sentence changed.
std::string Revision2024() {
  nlohmann::json request = nlohmann::json::parse(ReadFileOrDie(SeedRequestPath()));
  request["article"]["reviewDate"] = {{"year", 2024}, {"month", 6}, {"day", 3}};
  return absl::StrReplaceAll(
      request.dump(2), {{"Biological therapy for cancer is a very active area of cancer research.",
                         "Biological therapy for cancer is a very active area of research."}});
}

class CliE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The user's own settings must not leak into the commands under test.
    unsetenv("HEALTHCONTENT_SERVER");
    unsetenv("HEALTHCONTENT_TOKEN");
  }

  // Imports data/ into a new database file and exports everything to `out`.
  void ImportDataAndExport(const std::string& db, const std::string& out) {
    Cli imported = RunCli({"import", "--db=" + db, SourceDir() + "/data"});
    ASSERT_EQ(imported.exit_code, 0) << imported.output;
    Cli exported = RunCli({"export", "--db=" + db, "--all", "--out=" + out});
    ASSERT_EQ(exported.exit_code, 0) << exported.output;
  }

  TempDir dir_;
};

TEST_F(CliE2eTest, TokenNewPrintsATokenAndItsTokensFileLine) {
  Cli made = RunCli({"token", "new", "--role=publisher"});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  std::vector<std::string> lines = absl::StrSplit(made.output, '\n');
  ASSERT_EQ(lines.size(), 5u) << made.output;
  EXPECT_EQ(lines[0], "token (give this to the client; it is not shown again):");
  ASSERT_THAT(lines[1], StartsWith("  hct_"));
  const std::string token = lines[1].substr(2);
  EXPECT_EQ(token.size(), 4u + 43u) << "hct_ and 32 random bytes in unpadded web-safe base64";
  EXPECT_EQ(lines[2], "tokens-file line (add this to the server's --auth_tokens_file):");
  EXPECT_EQ(lines[3], "  publisher " + Sha256Hex(token));
  EXPECT_EQ(lines[4], "");

  Cli json = RunCli({"token", "new", "--role=admin", "--json"}, /*with_stderr=*/false);
  ASSERT_EQ(json.exit_code, 0) << json.output;
  nlohmann::json parsed = nlohmann::json::parse(json.output);
  EXPECT_EQ(parsed["role"], "admin");
  EXPECT_EQ(parsed["sha256"], Sha256Hex(parsed["token"].get<std::string>()));
  EXPECT_EQ(parsed["tokens_file_line"], "admin " + Sha256Hex(parsed["token"].get<std::string>()));

  Cli bad = RunCli({"token", "new", "--role=wizard"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.output,
            "healthcontent: token new needs --role=reader, --role=publisher or --role=admin\n");
}

TEST_F(CliE2eTest, ImportOfDataThenExportReproducesDataByteForByte) {
  const std::string db = dir_.File("content.db");
  Cli imported = RunCli({"import", "--db=" + db, SourceDir() + "/data"});
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_THAT(imported.output,
              HasSubstr("imported  " + SeedRequestPath() +
                        ": articles/biological-therapy-for-cancer/revisions/2023-05-19\n"));
  EXPECT_THAT(imported.output, HasSubstr("14 imported, 0 skipped as identical, 0 refused\n"));

  Cli exported = RunCli({"export", "--db=" + db, "--all", "--out=" + dir_.File("out")});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  EXPECT_EQ(exported.output,
            "exported 13 therapy types and 1 revision to " + dir_.File("out") + "\n");

  std::string diff;
  EXPECT_EQ(RunCommand(absl::StrCat("diff -r ", Quote(SourceDir() + "/data/articles"), " ",
                                    Quote(dir_.File("out/articles")), " 2>&1"),
                       &diff),
            0)
      << diff;
  EXPECT_EQ(RunCommand(absl::StrCat("diff -r ", Quote(SourceDir() + "/data/therapy-types"), " ",
                                    Quote(dir_.File("out/therapy-types")), " 2>&1"),
                       &diff),
            0)
      << diff;

  // One revision to stdout is the same document.
  Cli one = RunCli({"export", "--db=" + db, kSeed}, /*with_stderr=*/false);
  ASSERT_EQ(one.exit_code, 0);
  EXPECT_EQ(one.output, ReadFileOrDie(SeedRequestPath()));

  // Importing data/ again writes nothing.
  Cli again = RunCli({"import", "--db=" + db, SourceDir() + "/data"});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_THAT(again.output, HasSubstr("0 imported, 14 skipped as identical, 0 refused\n"));
}

TEST_F(CliE2eTest, ExportImportExportRoundTripsIdentically) {
  ASSERT_NO_FATAL_FAILURE(ImportDataAndExport(dir_.File("first.db"), dir_.File("first")));
  // The second database is loaded from the first export, not from data/.
  Cli imported = RunCli({"import", "--db=" + dir_.File("second.db"), dir_.File("first")});
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  Cli exported =
      RunCli({"export", "--db=" + dir_.File("second.db"), "--all", "--out=" + dir_.File("second")});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  std::string diff;
  EXPECT_EQ(RunCommand(absl::StrCat("diff -r ", Quote(dir_.File("first")), " ",
                                    Quote(dir_.File("second")), " 2>&1"),
                       &diff),
            0)
      << diff;
}

TEST_F(CliE2eTest, ReimportingAnExportIntoTheSameDatabaseChangesNothing) {
  const std::string db = dir_.File("content.db");
  ASSERT_NO_FATAL_FAILURE(ImportDataAndExport(db, dir_.File("out")));
  Cli again = RunCli({"import", "--db=" + db, dir_.File("out")});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_THAT(again.output, HasSubstr("0 imported, 14 skipped as identical, 0 refused\n"));
}

TEST_F(CliE2eTest, DryRunOfABrokenJsonFileNamesTheFileAndTheProblem) {
  const std::string broken = dir_.File("broken.json");
  WriteFileOrDie(broken, R"({"article": {"name": "articles/x", "title": }})");
  Cli result = RunCli({"import", "--dry-run", broken});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output,
              HasSubstr("refused   " + broken +
                        ": not a valid healthcontent.v1.PublishArticleRevisionRequest: "));
  EXPECT_THAT(result.output, HasSubstr("0 valid, 1 refused (dry run: nothing written)\n"));

  // Field problems are listed one per line; a good file passes.
  nlohmann::json request = nlohmann::json::parse(ReadFileOrDie(SeedRequestPath()));
  request["article"]["reviewDate"] = {{"year", 2023}, {"month", 2}, {"day", 30}};
  WriteFileOrDie(dir_.File("bad-date.json"), request.dump());
  result = RunCli({"import", "--dry-run", dir_.File("bad-date.json"), SeedRequestPath()});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("refused   " + dir_.File("bad-date.json") + ": "));
  EXPECT_THAT(result.output, HasSubstr("\n            article.review_date: "));
  EXPECT_THAT(result.output,
              HasSubstr("valid     " + SeedRequestPath() +
                        ": articles/biological-therapy-for-cancer/revisions/2023-05-19\n"));

  // --json reports the same per file.
  result = RunCli({"import", "--dry-run", "--json", broken}, /*with_stderr=*/false);
  EXPECT_EQ(result.exit_code, 1);
  nlohmann::json report = nlohmann::json::parse(result.output);
  ASSERT_EQ(report["files"].size(), 1u) << result.output;
  EXPECT_EQ(report["files"][0]["file"], broken);
  EXPECT_EQ(report["files"][0]["result"], "refused");
  EXPECT_EQ(report["files"][0]["error"]["code"], "invalid_argument");
  EXPECT_EQ(report["refused"], 1);
}

TEST_F(CliE2eTest, SeedPageImportsIntoAnEmptyDatabaseCreatingItsThirteenTherapyTypes) {
  const std::string db = dir_.File("new.db");
  const std::string page = SourceDir() + "/tests/fixtures/seed_page.txt";
  Cli imported = RunCli({"import", "--format=page", "--publisher=Mayo Clinic", "--db=" + db, page});
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  // Each listed type is created before the revision, in the page's order,
  // named by the slug rule and so the same as data/therapy-types/.
  std::string created;
  for (const char* slug :
       {"adoptive-cell-transfer", "angiogenesis-inhibitors", "bacillus-calmette-guerin-therapy",
        "biochemotherapy", "cancer-vaccines", "car-t-cell-therapy", "cytokine-therapy",
        "gene-therapy", "immune-checkpoint-modulators", "immunoconjugates", "monoclonal-antibodies",
        "oncolytic-virus-therapy", "targeted-drug-therapy"}) {
    absl::StrAppend(&created, "created therapy type therapyTypes/", slug, "\n");
    EXPECT_TRUE(std::filesystem::exists(SourceDir() + "/data/therapy-types/" + slug + ".json"))
        << slug;
  }
  EXPECT_EQ(imported.output,
            absl::StrCat(created, "imported  ", page,
                         ": articles/biological-therapy-for-cancer/revisions/2023-05-19\n"
                         "1 imported, 0 skipped as identical, 0 refused\n"));

  // The display name is the page's text.
  Cli car_t = RunCli({"export", "--db=" + db, "therapyTypes/car-t-cell-therapy"},
                     /*with_stderr=*/false);
  ASSERT_EQ(car_t.exit_code, 0) << car_t.output;
  EXPECT_EQ(nlohmann::json::parse(car_t.output)["therapyType"]["displayName"],
            "Chimeric antigen receptor (CAR) T-cell therapy");

  // Again: nothing to create, the revision is identical.
  Cli again = RunCli({"import", "--format=page", "--publisher=Mayo Clinic", "--db=" + db, page});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(again.output, absl::StrCat("skipped   ", page,
                                       ": articles/biological-therapy-for-cancer/revisions/"
                                       "2023-05-19 is identical\n"
                                       "0 imported, 1 skipped as identical, 0 refused\n"));
}

TEST_F(CliE2eTest, PageImportLeavesCuratedTherapyTypesAsTheyAre) {
  const std::string db = dir_.File("curated.db");
  Cli data = RunCli({"import", "--db=" + db, SourceDir() + "/data/therapy-types"});
  ASSERT_EQ(data.exit_code, 0) << data.output;
  Cli imported = RunCli({"import", "--format=page", "--publisher=Mayo Clinic", "--db=" + db,
                         SourceDir() + "/tests/fixtures/seed_page.txt"});
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_THAT(imported.output, Not(HasSubstr("created therapy type")));
  Cli exported = RunCli({"export", "--db=" + db, "therapyTypes/immunoconjugates"},
                        /*with_stderr=*/false);
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  EXPECT_EQ(exported.output,
            ReadFileOrDie(SourceDir() + "/data/therapy-types/immunoconjugates.json"));
}

// The MedlinePlus topics file (tests/fixtures/corpus/medlineplus/; public
// domain, courtesy of MedlinePlus from the National Library of Medicine):
// the store takes a translation only after its source, so the order matters.
TEST_F(CliE2eTest, MedlinePlusFileImportsEachTopicEnglishBeforeItsTranslation) {
  const std::string db = dir_.File("medlineplus.db");
  const std::string dir = SourceDir() + "/tests/fixtures/corpus/medlineplus";
  const std::string file = dir + "/mplus_topics_2012-07-21.xml";
  Cli imported = RunCli({"import", "--format=medlineplus", "--db=" + db, file});
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_EQ(imported.output,
            absl::StrCat("imported  ", file, ": articles/abdominal-pain/revisions/2012-07-21\n",
                         "imported  ", file, ": articles/abdominal-pain-es/revisions/2012-07-21\n",
                         "2 imported, 0 skipped as identical, 0 refused\n"));

  Cli exported = RunCli({"export", "--db=" + db, "articles/abdominal-pain-es"},
                        /*with_stderr=*/false);
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  const nlohmann::json article = nlohmann::json::parse(exported.output)["article"];
  EXPECT_EQ(article["translationOf"],
            nlohmann::json({{"article", "articles/abdominal-pain"}, {"revisionId", "2012-07-21"}}));
  EXPECT_EQ(article["alsoCalled"][1], "Dolor de estómago");
  // AUDIENCE_PATIENT is the default: the interchange file leaves it out.
  EXPECT_FALSE(article.contains("audience")) << article.dump();

  // Again, through the directory (its *.xml only): both identical.
  Cli again = RunCli({"import", "--format=medlineplus", "--db=" + db, dir});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(
      again.output,
      absl::StrCat("skipped   ", file,
                   ": articles/abdominal-pain/revisions/2012-07-21 is identical\n", "skipped   ",
                   file, ": articles/abdominal-pain-es/revisions/2012-07-21 is identical\n",
                   "0 imported, 2 skipped as identical, 0 refused\n"));

  // A broken file is one refused line.
  WriteFileOrDie(dir_.File("broken.xml"), "<health-topics date-generated=\"07/21/2012\">");
  Cli broken = RunCli({"import", "--format=medlineplus", "--dry-run", dir_.File("broken.xml")});
  EXPECT_EQ(broken.exit_code, 1) << broken.output;
  EXPECT_THAT(broken.output, StartsWith("refused   " + dir_.File("broken.xml") +
                                        ": is not well-formed XML: line 1: "));
  EXPECT_THAT(broken.output, HasSubstr("0 valid, 1 refused (dry run: nothing written)\n"));

  Cli unknown = RunCli({"import", "--format=xml", file});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_THAT(unknown.output, HasSubstr("--format=xml: use json, page, nhs or medlineplus"));
}

TEST_F(CliE2eTest, RequireExistingTherapyTypesRefusesThePageAndCreatesNothing) {
  const std::string db = dir_.File("strict.db");
  const std::string page = SourceDir() + "/tests/fixtures/seed_page.txt";
  Cli refused = RunCli({"import", "--format=page", "--require-existing-therapy-types",
                        "--publisher=Mayo Clinic", "--db=" + db, page});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output, StartsWith("refused   " + page + ": "));
  EXPECT_THAT(refused.output, HasSubstr("\n            article.therapy_types[0].name: therapyTypes/"
                                        "adoptive-cell-transfer does not exist; create it with "
                                        "UpsertTherapyType first\n"));
  EXPECT_THAT(refused.output, HasSubstr("0 imported, 0 skipped as identical, 1 refused\n"));
  Cli exported = RunCli({"export", "--db=" + db, "--all", "--out=" + dir_.File("out")});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  EXPECT_EQ(exported.output,
            "exported 0 therapy types and 0 revisions to " + dir_.File("out") + "\n");
}

TEST_F(CliE2eTest, TherapyTypesUpsertReadsTheDataFormat) {
  const std::string db = dir_.File("types.db");
  const std::string gene = SourceDir() + "/data/therapy-types/gene-therapy.json";
  Cli first = RunCli({"therapy-types", "upsert", "--db=" + db, gene});
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_EQ(first.output, "imported  " + gene +
                              ": therapyTypes/gene-therapy\n"
                              "1 imported, 0 skipped as identical, 0 refused\n");
  Cli second = RunCli({"therapy-types", "upsert", "--db=" + db, gene});
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(second.output, "skipped   " + gene +
                               ": therapyTypes/gene-therapy is identical\n"
                               "0 imported, 1 skipped as identical, 0 refused\n");

  // An article file, and a therapy type without a display name, are refused.
  const std::string article = SeedRequestPath();
  WriteFileOrDie(dir_.File("nameless.json"),
                 R"({"therapyType": {"name": "therapyTypes/x-therapy"}})");
  Cli bad = RunCli({"therapy-types", "upsert", "--db=" + db, article, dir_.File("nameless.json")});
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_THAT(bad.output, HasSubstr("refused   " + article +
                                    ": not an UpsertTherapyTypeRequest: the file has no "
                                    "\"therapyType\" object (see data/therapy-types/)\n"));
  EXPECT_THAT(bad.output, HasSubstr("refused   " + dir_.File("nameless.json") + ": "));
  EXPECT_THAT(bad.output, HasSubstr("\n            therapy_type.display_name: "));
  EXPECT_THAT(bad.output, HasSubstr("0 imported, 0 skipped as identical, 2 refused\n"));

  Cli none = RunCli({"therapy-types", "upsert", "--db=" + db});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.output,
            "healthcontent: usage: healthcontent therapy-types upsert FILE... (see --help)\n");
}

TEST_F(CliE2eTest, UsageErrorsExitOneWithOneLine) {
  Cli unknown = RunCli({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.output,
            "healthcontent: unknown command \"frobnicate\"; healthcontent help lists them\n");
  Cli no_name = RunCli({"get"});
  EXPECT_EQ(no_name.exit_code, 1);
  EXPECT_EQ(no_name.output, "healthcontent: usage: healthcontent get NAME (see --help)\n");
  Cli bad_flag = RunCli({"list", "--colour"});
  EXPECT_EQ(bad_flag.exit_code, 1);
  EXPECT_EQ(bad_flag.output,
            "healthcontent: list: unknown flag --colour; see healthcontent list --help\n");
  Cli nowhere = RunCli({"import", dir_.File("x.json")});
  EXPECT_EQ(nowhere.exit_code, 1);
  EXPECT_EQ(nowhere.output,
            "healthcontent: import needs --db=PATH (a database file) or --server=HOST:PORT\n");

  for (const char* command :
       {"import", "export", "get", "list", "revisions", "diff", "search", "changes",
        "therapy-types", "publish", "withdraw", "token", "backup"}) {
    Cli help = RunCli({command, "--help"});
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_THAT(help.output, StartsWith(absl::StrCat("Usage: healthcontent ", command)))
        << help.output;
  }
  Cli help = RunCli({"help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(
      help.output,
      HasSubstr("  therapy-types   list therapy types, show one, or upsert them from files\n"));
}

TEST_F(CliE2eTest, ServerUnreachableExitsTwo) {
  const std::string closed = absl::StrCat("--server=127.0.0.1:", FreePort());
  Cli result = RunCli({"get", kSeed, closed, "--timeout=10s"});
  EXPECT_EQ(result.exit_code, 2) << result.output;
  EXPECT_THAT(result.output, StartsWith("healthcontent: unavailable: "));
  result = RunCli({"changes", "--follow", closed, "--timeout=10s"});
  EXPECT_EQ(result.exit_code, 2) << result.output;
}

// Against a running server with publisher and admin tokens, loaded from data/.
class CliServerE2eTest : public CliE2eTest {
 protected:
  void SetUp() override {
    CliE2eTest::SetUp();
    WriteFileOrDie(dir_.File("tokens"), absl::StrCat("publisher ", Sha256Hex(kPublisher),
                                                     "\nadmin ", Sha256Hex(kAdmin), "\n"));
    server_ = std::make_unique<ServerProcess>(
        FreePort(),
        std::vector<std::string>{"--db=" + db(), "--bootstrap_dir=" + SourceDir() + "/data",
                                 "--auth_tokens_file=" + dir_.File("tokens")});
  }

  std::string db() const { return dir_.File("server.db"); }

  // The CLI against the server.
  Cli Call(std::vector<std::string> args, bool with_stderr = true) {
    args.push_back(absl::StrCat("--server=127.0.0.1:", server_->port()));
    return RunCli(args, with_stderr);
  }

  std::unique_ptr<ServerProcess> server_;
};

TEST_F(CliServerE2eTest, GetShowsTheArticleAsTextAndAsJson) {
  Cli text = Call({"get", kSeed});
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_THAT(text.output, StartsWith("Biological therapy for cancer\n"
                                      "=============================\n"
                                      "Name:          articles/biological-therapy-for-cancer\n"
                                      "Revision:      2023-05-19\n"
                                      "Reviewed:      2023-05-19\n"));
  EXPECT_THAT(text.output, HasSubstr("Publisher:     Mayo Clinic (en)\n"));
  EXPECT_THAT(text.output, HasSubstr("Therapy types: Adoptive cell transfer, "));
  EXPECT_THAT(text.output, HasSubstr("\nHow biological therapy works\n"
                                     "----------------------------\n\n"
                                     "The goal of biological therapy for cancer is to get the "));
  EXPECT_THAT(text.output, HasSubstr("\n  • Getting the immune system to attack cancer cells."));
  EXPECT_THAT(text.output, HasSubstr("\nReferences\n----------\n\n[1] Immunotherapy to treat "
                                     "cancer. National Cancer Institute."));
  EXPECT_THAT(text.output, HasSubstr("\n[4] "));
  EXPECT_THAT(text.output, Not(HasSubstr("{")));

  Cli json = Call({"get", kSeed, "--json"}, /*with_stderr=*/false);
  ASSERT_EQ(json.exit_code, 0) << json.output;
  nlohmann::json article = nlohmann::json::parse(json.output);
  EXPECT_EQ(article["name"], kSeed);
  EXPECT_EQ(article["revisionId"], "2023-05-19");
  EXPECT_EQ(article["references"].size(), 4u);

  Cli revision = Call({"get", absl::StrCat(kSeed, "/revisions/2023-05-19"), "--json"},
                      /*with_stderr=*/false);
  ASSERT_EQ(revision.exit_code, 0) << revision.output;
  EXPECT_EQ(nlohmann::json::parse(revision.output)["revisionId"], "2023-05-19");

  Cli too_early = Call({"get", kSeed, "--as-of=2020-01-01"});
  EXPECT_EQ(too_early.exit_code, 1);
  EXPECT_THAT(too_early.output, StartsWith("healthcontent: not_found: "));
  EXPECT_THAT(too_early.output, HasSubstr("2020-01-01"));

  Cli bad_name = Call({"get", "articles/Bad_Name"});
  EXPECT_EQ(bad_name.exit_code, 1);
  EXPECT_THAT(bad_name.output, StartsWith("healthcontent: invalid_argument: "));
  EXPECT_THAT(bad_name.output, HasSubstr("\n  name: "));
}

TEST_F(CliServerE2eTest, ListWithAFilter) {
  Cli listed = Call({"list", "--filter=therapy_type = \"therapyTypes/monoclonal-antibodies\""});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  std::vector<std::string> lines = absl::StrSplit(listed.output, '\n');
  ASSERT_EQ(lines.size(), 3u) << listed.output;
  EXPECT_THAT(lines[0], StartsWith("NAME"));
  EXPECT_THAT(lines[1], StartsWith("articles/biological-therapy-for-cancer  2023-05-19  "));
  EXPECT_THAT(lines[1], HasSubstr("Biological therapy for cancer"));

  Cli none = Call({"list", "--filter=publisher = \"Nobody\""});
  ASSERT_EQ(none.exit_code, 0) << none.output;
  EXPECT_EQ(none.output, "no articles\n");

  Cli json = Call({"list", "--all-pages", "--json"}, /*with_stderr=*/false);
  ASSERT_EQ(json.exit_code, 0) << json.output;
  EXPECT_EQ(nlohmann::json::parse(json.output)["articles"].size(), 1u);

  Cli bad = Call({"list", "--filter=colour = red"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.output, StartsWith("healthcontent: invalid_argument: "));
  EXPECT_THAT(bad.output, HasSubstr("\n  filter: "));
}

TEST_F(CliServerE2eTest, PublishThenRevisionsAndDiff) {
  WriteFileOrDie(dir_.File("2024.json"), Revision2024());
  Cli published = Call({"publish", dir_.File("2024.json"), std::string("--token=") + kPublisher,
                        "--request-id=cli-e2e-1"});
  ASSERT_EQ(published.exit_code, 0) << published.output;
  EXPECT_THAT(published.output,
              StartsWith("published articles/biological-therapy-for-cancer/revisions/2024-06-03 "
                         "(etag "));
  Cli again = Call({"publish", dir_.File("2024.json"), std::string("--token=") + kPublisher});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_THAT(again.output,
              StartsWith("unchanged: articles/biological-therapy-for-cancer/revisions/2024-06-03 "
                         "was already published"));

  Cli revisions = Call({"revisions", kSeed});
  ASSERT_EQ(revisions.exit_code, 0) << revisions.output;
  std::vector<std::string> lines = absl::StrSplit(revisions.output, '\n');
  ASSERT_EQ(lines.size(), 4u) << revisions.output;
  EXPECT_THAT(lines[0], StartsWith("REVISION    STATE     CHANGE"));
  EXPECT_THAT(lines[1], StartsWith("2024-06-03  in force  clinical review  "));
  EXPECT_THAT(lines[2], StartsWith("2023-05-19            clinical review  "));

  Cli diff = Call({"diff", kSeed, "2023-05-19", "2024-06-03"});
  ASSERT_EQ(diff.exit_code, 0) << diff.output;
  EXPECT_THAT(diff.output, StartsWith("articles/biological-therapy-for-cancer: 2023-05-19 -> "
                                      "2024-06-03\n"));
  EXPECT_THAT(diff.output, HasSubstr("\nSection \"Types of biological therapy\" (changed)\n"));
  EXPECT_THAT(diff.output, HasSubstr("\n  - Many types of biological therapy"));
  EXPECT_THAT(diff.output, HasSubstr("\n  + Many types of biological therapy"));

  Cli json =
      Call({"diff", kSeed, absl::StrCat(kSeed, "/revisions/2023-05-19"), "2024-06-03", "--json"},
           /*with_stderr=*/false);
  ASSERT_EQ(json.exit_code, 0) << json.output;
  nlohmann::json parsed = nlohmann::json::parse(json.output);
  EXPECT_EQ(parsed["fromRevision"], "2023-05-19");
  EXPECT_EQ(parsed["toRevision"], "2024-06-03");
  EXPECT_EQ(parsed["sections"][0]["heading"], "Types of biological therapy");

  // The new revision is what `get` shows now.
  Cli now = Call({"get", kSeed, "--json"}, /*with_stderr=*/false);
  EXPECT_EQ(nlohmann::json::parse(now.output)["revisionId"], "2024-06-03");
}

TEST_F(CliServerE2eTest, PublishNeedsAValidToken) {
  WriteFileOrDie(dir_.File("2024.json"), Revision2024());
  Cli missing = Call({"publish", dir_.File("2024.json")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.output,
            "healthcontent: publish needs a bearer token: pass --token=TOKEN or set "
            "HEALTHCONTENT_TOKEN\n");

  Cli wrong = Call({"publish", dir_.File("2024.json"), "--token=hct_wrong"});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_THAT(wrong.output, StartsWith("healthcontent: unauthenticated: "));

  // The token may come from the environment; the field problem is listed.
  nlohmann::json request = nlohmann::json::parse(Revision2024());
  request["article"]["reviewDate"] = {{"year", 2023}, {"month", 2}, {"day", 30}};
  WriteFileOrDie(dir_.File("bad.json"), request.dump());
  setenv("HEALTHCONTENT_TOKEN", kPublisher, 1);
  Cli invalid = Call({"publish", dir_.File("bad.json")});
  unsetenv("HEALTHCONTENT_TOKEN");
  EXPECT_EQ(invalid.exit_code, 1);
  EXPECT_THAT(invalid.output, StartsWith("healthcontent: invalid_argument: "));
  EXPECT_THAT(invalid.output, HasSubstr("\n  article.review_date: "));
}

TEST_F(CliServerE2eTest, WithdrawNeedsAnAdminToken) {
  Cli as_publisher = Call({"withdraw", kSeed, std::string("--token=") + kPublisher});
  EXPECT_EQ(as_publisher.exit_code, 1);
  EXPECT_THAT(as_publisher.output, StartsWith("healthcontent: permission_denied: "));

  Cli withdrawn =
      Call({"withdraw", kSeed, "--reason=superseded", std::string("--token=") + kAdmin});
  ASSERT_EQ(withdrawn.exit_code, 0) << withdrawn.output;
  EXPECT_EQ(withdrawn.output, "withdrew articles/biological-therapy-for-cancer\n");

  Cli gone = Call({"get", kSeed});
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_THAT(gone.output, StartsWith("healthcontent: not_found: "));
}

TEST_F(CliServerE2eTest, SearchFindsTheSeedArticle) {
  Cli found = Call({"search", "immune", "system"});
  ASSERT_EQ(found.exit_code, 0) << found.output;
  EXPECT_THAT(found.output, StartsWith("1. Biological therapy for cancer\n"
                                       "   articles/biological-therapy-for-cancer\n"));
  EXPECT_THAT(found.output, HasSubstr("["));

  Cli json = Call({"search", "immune", "--json"}, /*with_stderr=*/false);
  ASSERT_EQ(json.exit_code, 0) << json.output;
  EXPECT_EQ(nlohmann::json::parse(json.output)["results"][0]["article"]["name"], kSeed);
  EXPECT_GT(nlohmann::json::parse(json.output)["results"][0]["score"].get<double>(), 0);

  Cli nothing = Call({"search", "xylophone"});
  ASSERT_EQ(nothing.exit_code, 0) << nothing.output;
  EXPECT_EQ(nothing.output, "no matches\n");
}

TEST_F(CliServerE2eTest, ChangesListsAndFollowsTheFeed) {
  // Loading data/ recorded 13 therapy types, then the seed revision.
  Cli listed = Call({"changes"}, /*with_stderr=*/false);
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  std::vector<std::string> lines = absl::StrSplit(listed.output, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 14u) << listed.output;
  EXPECT_THAT(lines[0], StartsWith("#1  "));
  EXPECT_THAT(lines[0], HasSubstr("  therapy type changed  therapyTypes/"));
  EXPECT_THAT(lines[13], StartsWith("#14  "));
  EXPECT_THAT(
      lines[13],
      HasSubstr("  published  articles/biological-therapy-for-cancer/revisions/2023-05-19"));

  Cli json = Call({"changes", "--since=13", "--json"}, /*with_stderr=*/false);
  ASSERT_EQ(json.exit_code, 0) << json.output;
  nlohmann::json page = nlohmann::json::parse(json.output);
  ASSERT_EQ(page["changes"].size(), 1u) << json.output;
  EXPECT_EQ(page["changes"][0]["resource"], kSeed);
  EXPECT_EQ(page["latestSequence"], "14");
  EXPECT_EQ(page["nextSince"], "14");

  // --follow replays and keeps watching until stopped (timeout's SIGTERM).
  std::string followed;
  int code = RunCommand(
      absl::StrCat("timeout 3 ", Quote(BinaryDir() + "/src/healthcontent"),
                   " changes --follow --json --since=10 --server=127.0.0.1:", server_->port()),
      &followed);
  EXPECT_EQ(code, 124) << followed;
  std::vector<std::string> streamed = absl::StrSplit(followed, '\n', absl::SkipEmpty());
  ASSERT_EQ(streamed.size(), 4u) << followed;
  EXPECT_EQ(nlohmann::json::parse(streamed[0])["sequence"], "11");
  EXPECT_EQ(nlohmann::json::parse(streamed[3])["resource"], kSeed);
}

// MedlinePlus over gRPC, then a new English clinical review: `get --lang=es`
// serves the Spanish translation marked stale and `changes` names the event.
TEST_F(CliServerE2eTest, ANewEnglishReviewShowsTheSpanishTranslationStale) {
  const std::string token = std::string("--token=") + kPublisher;
  const std::string file =
      SourceDir() + "/tests/fixtures/corpus/medlineplus/mplus_topics_2012-07-21.xml";
  Cli imported = Call({"import", "--format=medlineplus", token, file});
  ASSERT_EQ(imported.exit_code, 0) << imported.output;

  Cli spanish = Call({"get", "articles/abdominal-pain", "--lang=es-MX,en"});
  ASSERT_EQ(spanish.exit_code, 0) << spanish.output;
  EXPECT_THAT(spanish.output, StartsWith("Dolor abdominal\n"));
  EXPECT_THAT(spanish.output,
              HasSubstr("\nTranslates:    articles/abdominal-pain as reviewed 2012-07-21\n"));

  Cli exported = RunCli({"export", "--db=" + db(), "articles/abdominal-pain"},
                        /*with_stderr=*/false);
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  nlohmann::json review = nlohmann::json::parse(exported.output);
  review["article"]["reviewDate"] = {{"year", 2026}, {"month", 1}, {"day", 15}};
  review["article"].erase("nextReviewDate");
  review["changeType"] = "CHANGE_TYPE_CLINICAL_REVIEW";
  WriteFileOrDie(dir_.File("review.json"), review.dump());
  Cli published = Call({"publish", dir_.File("review.json"), token});
  ASSERT_EQ(published.exit_code, 0) << published.output;

  spanish = Call({"get", "articles/abdominal-pain", "--lang=es"});
  ASSERT_EQ(spanish.exit_code, 0) << spanish.output;
  EXPECT_THAT(spanish.output,
              HasSubstr("\nTranslates:    articles/abdominal-pain as reviewed 2012-07-21 "
                        "(stale: the source\n               has a newer clinical review)\n"));
  Cli changes = Call({"changes", "--since=14"}, /*with_stderr=*/false);
  ASSERT_EQ(changes.exit_code, 0) << changes.output;
  std::vector<std::string> lines = absl::StrSplit(changes.output, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u) << changes.output;
  EXPECT_THAT(lines[2], HasSubstr("  published  articles/abdominal-pain/revisions/2026-01-15"));
  EXPECT_THAT(lines[3], HasSubstr("  translation stale  "
                                  "articles/abdominal-pain-es/revisions/2012-07-21  "
                                  "effective 2026-01-15"));
}

// --max_patient_reading_grade: a patient article above the grade is refused
// with its figures; the same text for professionals, and an easier patient
// text, are taken. (The seed reads at grade 9.43; MedlinePlus's abdominal
// pain at 5.18; Spanish has no grade, so no limit applies.)
TEST_F(CliE2eTest, MaxPatientReadingGradeRefusesHarderPatientTextsNamingTheGrade) {
  WriteFileOrDie(dir_.File("tokens"), absl::StrCat("publisher ", Sha256Hex(kPublisher), "\n"));
  ServerProcess server(
      FreePort(), {"--db=" + dir_.File("graded.db"), "--auth_tokens_file=" + dir_.File("tokens"),
                   "--max_patient_reading_grade=6"});
  const std::string at = absl::StrCat("--server=127.0.0.1:", server.port());
  const std::string token = std::string("--token=") + kPublisher;
  nlohmann::json seed = nlohmann::json::parse(ReadFileOrDie(SeedRequestPath()));
  seed["article"].erase("therapyTypes");  // an empty catalogue here
  WriteFileOrDie(dir_.File("patient.json"), seed.dump());
  Cli refused = RunCli({"publish", dir_.File("patient.json"), token, at});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output, StartsWith("healthcontent: invalid_argument: "));
  EXPECT_THAT(refused.output, HasSubstr("\n  article: reads at Flesch-Kincaid grade 9.43 ("));
  EXPECT_THAT(refused.output, HasSubstr("above this server's limit of 6.0 for patient articles "
                                        "(--max_patient_reading_grade)"));

  seed["article"]["audience"] = "AUDIENCE_PROFESSIONAL";
  WriteFileOrDie(dir_.File("professional.json"), seed.dump());
  Cli professional = RunCli({"publish", dir_.File("professional.json"), token, at});
  EXPECT_EQ(professional.exit_code, 0) << professional.output;

  Cli easier = RunCli({"import", "--format=medlineplus", token, at,
                       SourceDir() + "/tests/fixtures/corpus/medlineplus/"
                                     "mplus_topics_2012-07-21.xml"});
  EXPECT_EQ(easier.exit_code, 0) << easier.output;
  EXPECT_THAT(easier.output, HasSubstr("2 imported, 0 skipped as identical, 0 refused\n"));
}

// A primary restored from behind its newest bundle: started with
// --bundle_dir it serves reads but refuses writes naming both sequences;
// `healthcontent recover` takes the bundle and fences the feed, and the next
// publish lands past the fence.
TEST_F(CliE2eTest, ARestoredPrimaryBehindItsBundleRefusesWritesUntilRecovered) {
  WriteFileOrDie(dir_.File("tokens"), absl::StrCat("publisher ", Sha256Hex(kPublisher), "\n"));
  const std::string token = std::string("--token=") + kPublisher;
  const std::string medlineplus =
      SourceDir() + "/tests/fixtures/corpus/medlineplus/mplus_topics_2012-07-21.xml";
  const std::string lost = dir_.File("lost.db");
  const std::string restored = dir_.File("restored.db");
  const std::string bundles = dir_.File("bundles");
  {
    ServerProcess primary(FreePort(), {"--db=" + lost, "--bootstrap_dir=" + SourceDir() + "/data",
                                       "--auth_tokens_file=" + dir_.File("tokens")});
    ASSERT_EQ(RunCli({"backup", "--db=" + lost, "--out=" + restored}).exit_code, 0);
    Cli imported = RunCli({"import", "--format=medlineplus", token,
                           absl::StrCat("--server=127.0.0.1:", primary.port()), medlineplus});
    ASSERT_EQ(imported.exit_code, 0) << imported.output;
    ASSERT_EQ(RunCli({"bundle", "--db=" + lost, "--out=" + bundles}).exit_code, 0);
  }
  std::vector<std::string> args = {"--db=" + restored, "--bundle_dir=" + bundles,
                                   "--auth_tokens_file=" + dir_.File("tokens")};
  {
    ServerProcess behind(FreePort(), args);
    const std::string at = absl::StrCat("--server=127.0.0.1:", behind.port());
    Cli refused = RunCli({"import", "--format=medlineplus", token, at, medlineplus});
    EXPECT_EQ(refused.exit_code, 1) << refused.output;
    EXPECT_THAT(refused.output, HasSubstr(": writes are refused: the database " + restored +
                                          " ends at change sequence 14 but bundle " + bundles +
                                          "/bundle-000000000016-"));
    EXPECT_THAT(refused.output, HasSubstr("announces change sequence 16"));
    Cli read = RunCli({"get", kSeed, at});
    EXPECT_EQ(read.exit_code, 0) << read.output;
  }
  Cli recovered = RunCli({"recover", "--db=" + restored, "--bundle-dir=" + bundles});
  ASSERT_EQ(recovered.exit_code, 0) << recovered.output;
  EXPECT_THAT(recovered.output, HasSubstr("database: newest change 14\nbundle: " + bundles +
                                          "/bundle-000000000016-"));
  EXPECT_THAT(recovered.output,
              HasSubstr("took the bundle's content: it is newer than the database\n"
                        "recorded PRIMARY_RESTORED at sequence 1000016; the next change is "
                        "1000017\n"));
  ServerProcess again(FreePort(), args);
  const std::string at = absl::StrCat("--server=127.0.0.1:", again.port());
  Cli spanish = RunCli({"get", "articles/abdominal-pain", "--lang=es", at});
  EXPECT_THAT(spanish.output, StartsWith("Dolor abdominal\n"));
  nlohmann::json seed = nlohmann::json::parse(ReadFileOrDie(SeedRequestPath()));
  seed["article"]["reviewDate"] = {{"year", 2026}, {"month", 1}, {"day", 15}};
  WriteFileOrDie(dir_.File("review.json"), seed.dump());
  Cli published = RunCli({"publish", dir_.File("review.json"), token, at});
  ASSERT_EQ(published.exit_code, 0) << published.output;
  Cli changes = RunCli({"changes", "--since=16", at}, /*with_stderr=*/false);
  std::vector<std::string> lines = absl::StrSplit(changes.output, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << changes.output;
  EXPECT_THAT(lines[0], StartsWith("#1000016  "));
  EXPECT_THAT(lines[0], HasSubstr("  primary restored (sequence jumped)"));
  EXPECT_THAT(lines[1], StartsWith("#1000017  "));
  EXPECT_THAT(lines[1], HasSubstr("  published  " + std::string(kSeed) + "/revisions/2026-01-15"));
}

TEST_F(CliServerE2eTest, TherapyTypesListsEveryType) {
  Cli listed = Call({"therapy-types"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  std::vector<std::string> lines = absl::StrSplit(listed.output, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 14u) << listed.output;
  EXPECT_THAT(lines[0], StartsWith("NAME"));
  EXPECT_THAT(lines[1], StartsWith("therapyTypes/adoptive-cell-transfer"));
}

TEST_F(CliServerE2eTest, ImportAndExportOverGrpcMatchTheDatabaseFile) {
  // Everything in data/ is on the server already: nothing is written.
  Cli imported = Call({"import", SourceDir() + "/data", std::string("--token=") + kPublisher});
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_THAT(imported.output, HasSubstr("0 imported, 14 skipped as identical, 0 refused\n"));

  Cli no_token = Call({"import", SourceDir() + "/data"});
  EXPECT_EQ(no_token.exit_code, 1);
  EXPECT_THAT(no_token.output, HasSubstr("--token=TOKEN or set HEALTHCONTENT_TOKEN"));

  Cli exported = Call({"export", "--all", "--out=" + dir_.File("remote")});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  ASSERT_NO_FATAL_FAILURE(ImportDataAndExport(dir_.File("local.db"), dir_.File("local")));
  std::string diff;
  EXPECT_EQ(RunCommand(absl::StrCat("diff -r ", Quote(dir_.File("local")), " ",
                                    Quote(dir_.File("remote")), " 2>&1"),
                       &diff),
            0)
      << diff;
}

TEST_F(CliServerE2eTest, BackupWhileServingIsConsistent) {
  const std::string backup = dir_.File("backup.db");
  Cli made = RunCli({"backup", "--db=" + db(), "--out=" + backup});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  EXPECT_THAT(made.output, StartsWith("backed up " + db() + " to " + backup + " ("));

  {
    auto database = storage::Database::Open(backup, {.read_only = true});
    ASSERT_TRUE(database.ok()) << database.status();
    auto check = (*database)->PrepareUncached("PRAGMA integrity_check");
    ASSERT_TRUE(check.ok()) << check.status();
    auto row = check->Step();
    ASSERT_TRUE(row.ok() && *row) << row.status();
    EXPECT_EQ(check->ColumnText(0), "ok");
  }
  Cli seed = RunCli({"export", "--db=" + backup, kSeed}, /*with_stderr=*/false);
  ASSERT_EQ(seed.exit_code, 0) << seed.output;
  EXPECT_THAT(seed.output, HasSubstr("\"name\": \"articles/biological-therapy-for-cancer\""));

  // The server is still serving, and a backup never overwrites.
  EXPECT_EQ(Call({"get", kSeed}).exit_code, 0);
  Cli again = RunCli({"backup", "--db=" + db(), "--out=" + backup});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.output, "healthcontent: already_exists: " + backup +
                              " already exists; a backup never overwrites a file\n");
}

}  // namespace
}  // namespace healthcontent::testing
