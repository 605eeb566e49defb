// ImportNhsPage over the NHS website content API sample corpus
// (tests/fixtures/corpus/nhs-website-content-api/) and over hostile input.
#include "importers/nhs_importer.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/field_errors.h"
#include "domain/article_rules.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "importers/interchange.h"
#include "nlohmann/json.hpp"
#include "testing/test_env.h"

namespace healthcontent {
namespace {

using ::healthcontent::testing::IsoDate;
using ::healthcontent::testing::ReadFileOrDie;
using ::healthcontent::testing::SourceDir;
using ::healthcontent::testing::SpansText;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kCorpus[] = "/tests/fixtures/corpus/nhs-website-content-api/";
constexpr absl::StatusCode kNotArticle = absl::StatusCode::kFailedPrecondition;
constexpr absl::StatusCode kBroken = absl::StatusCode::kInvalidArgument;

std::string CorpusFile(const std::string& name) {
  return ReadFileOrDie(SourceDir() + kCorpus + name);
}

absl::StatusOr<v1::PublishArticleRevisionRequest> ImportCorpusFile(const std::string& name) {
  return importers::ImportNhsPage(CorpusFile(name), name);
}

// Every span of the article, lead and sections.
std::vector<const v1::Span*> AllSpans(const v1::Article& article) {
  std::vector<const v1::Span*> out;
  auto add = [&](const google::protobuf::RepeatedPtrField<v1::Block>& blocks) {
    for (const v1::Block& block : blocks) {
      for (const v1::Span& span : block.paragraph().spans()) out.push_back(&span);
      for (const v1::ListItem& item : block.bullet_list().items()) {
        for (const v1::Span& span : item.spans()) out.push_back(&span);
      }
    }
  };
  add(article.lead());
  for (const v1::Section& section : article.sections()) add(section.blocks());
  return out;
}

// The pages of the corpus that are articles, with what they import as.
struct ArticleCase {
  const char* file;
  const char* name;
  const char* review_date;
  const char* next_review_date;
};

const std::vector<ArticleCase>& ArticleCases() {
  static const auto* cases = new std::vector<ArticleCase>{
      {"conditions-acanthosis-nigricans-no-params.json", "articles/conditions-acanthosis-nigricans",
       "2024-07-04", "2027-07-04"},
      {"conditions-achalasia-no-params.json", "articles/conditions-achalasia", "2023-12-05",
       "2026-12-05"},
      {"conditions-acne-no-params.json", "articles/conditions-acne", "2023-01-03", "2026-01-03"},
      {"conditions-angiography-no-params.json", "articles/conditions-angiography", "2023-01-30",
       "2026-01-30"},
      {"conditions-cancer-no-params.json", "articles/conditions-cancer", "2022-10-13",
       "2025-10-13"},
      {"conditions-zika-no-params.json", "articles/conditions-zika", "2022-02-18", "2025-02-18"},
      {"contraception-condoms-no-params.json",
       "articles/contraception-methods-of-contraception-condoms", "2024-01-26", "2027-01-26"},
      {"contraception-what-is-the-combined-pill-no-params.json",
       "articles/contraception-methods-of-contraception-combined-pill-what-is-it", "2024-02-15",
       "2027-02-15"},
      {"live-well-alcohol-advice-alcohol-support-no-params.json",
       "articles/live-well-alcohol-advice-alcohol-support", "2022-12-16", "2025-12-16"},
      {"medicines-acrivastine-no-params.json", "articles/medicines-acrivastine", "2021-10-13",
       "2024-10-13"},
      {"mental-health-advice-for-life-situations-and-events-support-for-workplace-bullying-"
       "no-params.json",
       "articles/mental-health-advice-for-life-situations-and-events-support-for-workplace-"
       "bullying",
       "2022-12-02", "2025-12-02"},
      {"nhs-services-gps-how-to-register-with-a-gp-surgery-no-params.json",
       "articles/nhs-services-gps-how-to-register-with-a-gp-surgery", "2023-04-12", "2026-04-12"},
      {"pregnancy-finding-out-finding-out-you-are-pregnant-no-params.json",
       "articles/pregnancy-finding-out-finding-out-you-are-pregnant", "2022-12-21", "2025-12-21"},
      {"social-care-and-support-introduction-to-care-and-support-no-params.json",
       "articles/social-care-and-support-introduction-to-care-and-support", "2024-10-30",
       "2027-10-30"},
      {"vaccinations-6-in-1-vaccine-no-params.json", "articles/vaccinations-6-in-1-vaccine",
       "2023-06-26", "2026-06-26"},
      {"vaccinations-available-travel-vaccines-no-params.json",
       "articles/vaccinations-travel-vaccinations-available-travel-vaccines", "2023-03-16",
       "2026-03-16"},
      {"vaccinations-nhs-vaccinations-and-when-to-have-them-no-params.json",
       "articles/vaccinations-nhs-vaccinations-and-when-to-have-them", "2023-08-09", "2026-08-09"},
      {"history/conditions-acanthosis-nigricans-no-params@5ca7285-lastReviewed-2021-06-20.json",
       "articles/conditions-acanthosis-nigricans", "2021-06-20", "2024-06-20"},
      {"history/conditions-achalasia-no-params@5ca7285-lastReviewed-2020-12-24.json",
       "articles/conditions-achalasia", "2020-12-24", "2023-12-24"},
  };
  return *cases;
}

// The other files: error responses, listings and partial responses, each
// refused with its reason (the message follows "<file>: ").
struct RefusedCase {
  const char* file;
  absl::StatusCode code;
  const char* message;
};

const std::vector<RefusedCase>& RefusedCases() {
  static const auto* cases = new std::vector<RefusedCase>{
      {"baby-caring-for-a-newborn-no-params.json", kNotArticle,
       "is a listing page of 7 links, not an article"},
      {"baby-first-aid-and-safety-no-params.json", kNotArticle,
       "is a listing page of 2 links, not an article"},
      {"baby-root-no-params.json", kNotArticle, "is a listing page of 9 links, not an article"},
      {"baby-support-and-services-no-params.json", kNotArticle,
       "is a listing page of 11 links, not an article"},
      {"conditions-acne-modules-true.json", kNotArticle,
       "is a modules-only response (modules=true): it has no name, url or lastReviewed; import "
       "the full page"},
      {"conditions-root-category-a-genre-condition.json", kNotArticle,
       "is a listing page of 58 links, not an article"},
      {"conditions-root-category-a-genre-hub.json", kNotArticle,
       "is a listing page of 8 links, not an article"},
      {"conditions-root-category-a.json", kNotArticle,
       "is a listing page of 64 links, not an article"},
      {"conditions-root-category-b.json", kNotArticle,
       "is a listing page of 56 links, not an article"},
      {"conditions-root-category-z.json", kNotArticle,
       "is a listing page of 1 link, not an article"},
      {"conditions-root-no-params.json", kNotArticle,
       "is a listing page of 25 links, not an article"},
      {"conditions-root-page-1.json", kNotArticle, "is a listing page of 25 links, not an article"},
      {"conditions-root-page-2.json", kNotArticle, "is a listing page of 25 links, not an article"},
      {"conditions-root-page-29.json", kNotArticle, "is a listing page of 2 links, not an article"},
      {"contraception-methods-of-contraception-no-params.json", kNotArticle,
       "is a listing page of 15 links, not an article"},
      {"contraception-root-no-params.json", kNotArticle,
       "is a listing page of 4 links, not an article"},
      {"error-missing-subscription-key.json", kNotArticle,
       "is an API error response: 401 Access denied due to missing subscription key. Make sure "
       "to include subscription key when making requests to an API."},
      {"error-resource-not-found.json", kNotArticle,
       "is an API error response: 404 Resource not found"},
      {"error-sandbox-response-not-found.json", kNotArticle,
       "is an API error response: 404 Sandbox response not found. Please use the predefined "
       "query parameter values."},
      {"health-a-to-z-conditions-no-params.json", kNotArticle,
       "is a listing page of 210 links, not an article"},
      {"health-a-to-z-root-no-params.json", kNotArticle,
       "is a listing page of 9 links, not an article"},
      {"live-well-exercise-no-params.json", kNotArticle,
       "is a listing page of 5 links, not an article"},
      {"live-well-healthy-weight-no-params.json", kNotArticle,
       "is a listing page of 3 links, not an article"},
      {"live-well-root-no-params.json", kNotArticle,
       "is a listing page of 16 links, not an article"},
      {"manifest-pages-root-no-params.json", kNotArticle,
       "is a listing page of 100 links, not an article"},
      {"manifest-pages-root-page-1.json", kNotArticle,
       "is a listing page of 100 links, not an article"},
      {"manifest-pages-root-page-2.json", kNotArticle,
       "is a listing page of 100 links, not an article"},
      {"medicines-aciclovir-no-params.json", kNotArticle,
       "is a listing page of 15 links, not an article"},
      {"medicines-acrivastine-modules-true.json", kNotArticle,
       "is a modules-only response (modules=true): it has no name, url or lastReviewed; import "
       "the full page"},
      {"medicines-root-category-a.json", kNotArticle,
       "is a listing page of 18 links, not an article"},
      {"medicines-root-category-b.json", kNotArticle,
       "is a listing page of 23 links, not an article"},
      {"medicines-root-category-z.json", kNotArticle,
       "is a listing page of 2 links, not an article"},
      {"medicines-root-no-params.json", kNotArticle,
       "is a listing page of 25 links, not an article"},
      {"medicines-root-page-1.json", kNotArticle, "is a listing page of 25 links, not an article"},
      {"medicines-root-page-11.json", kNotArticle, "is a listing page of 23 links, not an article"},
      {"medicines-zopiclone-no-params.json", kNotArticle,
       "is a listing page of 12 links, not an article"},
      {"mental-health-conditions-no-params.json", kNotArticle,
       "is a listing page of 3 links, not an article"},
      {"mental-health-feelings-symptoms-behaviours-no-params.json", kNotArticle,
       "is a listing page of 4 links, not an article"},
      {"mental-health-root-no-params.json", kNotArticle,
       "is a listing page of 15 links, not an article"},
      {"nhs-services-gps-no-params.json", kNotArticle,
       "is a listing page of 11 links, not an article"},
      {"nhs-services-prescriptions-and-pharmacies-no-params.json", kNotArticle,
       "is a listing page of 10 links, not an article"},
      {"nhs-services-root-no-params.json", kNotArticle,
       "is a listing page of 21 links, not an article"},
      {"pregnancy-having-a-baby-if-you-are-lgbt-plus-no-params.json", kNotArticle,
       "is a listing page of 3 links, not an article"},
      {"pregnancy-root-no-params.json", kNotArticle,
       "is a listing page of 11 links, not an article"},
      {"pregnancy-trying-for-a-baby-no-params.json", kNotArticle,
       "is a listing page of 8 links, not an article"},
      {"social-care-and-support-care-after-a-hospital-stay-no-params.json", kNotArticle,
       "is a listing page of 3 links, not an article"},
      {"social-care-and-support-money-work-and-benefits-no-params.json", kNotArticle,
       "is a listing page of 8 links, not an article"},
      {"social-care-and-support-root-no-params.json", kNotArticle,
       "is a listing page of 9 links, not an article"},
      {"symptoms-root-category-a.json", kNotArticle,
       "is a listing page of 4 links, not an article"},
      {"symptoms-root-category-b.json", kNotArticle,
       "is a listing page of 14 links, not an article"},
      {"symptoms-root-no-params.json", kNotArticle,
       "is a listing page of 25 links, not an article"},
      {"symptoms-root-page-1.json", kNotArticle, "is a listing page of 25 links, not an article"},
      {"symptoms-root-page-6.json", kNotArticle, "is a listing page of 8 links, not an article"},
      {"tests-and-treatments-root-category-a.json", kNotArticle,
       "is a listing page of 9 links, not an article"},
      {"tests-and-treatments-root-category-b.json", kNotArticle,
       "is a listing page of 12 links, not an article"},
      {"tests-and-treatments-root-no-params.json", kNotArticle,
       "is a listing page of 25 links, not an article"},
      {"tests-and-treatments-root-page-1.json", kNotArticle,
       "is a listing page of 25 links, not an article"},
      {"tests-and-treatments-root-page-7.json", kNotArticle,
       "is a listing page of 24 links, not an article"},
      {"vaccinations-root-no-params.json", kNotArticle,
       "is a listing page of 24 links, not an article"},
      {"womens-health-anaemia-no-params.json", kNotArticle,
       "is a listing page of 2 links, not an article"},
      {"womens-health-periods-no-params.json", kNotArticle,
       "is a listing page of 17 links, not an article"},
      {"womens-health-root-no-params.json", kNotArticle,
       "is a listing page of 22 links, not an article"},
  };
  return *cases;
}

TEST(NhsImporterTest, EveryArticlePageImportsAndValidates) {
  for (const ArticleCase& c : ArticleCases()) {
    SCOPED_TRACE(c.file);
    absl::StatusOr<v1::PublishArticleRevisionRequest> got = ImportCorpusFile(c.file);
    ASSERT_TRUE(got.ok()) << got.status();
    absl::Status valid = domain::ValidatePublishRequest(*got);
    EXPECT_TRUE(valid.ok()) << valid;
    const v1::Article& article = got->article();
    EXPECT_EQ(article.name(), c.name);
    EXPECT_EQ(IsoDate(article.review_date()), c.review_date);
    EXPECT_EQ(IsoDate(article.next_review_date()), c.next_review_date);
    EXPECT_FALSE(article.title().empty());
    EXPECT_FALSE(article.summary().empty());
    EXPECT_EQ(article.publisher(), "NHS website");
    EXPECT_EQ(article.language_code(), "en-GB");
    EXPECT_EQ(article.license(),
              "Contains public sector information licensed under the Open Government Licence "
              "v3.0");
    EXPECT_THAT(article.source_url(), StartsWith("https://www.nhs.uk/"));
    EXPECT_EQ(got->change_type(), v1::CHANGE_TYPE_CLINICAL_REVIEW);
    EXPECT_FALSE(article.lead().empty() && article.sections().empty());
    for (const v1::Section& section : article.sections()) {
      EXPECT_FALSE(section.blocks().empty()) << section.heading();
    }
    // Plain text only: no markup, no entities, no stray whitespace; links
    // absolute.
    for (const v1::Span* span : AllSpans(article)) {
      EXPECT_FALSE(absl::StrContains(span->text(), "</")) << span->text();
      EXPECT_FALSE(absl::StrContains(span->text(), "&amp;")) << span->text();
      EXPECT_FALSE(absl::StrContains(span->text(), "  ")) << span->text();
      EXPECT_FALSE(absl::StrContains(span->text(), "\u00a0")) << span->text();
      if (!span->link_uri().empty()) {
        EXPECT_TRUE(absl::StartsWith(span->link_uri(), "https://") ||
                    absl::StartsWith(span->link_uri(), "http://"))
            << span->link_uri();
        EXPECT_FALSE(absl::StartsWith(span->link_uri(), "https://api.service.nhs.uk/"))
            << span->link_uri();
      }
    }
  }
}

TEST(NhsImporterTest, EveryOtherFileIsRefusedWithItsReason) {
  for (const RefusedCase& c : RefusedCases()) {
    absl::StatusOr<v1::PublishArticleRevisionRequest> got = ImportCorpusFile(c.file);
    ASSERT_FALSE(got.ok()) << c.file;
    EXPECT_EQ(got.status().code(), c.code) << c.file;
    EXPECT_EQ(got.status().message(), absl::StrCat(c.file, ": ", c.message));
  }
}

TEST(NhsImporterTest, EveryCorpusFileIsInOneTable) {
  std::set<std::string> listed;
  for (const ArticleCase& c : ArticleCases()) EXPECT_TRUE(listed.insert(c.file).second) << c.file;
  for (const RefusedCase& c : RefusedCases()) EXPECT_TRUE(listed.insert(c.file).second) << c.file;
  std::set<std::string> on_disk;
  std::string root = SourceDir() + kCorpus;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".json") continue;
    on_disk.insert(std::filesystem::relative(entry.path(), root).string());
  }
  EXPECT_EQ(on_disk, listed);
  EXPECT_EQ(on_disk.size(), 81u);  // 79 responses and 2 earlier reviews in history/
}

