// KnowledgeService over a real server (in-process channel) on a temp
// database loaded from data/ and the NHS pages with data/code-maps/nhs.json:
// clinical-code lookups by exact code, through therapy types and through
// ICD-10-CM ancestors, on past days, in preferred languages; the coding
// history; and every way a request can be refused.
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/knowledge_service.grpc.pb.h"
#include "importers/interchange.h"
#include "importers/nhs_importer.h"
#include "testing/seed.h"
#include "testing/test_env.h"
#include "testing/test_server.h"

namespace healthcontent {
namespace {

using ::healthcontent::testing::Context;
using ::healthcontent::testing::kAdminToken;
using ::healthcontent::testing::kPublisherToken;
using ::healthcontent::testing::ReadFileOrDie;
using ::healthcontent::testing::SourceDir;
using ::healthcontent::testing::TestServer;
using ::healthcontent::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kSeed[] = "articles/biological-therapy-for-cancer";
constexpr char kAchalasia[] = "articles/conditions-achalasia";
constexpr char kAcne[] = "articles/conditions-acne";

v1::Criterion Code(const std::string& system, const std::string& code) {
  v1::Criterion criterion;
  criterion.mutable_coding()->set_system(system);
  criterion.mutable_coding()->set_code(code);
  return criterion;
}

google::type::Date Day(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

class KnowledgeServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string nhs = SourceDir() + "/tests/fixtures/corpus/nhs-website-content-api/";
    const std::string map_path = SourceDir() + "/data/code-maps/nhs.json";
    absl::StatusOr<importers::NhsCodeMap> map =
        importers::ParseNhsCodeMap(ReadFileOrDie(map_path), map_path);
    ASSERT_TRUE(map.ok()) << map.status();
    for (const std::string& file :
         {nhs + "history/conditions-achalasia-no-params@5ca7285-lastReviewed-2020-12-24.json",
          nhs + "conditions-achalasia-no-params.json", nhs + "conditions-acne-no-params.json"}) {
      absl::StatusOr<v1::PublishArticleRevisionRequest> request =
          importers::ImportNhsPage(ReadFileOrDie(file), file, &*map);
      ASSERT_TRUE(request.ok()) << request.status();
      ASSERT_TRUE(Publish(*request).ok()) << file;
    }
  }

  grpc::Status Publish(const v1::PublishArticleRevisionRequest& request,
                       v1::Article* out = nullptr) {
    v1::Article ignored;
    return server_.articles().PublishArticleRevision(Context(kPublisherToken).get(), request,
                                                     out != nullptr ? out : &ignored);
  }

