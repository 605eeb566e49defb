// Relevance on a small judged set: every article page of the NHS website
// content API sample (tests/fixtures/corpus/nhs-website-content-api) and the
// seed article, and 20 queries a reader might type, each with the articles
// that reader would expect among the first three results. The judgements
// were written from the articles' subjects, before the engine was asked.
//
// Measured per query: precision@3, the share of the first three results
// that are expected, out of the most that could be (min(3, expected)), so
// that a query with one right answer scores 1 when it is in the top 3.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "importers/nhs_importer.h"
#include "testing/test_env.h"
#include "testing/test_server.h"

namespace healthcontent {
namespace {

using ::healthcontent::testing::Context;
using ::healthcontent::testing::kPublisherToken;
using ::healthcontent::testing::ReadFileOrDie;
using ::healthcontent::testing::SourceDir;
using ::healthcontent::testing::TestServer;

struct Judged {
  const char* query;
  std::vector<std::string> expected;  // slugs, any order
};

const std::vector<Judged>& JudgedQueries() {
  static const auto* const kQueries = new std::vector<Judged>{
      {"dark thick patches of skin", {"conditions-acanthosis-nigricans"}},
      {"spots and oily skin", {"conditions-acne"}},
      {"difficulty swallowing food", {"conditions-achalasia"}},
      {"x-ray of blood vessels", {"conditions-angiography"}},
      {"mosquito bites abroad", {"conditions-zika"}},
      {"tumour", {"conditions-cancer", "biological-therapy-for-cancer"}},
      {"chemotherapy", {"conditions-cancer", "biological-therapy-for-cancer"}},
      {"immunotherapy", {"biological-therapy-for-cancer"}},
      {"monoclonal antibodies", {"biological-therapy-for-cancer"}},
      {"condom", {"contraception-methods-of-contraception-condoms"}},
      {"contraceptive pill", {"contraception-methods-of-contraception-combined-pill-what-is-it"}},
      {"drinking too much alcohol", {"live-well-alcohol-advice-alcohol-support"}},
      {"antihistamine for hay fever", {"medicines-acrivastine"}},
      {"bullied by my manager",
       {"mental-health-advice-for-life-situations-and-events-support-for-workplace-bullying"}},
      {"register with a doctor", {"nhs-services-gps-how-to-register-with-a-gp-surgery"}},
      {"pregnancy test", {"pregnancy-finding-out-finding-out-you-are-pregnant"}},
      {"adult social care needs assessment",
       {"social-care-and-support-introduction-to-care-and-support"}},
      {"whooping cough vaccine for babies",
       {"vaccinations-6-in-1-vaccine", "vaccinations-nhs-vaccinations-and-when-to-have-them"}},
      {"vaccines before travelling",
       {"vaccinations-travel-vaccinations-available-travel-vaccines"}},
      {"when to have vaccinations",
       {"vaccinations-nhs-vaccinations-and-when-to-have-them", "vaccinations-6-in-1-vaccine"}},
  };
  return *kQueries;
}

class SearchRelevanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.SetToday(2026, 1, 1);
    const std::string nhs = SourceDir() + "/tests/fixtures/corpus/nhs-website-content-api";
    for (const auto& entry : std::filesystem::directory_iterator(nhs)) {
      if (entry.path().extension() != ".json") continue;
      const std::string file = entry.path().string();
      absl::StatusOr<v1::PublishArticleRevisionRequest> request =
          importers::ImportNhsPage(ReadFileOrDie(file), file);
      // Listings, error responses and module-only pages are not articles.
      if (!request.ok()) continue;
      v1::Article out;
      grpc::Status status =
          server_.articles().PublishArticleRevision(Context(kPublisherToken).get(), *request, &out);
      ASSERT_TRUE(status.ok()) << file << ": " << status.error_message();
      ++imported_;
    }
    ASSERT_TRUE(server_.server().CatchUpSearchIndex().ok());
  }

  // The slugs of the first three results.
  std::vector<std::string> Top3(const std::string& query) {
    v1::SearchArticlesRequest request;
    request.set_query(query);
    request.set_page_size(3);
    v1::SearchArticlesResponse response;
    grpc::Status status = server_.articles().SearchArticles(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << query << ": " << status.error_message();
    std::vector<std::string> slugs;
    for (const v1::SearchResult& result : response.results()) {
      slugs.push_back(result.article().name().substr(std::string("articles/").size()));
    }
    return slugs;
  }

  TestServer server_;
  int imported_ = 0;
};

TEST_F(SearchRelevanceTest, JudgedQueriesFindWhatAReaderExpectsInTheTopThree) {
  // The sample holds 17 article pages (the rest are listings, or pages without
  // a review date); with the seed from data/, 18 articles.
  ASSERT_EQ(imported_, 17);
  double sum = 0;
  std::string table;
  for (const Judged& judged : JudgedQueries()) {
    std::vector<std::string> top = Top3(judged.query);
    int hits = 0;
    for (const std::string& slug : top) {
      if (std::find(judged.expected.begin(), judged.expected.end(), slug) !=
          judged.expected.end()) {
        ++hits;
      }
    }
    const int best = std::min<int>(3, judged.expected.size());
    const double precision = static_cast<double>(hits) / best;
    sum += precision;
    absl::StrAppend(&table, absl::StrFormat("  %.2f  %-36s -> %s\n", precision, judged.query,
                                            absl::StrJoin(top, ", ")));
    // Every query has its first expected article among the top three.
    EXPECT_NE(std::find(top.begin(), top.end(), judged.expected.front()), top.end())
        << judged.query << " -> " << absl::StrJoin(top, ", ");
  }
  const double mean = sum / JudgedQueries().size();
  std::printf("precision@3 per query:\n%smean precision@3: %.3f over %zu queries\n", table.c_str(),
              mean, JudgedQueries().size());
  EXPECT_GE(mean, 0.9) << table;
}

}  // namespace
}  // namespace healthcontent