TEST(NhsImporterTest, AchalasiaHistoryIsAnEarlierReviewOfTheSameArticle) {
  absl::StatusOr<v1::PublishArticleRevisionRequest> old = ImportCorpusFile(
      "history/conditions-achalasia-no-params@5ca7285-lastReviewed-2020-12-24.json");
  absl::StatusOr<v1::PublishArticleRevisionRequest> current =
      ImportCorpusFile("conditions-achalasia-no-params.json");
  ASSERT_TRUE(old.ok()) << old.status();
  ASSERT_TRUE(current.ok()) << current.status();
  EXPECT_EQ(old->article().name(), "articles/conditions-achalasia");
  EXPECT_EQ(current->article().name(), "articles/conditions-achalasia");
  EXPECT_EQ(IsoDate(old->article().review_date()), "2020-12-24");
  EXPECT_EQ(IsoDate(old->article().next_review_date()), "2023-12-24");
  EXPECT_EQ(IsoDate(current->article().review_date()), "2023-12-05");
  EXPECT_EQ(IsoDate(current->article().next_review_date()), "2026-12-05");
  EXPECT_EQ(old->article().source_url(), "https://www.nhs.uk/conditions/achalasia/");
  EXPECT_EQ(current->article().source_url(), "https://www.nhs.uk/conditions/achalasia/");
  EXPECT_EQ(current->article().title(), "Achalasia");
}