  // Looks up the criteria; fails the test unless the call succeeds.
  v1::RetrieveKnowledgeResponse Lookup(std::vector<v1::Criterion> criteria,
                                       v1::RetrieveKnowledgeRequest request = {}) {
    for (v1::Criterion& criterion : criteria) *request.add_criteria() = std::move(criterion);
    v1::RetrieveKnowledgeResponse response;
    grpc::Status status =
        server_.knowledge().RetrieveKnowledge(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status LookupStatus(const v1::RetrieveKnowledgeRequest& request) {
    v1::RetrieveKnowledgeResponse response;
    return server_.knowledge().RetrieveKnowledge(Context().get(), request, &response);
  }

  // "<article> <match type> <matched code> <therapy type>" per match.
  static std::vector<std::string> Summary(const v1::CriterionResult& result) {
    std::vector<std::string> out;
    for (const v1::KnowledgeMatch& m : result.matches()) {
      out.push_back(absl::StrCat(m.article(), " ", v1::MatchType_Name(m.match_type()), " ",
                                 m.matched_coding().code(), m.therapy_type().empty() ? "" : " ",
                                 m.therapy_type()));
    }
    return out;
  }

  TestServer server_;  // today is 2026-06-01
};

TEST_F(KnowledgeServiceTest, ExactCodeOnTheArticleWhateverTheSystemIsCalled) {
  for (const char* system :
       {"ICD10CM", "icd10cm", "2.16.840.1.113883.6.90", "urn:oid:2.16.840.1.113883.6.90",
        "http://hl7.org/fhir/sid/icd-10-cm"}) {
    v1::RetrieveKnowledgeResponse response = Lookup({Code(system, "z5112")});
    ASSERT_EQ(response.results_size(), 1) << system;
    const v1::CriterionResult& result = response.results(0);
    EXPECT_EQ(result.criterion().coding().system(), "http://hl7.org/fhir/sid/icd-10-cm");
    EXPECT_EQ(result.criterion().coding().code(), "Z51.12");
    EXPECT_THAT(Summary(result), ElementsAre(absl::StrCat(kSeed, " MATCH_TYPE_EXACT Z51.12")))
        << system;
  }
  v1::RetrieveKnowledgeResponse response = Lookup({Code("SNOMEDCT", "76334006")});
  ASSERT_EQ(response.results(0).matches_size(), 1);
  const v1::KnowledgeMatch& match = response.results(0).matches(0);
  EXPECT_EQ(match.article(), kSeed);
  EXPECT_EQ(match.title(), "Biological therapy for cancer");
  EXPECT_THAT(match.summary(), HasSubstr("immune system"));
  EXPECT_EQ(match.revision_id(), "2023-05-19");
  EXPECT_EQ(match.review_date().year(), 2023);
  EXPECT_EQ(match.review_status(), v1::Article::OVERDUE);  // next review 2026-05-19
  EXPECT_EQ(match.language_code(), "en");
  EXPECT_EQ(match.match_type(), v1::MATCH_TYPE_EXACT);
  EXPECT_EQ(match.matched_coding().system(), "http://snomed.info/sct");
  EXPECT_EQ(response.as_of().year(), 2026);
  EXPECT_EQ(response.audience(), v1::AUDIENCE_PATIENT);
}

TEST_F(KnowledgeServiceTest, ThroughATherapyTypeTheRevisionEmbeds) {
  // MeSH D016233 is on three of the seed article's therapy types, not on the
  // article: the first in the revision's order answers.
  v1::RetrieveKnowledgeResponse response = Lookup({Code("MESH", "d016233")});
  EXPECT_THAT(Summary(response.results(0)),
              ElementsAre(absl::StrCat(kSeed,
                                       " MATCH_TYPE_THERAPY_TYPE D016233 "
                                       "therapyTypes/bacillus-calmette-guerin-therapy")));
}

TEST_F(KnowledgeServiceTest, AnIcd10CmCodeBelowACodedCategoryFindsTheCategory) {
  // The acne page is coded L70 (the category); L70.0 is acne vulgaris.
  v1::RetrieveKnowledgeResponse response = Lookup({Code("ICD10CM", "L70.0")});
  EXPECT_THAT(Summary(response.results(0)),
              ElementsAre(absl::StrCat(kAcne, " MATCH_TYPE_ANCESTOR L70")));
  // Ancestors only: Z51.1 is the parent of the coded Z51.12, and a parent
  // does not find its children.
  response = Lookup({Code("ICD10CM", "Z51.1")});
  EXPECT_TRUE(response.results(0).matches().empty());
  response = Lookup({Code("ICD10CM", "K22.0")});
  EXPECT_THAT(Summary(response.results(0)),
              ElementsAre(absl::StrCat(kAchalasia, " MATCH_TYPE_EXACT K22.0")));
}

TEST_F(KnowledgeServiceTest, SeveralCriteriaAnsweredInOrder) {
  v1::RetrieveKnowledgeResponse response =
      Lookup({Code("ICD10CM", "K22.0"), Code("ICD10CM", "E11.65"), Code("ICD9CM", "530.0"),
              Code("SNOMEDCT", "76334006")});
  ASSERT_EQ(response.results_size(), 4);
  EXPECT_THAT(Summary(response.results(0)),
              ElementsAre(absl::StrCat(kAchalasia, " MATCH_TYPE_EXACT K22.0")));
  // An unknown code is an empty answer, not an error.
  EXPECT_TRUE(response.results(1).matches().empty());
  EXPECT_FALSE(response.results(1).system_not_held());
  // A system nothing here is coded in: empty, and said so.
  EXPECT_TRUE(response.results(2).matches().empty());
  EXPECT_TRUE(response.results(2).system_not_held());
  EXPECT_EQ(response.results(2).criterion().coding().system(), "http://hl7.org/fhir/sid/icd-9-cm");
  EXPECT_THAT(Summary(response.results(3)),
              ElementsAre(absl::StrCat(kSeed, " MATCH_TYPE_EXACT 76334006")));
}

TEST_F(KnowledgeServiceTest, AsOfAnswersWithTheRevisionInForceThatDay) {
  v1::RetrieveKnowledgeRequest request;
  *request.mutable_as_of() = Day(2019, 1, 1);  // before the first review
  EXPECT_TRUE(Lookup({Code("ICD10CM", "K22.0")}, request).results(0).matches().empty());
  *request.mutable_as_of() = Day(2021, 6, 1);
  v1::RetrieveKnowledgeResponse response = Lookup({Code("ICD10CM", "K22.0")}, request);
  ASSERT_EQ(response.results(0).matches_size(), 1);
  EXPECT_EQ(response.results(0).matches(0).revision_id(), "2020-12-24");
  EXPECT_EQ(response.as_of().year(), 2021);
  *request.mutable_as_of() = Day(2024, 1, 1);
  response = Lookup({Code("ICD10CM", "K22.0")}, request);
  ASSERT_EQ(response.results(0).matches_size(), 1);
  EXPECT_EQ(response.results(0).matches(0).revision_id(), "2023-12-05");
}

TEST_F(KnowledgeServiceTest, ANewCodingTakesEffectOnItsDayAndLeavesThePastAlone) {
  v1::SetArticleCodesRequest set;
  set.set_name(kSeed);
  *set.add_codes() = Code("SNOMEDCT", "76334006").coding();
  *set.mutable_effective_date() = Day(2026, 7, 1);
  v1::ArticleCoding coding;
  grpc::Status status =
      server_.knowledge().SetArticleCodes(Context(kPublisherToken).get(), set, &coding);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(coding.article(), kSeed);
  EXPECT_EQ(coding.source(), "SetArticleCodes");
  ASSERT_EQ(coding.codes_size(), 1);
  EXPECT_EQ(coding.codes(0).system(), "http://snomed.info/sct");

  // Until 1 July the article itself is coded Z51.12; from then on only its
  // therapy types are.
  v1::RetrieveKnowledgeRequest request;
  *request.mutable_as_of() = Day(2026, 6, 30);
  EXPECT_THAT(Summary(Lookup({Code("ICD10CM", "Z51.12")}, request).results(0)),
              ElementsAre(absl::StrCat(kSeed, " MATCH_TYPE_EXACT Z51.12")));
  *request.mutable_as_of() = Day(2026, 7, 1);
  EXPECT_THAT(Summary(Lookup({Code("ICD10CM", "Z51.12")}, request).results(0)),
              ElementsAre(absl::StrCat(kSeed,
                                       " MATCH_TYPE_THERAPY_TYPE Z51.12 "
                                       "therapyTypes/adoptive-cell-transfer")));

  v1::ListArticleCodingsRequest list;
  list.set_parent(kSeed);
  v1::ListArticleCodingsResponse history;
  ASSERT_TRUE(server_.knowledge().ListArticleCodings(Context().get(), list, &history).ok());
  ASSERT_EQ(history.codings_size(), 2);
  EXPECT_EQ(history.codings(0).effective_date().month(), 7);
  EXPECT_EQ(history.codings(1).source(), absl::StrCat(kSeed, "/revisions/2023-05-19"));
  EXPECT_EQ(history.codings(1).codes_size(), 2);

  // The past cannot be recoded, and writing needs a publisher.
  *set.mutable_effective_date() = Day(2026, 5, 31);
  status = server_.knowledge().SetArticleCodes(Context(kPublisherToken).get(), set, &coding);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("effective_date"));
  EXPECT_THAT(status.error_message(), HasSubstr("2026-05-31 is in the past"));
  status = server_.knowledge().SetArticleCodes(Context().get(), set, &coding);
  EXPECT_EQ(status.error_code(), grpc::UNAUTHENTICATED);
  set.set_name("articles/missing");
  set.clear_effective_date();
  status = server_.knowledge().SetArticleCodes(Context(kPublisherToken).get(), set, &coding);
  EXPECT_EQ(status.error_code(), grpc::NOT_FOUND);
}

TEST_F(KnowledgeServiceTest, ANewReviewsCodesWinOverAnEarlierCorrectionAndABackfillOnlyItsDays) {
  // A correction first: acne coded L70.9 from today (2026-06-01).
  v1::SetArticleCodesRequest set;
  set.set_name(kAcne);
  *set.add_codes() = Code("ICD10CM", "L70.9").coding();
  v1::ArticleCoding coding;
  ASSERT_TRUE(
      server_.knowledge().SetArticleCodes(Context(kPublisherToken).get(), set, &coding).ok());
  EXPECT_THAT(Summary(Lookup({Code("ICD10CM", "L70.9")}).results(0)),
              ElementsAre(absl::StrCat(kAcne, " MATCH_TYPE_EXACT L70.9")));

  // Then a new review, dated before today, coded L70.0: recorded later, it wins.
  const std::string nhs = SourceDir() + "/tests/fixtures/corpus/nhs-website-content-api/";
  absl::StatusOr<v1::PublishArticleRevisionRequest> review =
      importers::ImportNhsPage(ReadFileOrDie(nhs + "conditions-acne-no-params.json"), "acne.json");
  ASSERT_TRUE(review.ok()) << review.status();
  *review->mutable_article()->mutable_review_date() = Day(2026, 5, 1);
  review->mutable_article()->clear_next_review_date();
  *review->mutable_article()->add_codes() = Code("ICD10CM", "L70.0").coding();
  ASSERT_TRUE(Publish(*review).ok());
  EXPECT_THAT(Summary(Lookup({Code("ICD10CM", "L70.0")}).results(0)),
              ElementsAre(absl::StrCat(kAcne, " MATCH_TYPE_EXACT L70.0")));
  EXPECT_TRUE(Lookup({Code("ICD10CM", "L70.9")}).results(0).matches().empty());

  // A backfilled old review of achalasia with other codes changes only the
  // days it is in force.
  absl::StatusOr<v1::PublishArticleRevisionRequest> old = importers::ImportNhsPage(
      ReadFileOrDie(nhs + "conditions-achalasia-no-params.json"), "achalasia.json");
  ASSERT_TRUE(old.ok()) << old.status();
  *old->mutable_article()->mutable_review_date() = Day(2019, 1, 1);
  old->mutable_article()->clear_next_review_date();
  *old->mutable_article()->add_codes() = Code("ICD10CM", "K22.1").coding();
  ASSERT_TRUE(Publish(*old).ok());
  EXPECT_THAT(Summary(Lookup({Code("ICD10CM", "K22.0")}).results(0)),
              ElementsAre(absl::StrCat(kAchalasia, " MATCH_TYPE_EXACT K22.0")));
  EXPECT_TRUE(Lookup({Code("ICD10CM", "K22.1")}).results(0).matches().empty());
  v1::RetrieveKnowledgeRequest request;
  *request.mutable_as_of() = Day(2019, 6, 1);
  EXPECT_THAT(Summary(Lookup({Code("ICD10CM", "K22.1")}, request).results(0)),
              ElementsAre(absl::StrCat(kAchalasia, " MATCH_TYPE_EXACT K22.1")));
}

TEST_F(KnowledgeServiceTest, PreferredLanguagesSelectAndFallBack) {
  // A Spanish article coded like the seed.
  v1::PublishArticleRevisionRequest spanish = testing::SeedPublishRequest();
  spanish.mutable_article()->set_name("articles/terapia-biologica-contra-el-cancer");
  spanish.mutable_article()->set_title("Terapia biológica contra el cáncer");
  spanish.mutable_article()->set_language_code("es-MX");
  ASSERT_TRUE(Publish(spanish).ok());

  v1::RetrieveKnowledgeRequest request;
  request.add_language_codes("es");
  v1::RetrieveKnowledgeResponse response = Lookup({Code("ICD10CM", "Z51.12")}, request);
  EXPECT_THAT(Summary(response.results(0)),
              ElementsAre("articles/terapia-biologica-contra-el-cancer MATCH_TYPE_EXACT Z51.12"));
  EXPECT_FALSE(response.results(0).language_fallback());

  request.clear_language_codes();
  request.add_language_codes("fr");
  request.add_language_codes("en-US");
  response = Lookup({Code("ICD10CM", "Z51.12")}, request);
  EXPECT_THAT(Summary(response.results(0)),
              ElementsAre(absl::StrCat(kSeed, " MATCH_TYPE_EXACT Z51.12")));

  request.clear_language_codes();
  request.add_language_codes("fr");
  response = Lookup({Code("ICD10CM", "Z51.12")}, request);
  EXPECT_EQ(response.results(0).matches_size(), 2);
  EXPECT_TRUE(response.results(0).language_fallback());
}

TEST_F(KnowledgeServiceTest, AWithdrawnArticleIsNoLongerFound) {
  v1::WithdrawArticleRequest withdraw;
  withdraw.set_name(kAcne);
  google::protobuf::Empty empty;
  ASSERT_TRUE(
      server_.articles().WithdrawArticle(Context(kAdminToken).get(), withdraw, &empty).ok());
  EXPECT_TRUE(Lookup({Code("ICD10CM", "L70")}).results(0).matches().empty());
}

TEST_F(KnowledgeServiceTest, BadRequestsNameTheField) {
  struct Case {
    std::string name;
    std::vector<v1::Criterion> criteria;
    std::function<void(v1::RetrieveKnowledgeRequest*)> change;
    std::vector<std::string> fields;
  };
  const std::vector<Case> cases = {
      {"no criteria", {}, nullptr, {"criteria"}},
      {"unknown system", {Code("ICD11", "K22.0")}, nullptr, {"criteria[0].coding.system"}},
      {"no system", {Code("", "K22.0")}, nullptr, {"criteria[0].coding.system"}},
      {"bad ICD-10-CM",
       {Code("ICD10CM", "K22.0"), Code("ICD10CM", "22K")},
       nullptr,
       {"criteria[1].coding.code"}},
      {"bad SNOMED check digit",
       {Code("SNOMEDCT", "76334007")},
       nullptr,
       {"criteria[0].coding.code"}},
      {"bad LOINC check digit", {Code("LOINC", "2345-8")}, nullptr, {"criteria[0].coding.code"}},
      {"no code", {Code("LOINC", "")}, nullptr, {"criteria[0].coding.code"}},
      {"too many results",
       {Code("ICD10CM", "K22.0")},
       [](v1::RetrieveKnowledgeRequest* r) { r->set_max_results(51); },
       {"max_results"}},
      {"bad language",
       {Code("ICD10CM", "K22.0")},
       [](v1::RetrieveKnowledgeRequest* r) { r->add_language_codes("english please"); },
       {"language_codes[0]"}},
      {"bad day",
       {Code("ICD10CM", "K22.0")},
       [](v1::RetrieveKnowledgeRequest* r) { *r->mutable_as_of() = Day(2023, 2, 30); },
       {"as_of"}},
      {"control characters in display",
       {[] {
         v1::Criterion c = Code("ICD10CM", "K22.0");
         c.mutable_coding()->set_display("a\x1b[31mred");
         return c;
       }()},
       nullptr,
       {"criteria[0].coding.display"}},
      {"not-held system without a code",
       {Code("ICD9CM", "")},
       nullptr,
       {"criteria[0].coding.code"}},
      {"not-held system with a long code",
       {Code("NDC", std::string(65, '1'))},
       nullptr,
       {"criteria[0].coding.code"}},
      {"bad audience",
       {Code("ICD10CM", "K22.0")},
       [](v1::RetrieveKnowledgeRequest* r) { r->set_audience(static_cast<v1::Audience>(9)); },
       {"audience"}},
  };
  for (const Case& c : cases) {
    v1::RetrieveKnowledgeRequest request;
    for (const v1::Criterion& criterion : c.criteria) *request.add_criteria() = criterion;
    if (c.change) c.change(&request);
    grpc::Status status = LookupStatus(request);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT) << c.name;
    EXPECT_EQ(ViolatedFields(status), c.fields) << c.name << ": " << status.error_message();
  }
  v1::RetrieveKnowledgeRequest too_many;
  for (int i = 0; i < 21; ++i) *too_many.add_criteria() = Code("ICD10CM", "K22.0");
  EXPECT_THAT(ViolatedFields(LookupStatus(too_many)), ElementsAre("criteria"));
  // Hostile input: a 100 KB code and NUL bytes are refused, and the message
  // echoes only a short, printable part.
  v1::RetrieveKnowledgeRequest hostile;
  *hostile.add_criteria() = Code("ICD10CM", std::string(100000, 'K'));
  *hostile.add_criteria() = Code("SNOMEDCT", std::string("7633\0"
                                                         "4006",
                                                         9));
  grpc::Status refused = LookupStatus(hostile);
  EXPECT_EQ(refused.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(refused),
              ElementsAre("criteria[0].coding.code", "criteria[1].coding.code"));
  EXPECT_LT(refused.error_message().size(), 600u);
  EXPECT_THAT(refused.error_message(), HasSubstr("... (100000 bytes)"));
  v1::RetrieveKnowledgeRequest snomed;
  *snomed.add_criteria() = Code("SNOMEDCT", "76334007");
  EXPECT_THAT(LookupStatus(snomed).error_message(),
              HasSubstr("the last digit is not its Verhoeff check digit"));
}

TEST_F(KnowledgeServiceTest, PublishAndUpsertCheckAndNormalizeCodes) {
  v1::PublishArticleRevisionRequest request = testing::SeedPublishRequest();
  request.mutable_article()->set_name("articles/coded-by-hand");
  request.mutable_article()->clear_codes();
  *request.mutable_article()->add_codes() = Code("ICD10CM", "k220").coding();
  *request.mutable_article()->add_codes() = Code("ICD9CM", "530.0").coding();
  *request.mutable_article()->add_codes() = Code("SNOMEDCT", "76334007").coding();
  grpc::Status status = Publish(request);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("article.codes[1].system", "article.codes[2].code"));
  // Nothing was written: the article does not exist.
  v1::GetArticleRequest get;
  get.set_name("articles/coded-by-hand");
  v1::Article article;
  EXPECT_EQ(server_.articles().GetArticle(Context().get(), get, &article).error_code(),
            grpc::NOT_FOUND);

  request.mutable_article()->mutable_codes()->DeleteSubrange(1, 2);
  v1::Article stored;
  status = Publish(request, &stored);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(stored.codes_size(), 1);
  EXPECT_EQ(stored.codes(0).system(), "http://hl7.org/fhir/sid/icd-10-cm");
  EXPECT_EQ(stored.codes(0).code(), "K22.0");
  EXPECT_THAT(Summary(Lookup({Code("ICD10CM", "K22.0")}).results(0)),
              ElementsAre(absl::StrCat(kAchalasia, " MATCH_TYPE_EXACT K22.0"),
                          "articles/coded-by-hand MATCH_TYPE_EXACT K22.0"));

  v1::UpsertTherapyTypeRequest upsert;
  upsert.mutable_therapy_type()->set_name("therapyTypes/gene-therapy");
  upsert.mutable_therapy_type()->set_display_name("Gene therapy");
  *upsert.mutable_therapy_type()->add_codes() = Code("NCIT", "C1234567890").coding();
  v1::TherapyType type;
  status = server_.therapy_types().UpsertTherapyType(Context(kPublisherToken).get(), upsert, &type);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("therapy_type.codes[0].code"));
}

}  // namespace
}  // namespace healthcontent
