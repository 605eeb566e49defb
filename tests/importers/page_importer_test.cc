// ImportPage against the captured seed page and variants of it, and the slug
// rules it uses.
#include "importers/page_importer.h"

#include <filesystem>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "domain/article_rules.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "importers/interchange.h"
#include "importers/slug.h"
#include "testing/seed.h"
#include "testing/test_env.h"

namespace healthcontent {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::healthcontent::testing::ReadFileOrDie;
using ::healthcontent::testing::SourceDir;
using ::healthcontent::testing::SpansText;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kReviewDateLine[] = "May 19, 2023\n";
constexpr char kProductsLine[] = "Products & Services\n";

std::string SeedPage() { return ReadFileOrDie(SourceDir() + "/tests/fixtures/seed_page.txt"); }

v1::PublishArticleRevisionRequest DataFile() {
  v1::PublishArticleRevisionRequest request = testing::SeedPublishRequest();
  // Clinical codes are added by editors (data/README.md); a page prints none.
  request.mutable_article()->clear_codes();
  return request;
}

importers::PageImportOptions MayoOptions() {
  importers::PageImportOptions options;
  options.publisher = "Mayo Clinic";
  return options;
}

// Fails the test with the differences when `got` is not `want`.
void ExpectSameRequest(const v1::PublishArticleRevisionRequest& want,
                       const v1::PublishArticleRevisionRequest& got) {
  MessageDifferencer differ;
  std::string diff;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(want, got)) << diff << "\ngot:\n"
                                         << importers::FormatInterchangeJson(got);
}

// The seed page with `line` (a whole line, "\n" included) removed.
std::string Without(const std::string& page, absl::string_view line) {
  std::string out = page;
  size_t at = out.find(std::string(line));
  EXPECT_NE(at, std::string::npos) << line;
  if (at != std::string::npos) out.erase(at, line.size());
  return out;
}

// Title, summary and every line of body text.
std::string AllText(const v1::Article& article) {
  return absl::StrCat(article.title(), "\n", article.summary(), "\n",
                      domain::ArticleBodyText(article));
}

TEST(PageImporterTest, SeedPageReproducesTheDataFile) {
  absl::StatusOr<v1::PublishArticleRevisionRequest> got =
      importers::ImportPage(SeedPage(), MayoOptions());
  ASSERT_TRUE(got.ok()) << got.status();
  v1::PublishArticleRevisionRequest want = DataFile();
  // change_summary is the publisher's note, not page text.
  want.clear_change_summary();
  EXPECT_EQ(got->change_summary(), "");
  ExpectSameRequest(want, *got);
  EXPECT_TRUE(MessageDifferencer::Equals(want, *got));
  EXPECT_TRUE(domain::ValidatePublishRequest(*got).ok());
}

TEST(PageImporterTest, OptionsAreCopied) {
  importers::PageImportOptions options;
  options.slug = "biological-therapy";
  options.publisher = "Example Hospital";
  options.language_code = "en-US";
  options.change_summary = "Imported for a test.";
  options.next_review_years = 1;
  absl::StatusOr<v1::PublishArticleRevisionRequest> got =
      importers::ImportPage(SeedPage(), options);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->article().name(), "articles/biological-therapy");
  EXPECT_EQ(got->article().next_review_date().year(), 2024);
  EXPECT_EQ(got->article().next_review_date().month(), 5);
  EXPECT_EQ(got->article().next_review_date().day(), 19);
  EXPECT_EQ(got->article().publisher(), "Example Hospital");
  EXPECT_EQ(got->article().language_code(), "en-US");
  EXPECT_EQ(got->change_summary(), "Imported for a test.");
  EXPECT_EQ(got->change_type(), v1::CHANGE_TYPE_CLINICAL_REVIEW);
}

TEST(PageImporterTest, DefaultsAreEnglishAndNoPublisher) {
  absl::StatusOr<v1::PublishArticleRevisionRequest> got =
      importers::ImportPage(SeedPage(), importers::PageImportOptions());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->article().language_code(), "en");
  EXPECT_EQ(got->article().publisher(), "");
  EXPECT_EQ(got->article().name(), "articles/biological-therapy-for-cancer");
  // No next review date: the server applies its own review interval.
  EXPECT_FALSE(got->article().has_next_review_date());
}

TEST(PageImporterTest, NextReviewDateCanBeSetFromAnInterval) {
  importers::PageImportOptions options;
  options.next_review_years = 3;
  absl::StatusOr<v1::PublishArticleRevisionRequest> got =
      importers::ImportPage(SeedPage(), options);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->article().next_review_date().year(), 2026);
  EXPECT_EQ(got->article().next_review_date().month(), 5);
  EXPECT_EQ(got->article().next_review_date().day(), 19);
}