TEST(NhsImporterTest, AchalasiaStructure) {
  absl::StatusOr<v1::PublishArticleRevisionRequest> got =
      ImportCorpusFile("conditions-achalasia-no-params.json");
  ASSERT_TRUE(got.ok()) << got.status();
  const v1::Article& article = got->article();
  EXPECT_EQ(article.summary(),
            "Read about achalasia, a disorder of the gullet (oesophagus) where it loses the "
            "ability to move food along. The valve at the end of the gullet also fails to open.");
  // The untitled first section is the lead; its first paragraph is bold.
  ASSERT_EQ(article.lead_size(), 3);
  ASSERT_EQ(article.lead(0).paragraph().spans_size(), 1);
  EXPECT_TRUE(article.lead(0).paragraph().spans(0).bold());
  EXPECT_EQ(article.lead(0).paragraph().spans(0).text(),
            "Achalasia is a rare disorder of the food pipe (oesophagus), which can make it "
            "difficult to swallow food and drink.");
  // Element headlines start sections, and so do the <h3>s inside the
  // treatments text.
  std::vector<std::string> headings;
  for (const v1::Section& section : article.sections()) headings.push_back(section.heading());
  EXPECT_THAT(headings,
              ::testing::ElementsAre("Symptoms of achalasia", "Causes of achalasia",
                                     "Diagnosing achalasia", "Treatments for achalasia", "Medicine",
                                     "Stretching the muscle (balloon dilation)", "Botox injection",
                                     "Surgery", "Follow-up treatment"));
  // Related links of the page are only its own navigation: no references.
  EXPECT_EQ(article.references_size(), 0);

  v1::Section want;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        heading: "Symptoms of achalasia"
        blocks { paragraph { spans { text: "Not everyone with achalasia will have symptoms." } } }
        blocks {
          paragraph {
            spans {
              text: "But most people with achalasia will find it difficult to swallow food or "
                    "drink (known as "
            }
            spans {
              text: "dysphagia"
              link_uri: "https://www.nhs.uk/conditions/swallowing-problems-dysphagia/"
            }
            spans {
              text: "). Swallowing tends to get gradually more difficult or painful over a "
                    "couple of years, to the point where it is sometimes impossible."
            }
          }
        }
        blocks { paragraph { spans { text: "Other symptoms include:" } } }
        blocks {
          bullet_list {
            items { spans { text: "bringing back up undigested food" } }
            items { spans { text: "choking and coughing fits" } }
            items {
              spans {
                text: "heartburn"
                link_uri: "https://www.nhs.uk/conditions/heartburn-and-acid-reflux/"
              }
            }
            items {
              spans { text: "chest pain" link_uri: "https://www.nhs.uk/conditions/chest-pain/" }
            }
            items {
              spans { text: "repeated " }
              spans {
                text: "chest infections"
                link_uri: "https://www.nhs.uk/conditions/chest-infection/"
              }
            }
            items { spans { text: "drooling of vomit or saliva" } }
            items {
              spans { text: "gradual but significant " }
              spans {
                text: "weight loss"
                link_uri: "https://www.nhs.uk/conditions/unintentional-weight-loss/"
              }
            }
          }
        }
        blocks {
          paragraph { spans { text: "Symptoms of achalasia may start at any time of life." } }
        }
        blocks {
          paragraph {
            spans {
              text: "Swallowing problems can also be caused by cancers of the mouth, throat and "
                    "oesophagus. There\342\200\231s a link between long-term achalasia and the "
                    "risk of developing "
            }
            spans {
              text: "cancer of the oesophagus"
              link_uri: "https://www.nhs.uk/conditions/oesophageal-cancer/"
            }
            spans { text: ", but the risk is small." }
          }
        }
        blocks {
          paragraph {
            spans {
              text: "It\342\200\231s always important to get symptoms checked straight away, "
                    "even if your symptoms are not bothering you."
            }
          }
        }
      )pb",
      &want));
  ASSERT_GE(article.sections_size(), 1);
  std::string diff;
  google::protobuf::util::MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(want, article.sections(0))) << diff;
}

