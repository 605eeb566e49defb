// Checks data/'s seed article against the raw captured page: every sentence
// of the article is there, unaltered, and none of the page chrome is.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/article_service.pb.h"
#include "importers/interchange.h"
#include "testing/seed.h"
#include "testing/test_env.h"

namespace healthcontent {
namespace {

using ::healthcontent::testing::ReadFileOrDie;
using ::healthcontent::testing::SeedPublishRequest;
using ::healthcontent::testing::SourceDir;
using ::healthcontent::testing::SpansText;

// Every line of text the article holds: headings, paragraphs, list items,
// therapy type display names are not included (they are resources).
std::vector<std::string> ArticleLines(const v1::Article& article) {
  std::vector<std::string> lines = {article.title()};
  auto add_blocks = [&](const google::protobuf::RepeatedPtrField<v1::Block>& blocks) {
    for (const auto& block : blocks) {
      if (block.has_paragraph()) lines.push_back(SpansText(block.paragraph().spans()));
      for (const auto& item : block.bullet_list().items()) lines.push_back(SpansText(item.spans()));
    }
  };
  add_blocks(article.lead());
  for (const auto& section : article.sections()) {
    lines.push_back(section.heading());
    add_blocks(section.blocks());
  }
  for (const auto& ref : article.references()) lines.push_back(ref.citation());
  return lines;
}

// The raw page's lines, bullets and citation numbers removed.
std::vector<std::string> RawLines() {
  std::string raw = ReadFileOrDie(SourceDir() + "/tests/fixtures/seed_page.txt");
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(raw, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    absl::ConsumePrefix(&line, "\u2022");
    line = absl::StripAsciiWhitespace(line);
    if (line.size() > 3 && absl::ascii_isdigit(line[0]) && line[1] == '.' && line[2] == ' ') {
      line.remove_prefix(3);
    }
    if (!line.empty()) out.emplace_back(line);
  }
  return out;
}

const std::vector<std::string>& ChromeLines() {
  static const auto* chrome = new std::vector<std::string>{
      "Products & Services",
      "Get Mayo Clinic cancer expertise delivered to your inbox.",
      "I would like to learn more about",
      "Clinical trials",
      "Explore Mayo Clinic studies of tests and procedures to help prevent, detect, treat or "
      "manage conditions.",
  };
  return *chrome;
}

bool IsChrome(const std::string& line) {
  for (const auto& c : ChromeLines()) {
    if (line == c) return true;
  }
  return absl::StartsWith(line, "Subscribe for free") ||
         absl::StartsWith(line, "To provide you with the most relevant");
}

TEST(SeedDataTest, EveryLineOfTheArticleIsInTheDataFileExactlyAndNoChromeIs) {
  v1::PublishArticleRevisionRequest seed = SeedPublishRequest();
  std::vector<std::string> article_lines = ArticleLines(seed.article());
  std::vector<std::string> display_names;
  for (const auto& tt : seed.article().therapy_types()) display_names.push_back(tt.name());

  std::vector<std::string> raw = RawLines();
  ASSERT_GT(raw.size(), 30u);
  int checked = 0;
  bool in_types_list = false;
  for (const std::string& line : raw) {
    if (IsChrome(line)) {
      for (const auto& a : article_lines) {
        EXPECT_FALSE(absl::StrContains(a, line.substr(0, 40))) << "chrome leaked: " << line;
      }
      continue;
    }
    if (line == "May 19, 2023") continue;  // the review date line, checked below
    if (line == "Types of biological therapy") in_types_list = true;
    if (absl::StartsWith(line, "Many types of biological therapy")) in_types_list = false;
    int found = 0;
    for (const auto& a : article_lines) found += (a == line);
    // The trailing repeated title and the page's own title are the same text.
    if (line == "Biological therapy for cancer") {
      EXPECT_EQ(found, 1);
      continue;
    }
    EXPECT_EQ(found, 1) << "not exactly once in data/: " << line;
    ++checked;
  }
  EXPECT_GE(checked, 28);
  // Nothing in the file that is not on the page.
  for (const auto& a : article_lines) {
    EXPECT_NE(std::find(raw.begin(), raw.end(), a), raw.end()) << "not on the page: " << a;
  }
  (void)in_types_list;
}

TEST(SeedDataTest, StructuredFieldsMatchThePage) {
  v1::PublishArticleRevisionRequest seed = SeedPublishRequest();
  const v1::Article& a = seed.article();
  EXPECT_EQ(a.name(), "articles/biological-therapy-for-cancer");
  EXPECT_EQ(a.review_date().year(), 2023);
  EXPECT_EQ(a.review_date().month(), 5);
  EXPECT_EQ(a.review_date().day(), 19);
  EXPECT_EQ(a.publisher(), "Mayo Clinic");
  EXPECT_EQ(a.therapy_types_size(), 13);
  ASSERT_EQ(a.references_size(), 4);
  EXPECT_EQ(a.references(1).doi(), "10.3390/ijms222111694");
  EXPECT_EQ(a.references(3).doi(), "10.3390/ijms23063238");
  EXPECT_THAT(a.references(3).authors(), ::testing::ElementsAre("Huang JL"));
  EXPECT_EQ(a.references(3).year(), 2022);
  EXPECT_EQ(a.references(2).edition(), "6th");
  EXPECT_EQ(a.references(2).year(), 2020);
  EXPECT_EQ(a.references(0).accessed_date().year(), 2023);
  EXPECT_EQ(a.references(0).accessed_date().day(), 22);
  // Each therapy type the article lists has its resource file, whose
  // display name is the list item's text.
  const v1::BulletList* types_list = nullptr;
  for (const auto& block : a.sections(1).blocks()) {
    if (block.has_bullet_list()) types_list = &block.bullet_list();
  }
  ASSERT_NE(types_list, nullptr);
  ASSERT_EQ(types_list->items_size(), 13);
  for (int i = 0; i < 13; ++i) {
    std::string slug(absl::StripPrefix(a.therapy_types(i).name(), "therapyTypes/"));
    std::string path = SourceDir() + "/data/therapy-types/" + slug + ".json";
    v1::UpsertTherapyTypeRequest tt;
    ASSERT_TRUE(importers::ParseInterchangeJson(ReadFileOrDie(path), path, &tt).ok()) << path;
    EXPECT_EQ(tt.therapy_type().name(), a.therapy_types(i).name());
    EXPECT_EQ(tt.therapy_type().display_name(), SpansText(types_list->items(i).spans()));
  }
}

}  // namespace
}  // namespace healthcontent