TEST(PageImporterTest, ChromeNeverAppears) {
  absl::StatusOr<v1::PublishArticleRevisionRequest> got =
      importers::ImportPage(SeedPage(), MayoOptions());
  ASSERT_TRUE(got.ok()) << got.status();
  std::string text = AllText(got->article());
  for (absl::string_view chrome :
       {"Products & Services", "delivered to your inbox", "Subscribe for free", "email preview",
        "I would like to learn more about", "To provide you with", "privacy practices",
        "Clinical trials", "Explore Mayo Clinic studies", "unsubscribe"}) {
    EXPECT_FALSE(absl::StrContains(text, chrome)) << chrome;
  }
  // The trailing repeated title is the title, not a paragraph.
  for (const v1::Section& section : got->article().sections()) {
    EXPECT_NE(section.heading(), "Biological therapy for cancer");
    for (const v1::Block& block : section.blocks()) {
      if (block.has_paragraph()) {
        EXPECT_NE(SpansText(block.paragraph().spans()), "Biological therapy for cancer");
      }
    }
  }
}

TEST(PageImporterTest, ChromeIsDroppedWherePatternsMatchNotByPosition) {
  // The same chrome in the middle of the article, between two sections.
  std::string page = SeedPage();
  size_t chrome_start = page.find(kProductsLine);
  size_t chrome_end = page.find(kReviewDateLine);
  ASSERT_NE(chrome_start, std::string::npos);
  std::string chrome = page.substr(chrome_start, chrome_end - chrome_start);
  page.erase(chrome_start, chrome.size());
  page.insert(page.find("Types of biological therapy\n"), chrome);

  absl::StatusOr<v1::PublishArticleRevisionRequest> got =
      importers::ImportPage(page, MayoOptions());
  ASSERT_TRUE(got.ok()) << got.status();
  v1::PublishArticleRevisionRequest want = DataFile();
  want.clear_change_summary();
  ExpectSameRequest(want, *got);
}

TEST(PageImporterTest, PageWithoutAReferenceListImports) {
  std::string page = SeedPage();
  for (int n = 1; n <= 4; ++n) {
    size_t start = page.find(absl::StrCat("  ", n, ". "));
    ASSERT_NE(start, std::string::npos);
    page.erase(start, page.find('\n', start) + 1 - start);
  }
  absl::StatusOr<v1::PublishArticleRevisionRequest> got =
      importers::ImportPage(page, MayoOptions());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->article().references_size(), 0);

  v1::PublishArticleRevisionRequest want = DataFile();
  want.clear_change_summary();
  want.mutable_article()->clear_references();
  ExpectSameRequest(want, *got);
}

TEST(PageImporterTest, ExtraSectionImports) {
  std::string page = SeedPage();
  page.insert(page.find(kProductsLine),
              "Side effects\n"
              "\n"
              "Side effects depend on the type of therapy. Common ones include:\n"
              "\n"
              "  \u2022 Fever\n"
              "  \u2022 Tiredness\n"
              "\n"
              "Talk to your care team about what to expect.\n"
              "\n");
  absl::StatusOr<v1::PublishArticleRevisionRequest> got =
      importers::ImportPage(page, MayoOptions());
  ASSERT_TRUE(got.ok()) << got.status();
  const v1::Article& article = got->article();
  ASSERT_EQ(article.sections_size(), 3);
  const v1::Section& extra = article.sections(2);
  EXPECT_EQ(extra.heading(), "Side effects");
  ASSERT_EQ(extra.blocks_size(), 3);
  EXPECT_EQ(SpansText(extra.blocks(0).paragraph().spans()),
            "Side effects depend on the type of therapy. Common ones include:");
  ASSERT_TRUE(extra.blocks(1).has_bullet_list());
  ASSERT_EQ(extra.blocks(1).bullet_list().items_size(), 2);
  EXPECT_EQ(SpansText(extra.blocks(1).bullet_list().items(0).spans()), "Fever");
  EXPECT_FALSE(extra.blocks(1).bullet_list().items(0).spans(0).bold());
  EXPECT_EQ(SpansText(extra.blocks(2).paragraph().spans()),
            "Talk to your care team about what to expect.");
  // Everything else is as before.
  v1::PublishArticleRevisionRequest want = DataFile();
  want.clear_change_summary();
  *want.mutable_article()->add_sections() = extra;
  ExpectSameRequest(want, *got);
}