TEST(NhsImporterTest, RelatedLinksBecomeWebPageReferencesButMenusDoNot) {
  absl::StatusOr<v1::PublishArticleRevisionRequest> got =
      ImportCorpusFile("medicines-acrivastine-no-params.json");
  ASSERT_TRUE(got.ok()) << got.status();
  const v1::Article& article = got->article();
  ASSERT_EQ(article.references_size(), 8);
  EXPECT_EQ(article.references(0).kind(), v1::Reference::WEB_PAGE);
  EXPECT_EQ(article.references(0).title(), "Atopic eczema");
  EXPECT_EQ(article.references(0).url(), "https://www.nhs.uk/conditions/atopic-eczema/");
  EXPECT_EQ(article.references(7).title(), "Itchy Sneezy Wheezy: website for parents");
  EXPECT_EQ(article.references(7).url(), "http://www.itchysneezywheezy.co.uk/");

  // Navigation links (the guide's other pages) are not references.
  got = ImportCorpusFile("contraception-what-is-the-combined-pill-no-params.json");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->article().references_size(), 0);
}

TEST(NhsImporterTest, AddressWithoutWebpageComesFromTheApiUrl) {
  absl::StatusOr<v1::PublishArticleRevisionRequest> got =
      ImportCorpusFile("social-care-and-support-introduction-to-care-and-support-no-params.json");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->article().source_url(),
            "https://www.nhs.uk/social-care-and-support/introduction-to-care-and-support/");
  EXPECT_EQ(got->article().name(),
            "articles/social-care-and-support-introduction-to-care-and-support");
}

// ---------------------------------------------------------------------------
// Made-up pages and hostile input.

// A minimal article page whose one section holds `html`.
std::string PageWithHtml(const std::string& html) {
  nlohmann::json page = {
      {"@type", "MedicalWebPage"},
      {"name", "Test page"},
      {"description", "A page made up for a test."},
      {"url", "https://api.service.nhs.uk/nhs-website-content/conditions/test-page/"},
      {"lastReviewed", {"2023-12-05T14:50:00+00:00", "2026-12-05"}},
      {"mainEntityOfPage",
       {{{"name", "section heading"},
         {"headline", "Heading"},
         {"mainEntityOfPage",
          {{{"@type", "WebPageElement"}, {"name", "markdown"}, {"text", html}}}}}}},
  };
  return page.dump();
}

absl::StatusOr<v1::PublishArticleRevisionRequest> ImportHtml(const std::string& html) {
  return importers::ImportNhsPage(PageWithHtml(html), "test.json");
}

void ExpectRefused(const absl::StatusOr<v1::PublishArticleRevisionRequest>& got,
                   absl::StatusCode code, const std::string& message) {
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), code);
  EXPECT_EQ(got.status().message(), message);
}

TEST(NhsImporterTest, MadeUpPageImports) {
  absl::StatusOr<v1::PublishArticleRevisionRequest> got = ImportHtml(
      "<p>Text with <b>bold</b>, <em>italic</em> and <a href=\"/conditions/x/\"><strong>a bold "
      "link</strong></a>.</p><ul><li>one</li><li><p>two</p><p>parts</p></li></ul>"
      "<h2>Second</h2><p>A <a href=\"tel:111\">phone number</a>, <a href=\"javascript:alert(1)\">"
      "a script link</a> and <a href=\"https://api.service.nhs.uk/nhs-website-content/x/\">an "
      "API link</a>.</p>");
  ASSERT_TRUE(got.ok()) << got.status();
  const v1::Article& article = got->article();
  EXPECT_EQ(article.name(), "articles/conditions-test-page");
  EXPECT_EQ(article.source_url(), "https://www.nhs.uk/conditions/test-page/");
  EXPECT_EQ(IsoDate(article.review_date()), "2023-12-05");
  EXPECT_EQ(IsoDate(article.next_review_date()), "2026-12-05");
  EXPECT_EQ(article.lead_size(), 0);
  ASSERT_EQ(article.sections_size(), 2);

  v1::Article want_sections;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        sections {
          heading: "Heading"
          blocks {
            paragraph {
              spans { text: "Text with " }
              spans { text: "bold" bold: true }
              spans { text: ", " }
              spans { text: "italic" italic: true }
              spans { text: " and " }
              spans { text: "a bold link" bold: true link_uri: "https://www.nhs.uk/conditions/x/" }
              spans { text: "." }
            }
          }
          blocks {
            bullet_list {
              items { spans { text: "one" } }
              items { spans { text: "two parts" } }
            }
          }
        }
        sections {
          heading: "Second"
          blocks {
            paragraph {
              spans { text: "A phone number, a script link and " }
              spans { text: "an API link" link_uri: "https://www.nhs.uk/x/" }
              spans { text: "." }
            }
          }
        }
      )pb",
      &want_sections));
  v1::Article got_sections;
  *got_sections.mutable_sections() = article.sections();
  std::string diff;
  google::protobuf::util::MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(want_sections, got_sections)) << diff;
}