TEST(PageImporterTest, TitleMayBeTheFirstLine) {
  // Captures that keep the <h1> on top: the title first, repeated at the end.
  std::string page = absl::StrCat("Biological therapy for cancer\n\n", SeedPage());
  absl::StatusOr<v1::PublishArticleRevisionRequest> got =
      importers::ImportPage(page, MayoOptions());
  ASSERT_TRUE(got.ok()) << got.status();
  v1::PublishArticleRevisionRequest want = DataFile();
  want.clear_change_summary();
  ExpectSameRequest(want, *got);
}

TEST(PageImporterTest, WindowsLineEndingsAndStraySpacesAreNormalised) {
  std::string page = absl::StrReplaceAll(SeedPage(), {{"\n", "\r\n"}});
  page = absl::StrReplaceAll(
      page, {{"How biological therapy works", "How  biological\ttherapy works  "}});
  absl::StatusOr<v1::PublishArticleRevisionRequest> got =
      importers::ImportPage(page, MayoOptions());
  ASSERT_TRUE(got.ok()) << got.status();
  v1::PublishArticleRevisionRequest want = DataFile();
  want.clear_change_summary();
  ExpectSameRequest(want, *got);
}

TEST(PageImporterTest, LeadPhrasesOnlyWhenEveryItemHasOne) {
  std::string page =
      "Example title\n"
      "\n"
      "The lead paragraph.\n"
      "\n"
      "Steps\n"
      "\n"
      "Do these things:\n"
      "\n"
      "  \u2022 Rest well. Sleep at least seven hours a night.\n"
      "  \u2022 Drink water often, even when not thirsty.\n"
      "\n"
      "Signs\n"
      "\n"
      "Watch for these:\n"
      "\n"
      "  \u2022 Fever. A temperature over 38 C.\n"
      "  \u2022 Chills. Shaking and feeling cold.\n"
      "\n"
      "June 1, 2024\n";
  absl::StatusOr<v1::PublishArticleRevisionRequest> got =
      importers::ImportPage(page, importers::PageImportOptions());
  ASSERT_TRUE(got.ok()) << got.status();
  const v1::Article& article = got->article();
  EXPECT_EQ(article.title(), "Example title");
  EXPECT_EQ(article.summary(), "The lead paragraph.");
  ASSERT_EQ(article.sections_size(), 2);
  const v1::BulletList& steps = article.sections(0).blocks(1).bullet_list();
  ASSERT_EQ(steps.items_size(), 2);
  EXPECT_EQ(steps.items(0).spans_size(), 1);
  EXPECT_FALSE(steps.items(0).spans(0).bold());
  const v1::BulletList& signs = article.sections(1).blocks(1).bullet_list();
  ASSERT_EQ(signs.items_size(), 2);
  ASSERT_EQ(signs.items(1).spans_size(), 2);
  EXPECT_EQ(signs.items(1).spans(0).text(), "Chills.");
  EXPECT_TRUE(signs.items(1).spans(0).bold());
  EXPECT_EQ(signs.items(1).spans(1).text(), " Shaking and feeling cold.");
  EXPECT_FALSE(signs.items(1).spans(1).bold());
  EXPECT_EQ(article.therapy_types_size(), 0);
  EXPECT_EQ(article.review_date().year(), 2024);
  EXPECT_EQ(article.review_date().month(), 6);
  EXPECT_EQ(article.review_date().day(), 1);
}

TEST(PageImporterTest, AbbreviatedMonthsAreDates) {
  absl::StatusOr<v1::PublishArticleRevisionRequest> got = importers::ImportPage(
      "Example title\n\nSome text.\n\nSept. 5, 2023\n", importers::PageImportOptions());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->article().review_date().month(), 9);
  EXPECT_EQ(got->article().review_date().day(), 5);
}

struct ErrorCase {
  const char* name;
  std::string page;
  std::string message;
};

TEST(PageImporterTest, ErrorsNameTheLine) {
  std::vector<ErrorCase> cases = {
      {"empty", "", "line 1: no title: the page is empty"},
      {"blank", "\n  \n\n", "line 1: no title: the page is empty"},
      {"no title", "This page starts with a sentence.\n\nMay 19, 2023\n\nAnd ends with one.\n",
       "line 1: no title: neither the first line nor the last (line 5) is a short line "
       "without terminal punctuation"},
      {"no date", "Example title\n\nSome lead text.\n",
       "no review date: none of lines 1-3 is a date like \"May 19, 2023\""},
      {"seed without its date", Without(SeedPage(), kReviewDateLine),
       "no review date: none of lines 1-55 is a date like \"May 19, 2023\""},
      {"not a real date", "Example title\n\nSome lead text.\n\nFebruary 30, 2023\n",
       "line 5: \"February 30, 2023\" is not a real date"},
      {"bad utf-8", "Example title\n\nSome \xff text.\n\nMay 19, 2023\n",
       "line 3: not valid UTF-8"},
      {"no slug", "***\n\nSome lead text.\n\nMay 19, 2023\n",
       "line 1: no slug can be made from the title \"***\"; set PageImportOptions.slug"},
  };
  for (const ErrorCase& c : cases) {
    absl::StatusOr<v1::PublishArticleRevisionRequest> got =
        importers::ImportPage(c.page, importers::PageImportOptions());
    ASSERT_FALSE(got.ok()) << c.name;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(got.status().message(), c.message) << c.name;
  }
}