TEST(NhsImporterTest, ScriptsAndStylesAreDropped) {
  absl::StatusOr<v1::PublishArticleRevisionRequest> got = ImportHtml(
      "<p>Before <script>alert(1)</script>after</p><style>p { color: red }</style>"
      "<SCRIPT type=\"text/javascript\">alert(2)</SCRIPT><noscript>alert(3)</noscript>"
      "<iframe src=\"https://example.com/\">alert(4)</iframe><p>End</p>");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(domain::ValidatePublishRequest(*got).ok());
  std::string json = importers::FormatInterchangeJson(*got);
  EXPECT_FALSE(absl::StrContains(json, "alert")) << json;
  EXPECT_FALSE(absl::StrContains(json, "color")) << json;
  const v1::Section& section = got->article().sections(0);
  ASSERT_EQ(section.blocks_size(), 2);
  EXPECT_EQ(SpansText(section.blocks(0).paragraph().spans()), "Before after");
  EXPECT_EQ(SpansText(section.blocks(1).paragraph().spans()), "End");
}

std::string Nested(const std::string& open, const std::string& close, int depth) {
  std::string html;
  for (int i = 0; i < depth; ++i) html += open;
  html += "deep";
  for (int i = 0; i < depth; ++i) html += close;
  return html;
}

TEST(NhsImporterTest, DeeplyNestedMarkupIsRefused) {
  const std::string kTooDeep = "test.json: section \"Heading\": HTML nests deeper than 64 elements";
  ExpectRefused(ImportHtml(Nested("<div>", "</div>", 2000)), kBroken, kTooDeep);
  ExpectRefused(ImportHtml(Nested("<div>", "", 100000)), kBroken, kTooDeep);
  ExpectRefused(ImportHtml(Nested("<b>", "", 100000)), kBroken, kTooDeep);
  ExpectRefused(ImportHtml(Nested("<span>", "</span>", 65)), kBroken, kTooDeep);
  // End tags that close nothing do not hide the nesting from the scan.
  ExpectRefused(ImportHtml(Nested("<div></nothing>", "", 100000)), kBroken, kTooDeep);
  // Formatting elements that a closing ancestor leaves for gumbo to reopen.
  std::string reopened;
  for (int i = 0; i < 20000; ++i) reopened += absl::StrCat("<div><b id=", i, "></div>");
  ExpectRefused(ImportHtml(reopened + "x"), kBroken, kTooDeep);

  // Under the limit is fine.
  absl::StatusOr<v1::PublishArticleRevisionRequest> got = ImportHtml(Nested("<div>", "</div>", 50));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(SpansText(got->article().sections(0).blocks(0).paragraph().spans()), "deep");
}

TEST(NhsImporterTest, BrokenJsonIsRefused) {
  std::string achalasia = CorpusFile("conditions-achalasia-no-params.json");
  for (size_t cut :
       {size_t{0}, size_t{1}, size_t{100}, achalasia.size() / 2, achalasia.size() - 2}) {
    absl::StatusOr<v1::PublishArticleRevisionRequest> got =
        importers::ImportNhsPage(achalasia.substr(0, cut), "cut.json");
    ASSERT_FALSE(got.ok()) << cut;
    EXPECT_EQ(got.status().code(), kBroken) << cut;
    EXPECT_THAT(std::string(got.status().message()), StartsWith("cut.json: is not valid JSON: "))
        << cut;
  }
  std::string junk;
  uint32_t x = 12345;
  for (int i = 0; i < 65536; ++i) {
    x = x * 1103515245 + 12345;
    junk.push_back(static_cast<char>(x >> 24));
  }
  for (const std::string& bytes :
       {junk, std::string("\x89PNG\r\n\x1a\n\0\0\0", 11), std::string("{\"name\": \"\xff\xfe\"}"),
        std::string(1000, '\0')}) {
    absl::StatusOr<v1::PublishArticleRevisionRequest> got =
        importers::ImportNhsPage(bytes, "junk.bin");
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), kBroken);
    EXPECT_THAT(std::string(got.status().message()), StartsWith("junk.bin: is not valid JSON: "));
    // The message quotes no raw junk back.
    for (char c : got.status().message()) {
      EXPECT_TRUE(c >= 0x20 && c < 0x7f) << static_cast<int>(c);
    }
  }
}

TEST(NhsImporterTest, WrongShapesAreRefused) {
  ExpectRefused(importers::ImportNhsPage("[1, 2, 3]", "a.json"), kBroken,
                "a.json: is not an NHS content API page: the JSON is array, not an object");
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  ExpectRefused(importers::ImportNhsPage(deep, "deep.json"), kBroken,
                "deep.json: is not an NHS content API page: the JSON is array, not an object");
  ExpectRefused(importers::ImportNhsPage(
                    R"({"@type": "MedicalWebPage", "name": 5, "lastReviewed": "x"})", "b.json"),
                kBroken, "b.json: has no name (the title)");
  nlohmann::json page = nlohmann::json::parse(PageWithHtml("<p>x</p>"));
  page.erase("lastReviewed");
  ExpectRefused(importers::ImportNhsPage(page.dump(), "c.json"), kBroken,
                "c.json: has no lastReviewed review date");
  page["lastReviewed"] = {"2023-02-30T00:00:00+00:00"};
  ExpectRefused(importers::ImportNhsPage(page.dump(), "d.json"), kBroken,
                "d.json: lastReviewed[0]: \"2023-02-30\" is not a real date");
  page["lastReviewed"] = {"2023-02-03", "2020-01-01"};
  absl::StatusOr<v1::PublishArticleRevisionRequest> got =
      importers::ImportNhsPage(page.dump(), "e.json");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), kBroken);
  EXPECT_THAT(got.status().message(), HasSubstr("e.json: article.next_review_date"));
  page["lastReviewed"] = {"2023-02-03"};
  page["url"] = "https://example.com/conditions/x/";
  ExpectRefused(importers::ImportNhsPage(page.dump(), "f.json"), kBroken,
                "f.json: has no nhs.uk address in webpage or url (got "
                "\"https://example.com/conditions/x/\")");
}