TEST(PageImporterTest, ReferencesOverThePublishLimitAreRefused) {
  std::string page = "Example title\n\nSome lead text.\n\nMay 19, 2023\n";
  for (int n = 1; n <= 501; ++n) {
    absl::StrAppend(&page, "  ", n, ". Example citation ", n, ". Example Journal. 2020.\n");
  }
  absl::StatusOr<v1::PublishArticleRevisionRequest> got =
      importers::ImportPage(page, importers::PageImportOptions());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(got.status().message(), "line 506: more than 500 references");
}

TEST(PageImporterTest, BadSlugOptionIsAValidationError) {
  importers::PageImportOptions options;
  options.slug = "Not A Slug";
  absl::StatusOr<v1::PublishArticleRevisionRequest> got =
      importers::ImportPage(SeedPage(), options);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(got.status().message(), HasSubstr("article.name"));
}

TEST(PageImporterTest, OversizePageIsRefusedBeforeReading) {
  std::string page(importers::kMaxPageImportBytes + 1, 'x');
  absl::StatusOr<v1::PublishArticleRevisionRequest> got =
      importers::ImportPage(page, importers::PageImportOptions());
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(got.status().message(),
            absl::StrCat("page is ", importers::kMaxPageImportBytes + 1, " bytes; the limit is ",
                         importers::kMaxPageImportBytes));
}

TEST(SlugTest, TherapyTypeSlugsMatchEveryDataFile) {
  int checked = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(SourceDir() + "/data/therapy-types")) {
    if (entry.path().extension() != ".json") continue;
    v1::UpsertTherapyTypeRequest request;
    std::string path = entry.path().string();
    ASSERT_TRUE(importers::ParseInterchangeJson(ReadFileOrDie(path), path, &request).ok()) << path;
    EXPECT_EQ(importers::TherapyTypeSlug(request.therapy_type().display_name()),
              entry.path().stem().string())
        << request.therapy_type().display_name();
    ++checked;
  }
  EXPECT_EQ(checked, 13);
}

TEST(SlugTest, SlugFromText) {
  EXPECT_EQ(importers::SlugFromText("Biological therapy for cancer"),
            "biological-therapy-for-cancer");
  EXPECT_EQ(importers::SlugFromText("  Crohn's disease  "), "crohns-disease");
  EXPECT_EQ(importers::SlugFromText("Crohn\u2019s disease"), "crohns-disease");
  EXPECT_EQ(importers::SlugFromText("Bacillus Calmette-Gu\u00e9rin"), "bacillus-calmette-guerin");
  EXPECT_EQ(importers::SlugFromText("/conditions/achalasia/"), "conditions-achalasia");
  EXPECT_EQ(importers::SlugFromText("6-in-1 vaccine"), "6-in-1-vaccine");
  EXPECT_EQ(importers::SlugFromText("\u2014?!"), "");
  std::string long_title;
  for (int i = 0; i < 30; ++i) long_title += "word ";
  std::string slug = importers::SlugFromText(long_title);
  EXPECT_LE(slug.size(), 100u);
  EXPECT_FALSE(absl::EndsWith(slug, "-"));
  EXPECT_TRUE(absl::EndsWith(slug, "word"));
}

TEST(SlugTest, TherapyTypeSlugUsesAbbreviationsThatSpellTheWordsBefore) {
  EXPECT_EQ(importers::TherapyTypeSlug("Chimeric antigen receptor (CAR) T-cell therapy"),
            "car-t-cell-therapy");
  EXPECT_EQ(importers::TherapyTypeSlug("Immune checkpoint inhibitors (ICIs)"), "icis");
  EXPECT_EQ(importers::TherapyTypeSlug("Bacillus Calmette-Guerin (BCG) therapy"), "bcg-therapy");
  EXPECT_EQ(importers::TherapyTypeSlug("Cancer vaccines (preventive)"),
            "cancer-vaccines-preventive");
  EXPECT_EQ(importers::TherapyTypeSlug("Gene therapy (XYZ)"), "gene-therapy-xyz");
}

}  // namespace
}  // namespace healthcontent