TEST(NhsImporterTest, OversizeInputIsRefusedBeforeParsing) {
  // Not even JSON: the size alone refuses it.
  std::string huge(100u << 20, '{');
  ExpectRefused(importers::ImportNhsPage(huge, "huge.json"), kBroken,
                absl::StrCat("huge.json: is ", huge.size(), " bytes; the limit is ",
                             importers::kMaxNhsPageBytes));
}

// ---------------------------------------------------------------------------
// Clinical codes: the page's own code[] and the code map.

TEST(NhsImporterTest, ThePagesOwnSnomedCodesAreReadAndEmptyOnesSkipped) {
  // The corpus's listing pages carry code[] with empty codeValue only; an
  // article page that fills it in, as the schema allows, is made up here.
  nlohmann::json page = nlohmann::json::parse(PageWithHtml("<p>Text.</p>"));
  page["code"] = {
      {{"@type", "MedicalCode"}, {"codeValue", "3928002"}, {"codingSystem", "SNOMED-CT"}},
      {{"@type", "MedicalCode"}, {"codeValue", ""}, {"codingSystem", "SNOMED-CT"}},
  };
  absl::StatusOr<v1::PublishArticleRevisionRequest> got =
      importers::ImportNhsPage(page.dump(), "coded.json");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->article().codes_size(), 1);
  EXPECT_EQ(got->article().codes(0).system(), "http://snomed.info/sct");
  EXPECT_EQ(got->article().codes(0).code(), "3928002");

  // A single object instead of an array is read too; a wrong check digit is
  // refused naming the code.
  page["code"] = {
      {"@type", "MedicalCode"}, {"codeValue", "3928003"}, {"codingSystem", "SNOMED-CT"}};
  got = importers::ImportNhsPage(page.dump(), "bad.json");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), kBroken);
  EXPECT_THAT(
      std::string(got.status().message()),
      ::testing::StartsWith("bad.json: article.codes[0].code: SNOMED CT code \"3928003\" "
                            "is malformed: the last digit is not its Verhoeff check digit"));
}

TEST(NhsImporterTest, TheCodeMapCodesPagesByTheirSourceUrl) {
  const std::string map_path = SourceDir() + "/data/code-maps/nhs.json";
  absl::StatusOr<importers::NhsCodeMap> map =
      importers::ParseNhsCodeMap(ReadFileOrDie(map_path), map_path);
  ASSERT_TRUE(map.ok()) << map.status();
  absl::StatusOr<v1::PublishArticleRevisionRequest> got = importers::ImportNhsPage(
      CorpusFile("conditions-achalasia-no-params.json"), "achalasia.json", &*map);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->article().codes_size(), 1);
  EXPECT_EQ(got->article().codes(0).system(), "http://hl7.org/fhir/sid/icd-10-cm");
  EXPECT_EQ(got->article().codes(0).code(), "K22.0");
  EXPECT_EQ(got->article().codes(0).display(), "Achalasia of cardia");
  // Every URL in the map is an article the corpus has, and every code is valid.
  EXPECT_EQ(map->size(), 9u);
  for (const auto& [url, codes] : *map) {
    EXPECT_TRUE(absl::StartsWith(url, "https://www.nhs.uk/")) << url;
    EXPECT_FALSE(codes.empty()) << url;
  }
  // A page the map does not name stays uncoded.
  got = importers::ImportNhsPage(CorpusFile("conditions-angiography-no-params.json"),
                                 "angiography.json", &*map);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->article().codes_size(), 0);
}

TEST(NhsImporterTest, ABadCodeMapIsRefusedNamingEachProblem) {
  absl::StatusOr<importers::NhsCodeMap> map = importers::ParseNhsCodeMap("[1, 2]", "map.json");
  ASSERT_FALSE(map.ok());
  EXPECT_EQ(map.status().code(), kBroken);
  EXPECT_THAT(std::string(map.status().message()),
              ::testing::StartsWith("map.json: is not a code map"));

  map = importers::ParseNhsCodeMap(
      R"({"pages": {"https://www.nhs.uk/a/": [{"system": "ICD10CM", "code": "K2"}],
                    "https://www.nhs.uk/b/": [{"system": "ICD9CM", "code": "530.0"}],
                    "https://www.nhs.uk/c/": "K22.0"}})",
      "map.json");
  ASSERT_FALSE(map.ok());
  google::rpc::BadRequest bad;
  ASSERT_TRUE(GetBadRequest(map.status(), &bad));
  std::vector<std::string> fields;
  for (const auto& v : bad.field_violations()) fields.push_back(v.field());
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre("pages[\"https://www.nhs.uk/a/\"][0].code",
                                                      "pages[\"https://www.nhs.uk/b/\"][0].system",
                                                      "pages[\"https://www.nhs.uk/c/\"]"));
}

}  // namespace
}  // namespace healthcontent
