// Translations, audiences and reading levels over a real server
// (in-process channel): language negotiation in GetArticle and lookups,
// stale translations in the field, the filter and the feed, and the
// readability figures every revision carries.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "domain/article_rules.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/change_service.grpc.pb.h"
#include "testing/seed.h"
#include "testing/test_env.h"
#include "testing/test_server.h"

namespace healthcontent {
namespace {

using ::healthcontent::testing::Context;
using ::healthcontent::testing::kPublisherToken;
using ::healthcontent::testing::TestServer;
using ::healthcontent::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kSeed[] = "articles/biological-therapy-for-cancer";
constexpr char kSeedRevision[] = "2023-05-19";

// A translation of the seed's revision `source_revision` into `language`,
// reviewed on `day`.
v1::PublishArticleRevisionRequest Translation(const std::string& slug, const std::string& language,
                                              const std::string& source_revision,
                                              absl::CivilDay day) {
  v1::PublishArticleRevisionRequest request = testing::SeedPublishRequest();
  v1::Article* article = request.mutable_article();
  article->set_name("articles/" + slug);
  article->set_language_code(language);
  article->set_title("Terapia biológica contra el cáncer");
  article->clear_codes();
  *article->mutable_review_date() = ToProtoDate(day);
  article->clear_next_review_date();
  article->mutable_translation_of()->set_article(kSeed);
  article->mutable_translation_of()->set_revision_id(source_revision);
  return request;
}

// A new review of the seed on `day`.
v1::PublishArticleRevisionRequest SeedReview(absl::CivilDay day, v1::ChangeType type) {
  v1::PublishArticleRevisionRequest request = testing::SeedPublishRequest();
  *request.mutable_article()->mutable_review_date() = ToProtoDate(day);
  request.mutable_article()->clear_next_review_date();
  request.mutable_article()->set_summary(absl::StrCat("Reviewed on ", FormatIsoDate(day), "."));
  request.set_change_type(type);
  return request;
}

class LanguageServiceTest : public ::testing::Test {
 protected:
  LanguageServiceTest()
      : changes_(v1::ChangeService::NewStub(server_.server().InProcessChannel())) {}

  grpc::Status Publish(const v1::PublishArticleRevisionRequest& request) {
    v1::Article ignored;
    return server_.articles().PublishArticleRevision(Context(kPublisherToken).get(), request,
                                                     &ignored);
  }
  void MustPublish(const v1::PublishArticleRevisionRequest& request) {
    grpc::Status status = Publish(request);
    ASSERT_TRUE(status.ok()) << request.article().name() << ": " << status.error_message();
  }

  grpc::Status Get(const std::string& name, std::vector<std::string> languages, v1::Article* out,
                   bool no_fallback = false, std::string as_of = "") {
    v1::GetArticleRequest request;
    request.set_name(name);
    for (std::string& language : languages) request.add_language_codes(std::move(language));
    request.set_no_language_fallback(no_fallback);
    request.set_view(v1::ARTICLE_VIEW_BASIC);
    if (!as_of.empty()) *request.mutable_as_of() = ToProtoDate(*ParseIsoDate(as_of));
    return server_.articles().GetArticle(Context().get(), request, out);
  }
  // "name language fallback status" of the answer.
  std::string Served(const std::string& name, std::vector<std::string> languages,
                     std::string as_of = "") {
    v1::Article article;
    grpc::Status status = Get(name, std::move(languages), &article, false, as_of);
    if (!status.ok())
      return absl::StrCat("error ", status.error_code(), ": ", status.error_message());
    return absl::StrCat(article.name(), " ", article.language_code(),
                        article.language_fallback() ? " fallback " : " ",
                        v1::Article::TranslationStatus_Name(article.translation_status()));
  }

  std::vector<std::string> ListNames(const std::string& filter) {
    v1::ListArticlesRequest request;
    request.set_filter(filter);
    v1::ListArticlesResponse response;
    grpc::Status status = server_.articles().ListArticles(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << filter << ": " << status.error_message();
    std::vector<std::string> names;
    for (const v1::Article& a : response.articles()) names.push_back(a.name());
    return names;
  }

  // "resource revision effective-date" of each TRANSLATION_STALE change.
  std::vector<std::string> StaleChanges() {
    v1::ListChangesRequest request;
    v1::ListChangesResponse response;
    grpc::Status status = changes_->ListChanges(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> out;
    for (const v1::Change& c : response.changes()) {
      if (c.kind() != v1::Change::TRANSLATION_STALE) continue;
      out.push_back(absl::StrCat(c.resource(), " ", c.revision_id(), " ",
                                 FormatIsoDate(*FromProtoDate(c.effective_date()))));
      EXPECT_THAT(c.etag(), ::testing::MatchesRegex("[0-9a-f]{20}-stale"));
    }
    return out;
  }

  TestServer server_;  // today is 2026-06-01; the seed (en, 2023-05-19) is loaded
  std::unique_ptr<v1::ChangeService::Stub> changes_;
};

TEST_F(LanguageServiceTest, ServesThePreferredLanguageWithRegionAndSourceFallback) {
  MustPublish(Translation("biological-therapy-for-cancer-es", "es", kSeedRevision,
                          absl::CivilDay(2024, 1, 10)));
  MustPublish(Translation("biological-therapy-for-cancer-pt-br", "pt-BR", kSeedRevision,
                          absl::CivilDay(2024, 2, 1)));
  const std::string es = "articles/biological-therapy-for-cancer-es";
  const std::string pt = "articles/biological-therapy-for-cancer-pt-br";

  EXPECT_EQ(Served(kSeed, {}), absl::StrCat(kSeed, " en TRANSLATION_STATUS_UNSPECIFIED"));
  EXPECT_EQ(Served(kSeed, {"es"}), es + " es TRANSLATION_CURRENT");
  EXPECT_EQ(Served(kSeed, {"ES"}), es + " es TRANSLATION_CURRENT");
  // Region fallback both ways: es-MX takes es, pt takes pt-BR.
  EXPECT_EQ(Served(kSeed, {"es-MX"}), es + " es TRANSLATION_CURRENT");
  EXPECT_EQ(Served(kSeed, {"pt"}), pt + " pt-BR TRANSLATION_CURRENT");
  EXPECT_EQ(Served(kSeed, {"de", "pt-PT", "es"}), pt + " pt-BR TRANSLATION_CURRENT");
  // Asking for the source's own language.
  EXPECT_EQ(Served(kSeed, {"en-GB"}), absl::StrCat(kSeed, " en TRANSLATION_STATUS_UNSPECIFIED"));
  // From a translation: to the source, or to a sibling translation.
  EXPECT_EQ(Served(es, {"en"}), absl::StrCat(kSeed, " en TRANSLATION_STATUS_UNSPECIFIED"));
  EXPECT_EQ(Served(es, {"pt-BR"}), pt + " pt-BR TRANSLATION_CURRENT");
  // Nothing in the reader's languages: the source, flagged.
  EXPECT_EQ(Served(kSeed, {"de", "fr"}),
            absl::StrCat(kSeed, " en fallback TRANSLATION_STATUS_UNSPECIFIED"));
  EXPECT_EQ(Served(es, {"de"}), absl::StrCat(kSeed, " en fallback TRANSLATION_STATUS_UNSPECIFIED"));
  // as_of works per language: before the Spanish text existed, English.
  EXPECT_EQ(Served(kSeed, {"es"}, "2023-12-31"),
            absl::StrCat(kSeed, " en fallback TRANSLATION_STATUS_UNSPECIFIED"));
  EXPECT_EQ(Served(kSeed, {"es"}, "2024-01-10"), es + " es TRANSLATION_CURRENT");

  v1::Article article;
  grpc::Status refused = Get(kSeed, {"de", "fr"}, &article, /*no_fallback=*/true);
  EXPECT_EQ(refused.error_code(), grpc::NOT_FOUND);
  EXPECT_EQ(refused.error_message(),
            "articles/biological-therapy-for-cancer has no translation in force on 2026-06-01 in "
            "de, fr (available: en, es, pt-BR), and no_language_fallback refuses the others");
  ASSERT_TRUE(Get(kSeed, {"es"}, &article, /*no_fallback=*/true).ok());
  EXPECT_EQ(article.name(), es);
  EXPECT_FALSE(article.language_fallback());
  EXPECT_EQ(article.translation_of().article(), kSeed);
  EXPECT_EQ(article.translation_of().revision_id(), kSeedRevision);
  EXPECT_EQ(article.audience(), v1::AUDIENCE_PATIENT);

  grpc::Status bad = Get(kSeed, {"es", "not a tag"}, &article);
  EXPECT_EQ(bad.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(bad), ElementsAre("language_codes[1]"));
  EXPECT_EQ(
      bad.error_message(),
      "language_codes[1]: \"not a tag\" is not a BCP-47 language tag like \"es\" or \"en-US\"");
  grpc::Status many = Get(kSeed, std::vector<std::string>(11, "es"), &article);
  EXPECT_EQ(many.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(many.error_message(), "language_codes: has 11 entries; the limit is 10");
}

TEST_F(LanguageServiceTest, PublishRefusesTranslationsThatCannotBe) {
  auto expect_refused = [&](const v1::PublishArticleRevisionRequest& request,
                            const std::string& field, const std::string& message) {
    grpc::Status status = Publish(request);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT) << message;
    EXPECT_THAT(ViolatedFields(status), ElementsAre(field));
    EXPECT_EQ(status.error_message(), absl::StrCat(field, ": ", message));
  };
  const absl::CivilDay day(2024, 1, 10);
  v1::PublishArticleRevisionRequest request = Translation("x-es", "es", kSeedRevision, day);
  request.mutable_article()->mutable_translation_of()->set_article("articles/no-such-article");
  expect_refused(request, "article.translation_of.article",
                 "articles/no-such-article does not exist; publish the source before its "
                 "translations");
  request = Translation("x-es", "es", "2020-01-01", day);
  expect_refused(request, "article.translation_of.revision_id",
                 "articles/biological-therapy-for-cancer/revisions/2020-01-01 does not exist");
  request = Translation("x-es", "es", "2020-13-01", day);
  expect_refused(request, "article.translation_of.revision_id",
                 "\"2020-13-01\" is not a revision id (YYYY-MM-DD)");
  request = Translation("x-es", "en", kSeedRevision, day);
  expect_refused(request, "article.language_code",
                 "is \"en\", the language of articles/biological-therapy-for-cancer; a "
                 "translation is in another language");
  request = Translation("x-es", "", kSeedRevision, day);
  expect_refused(request, "article.language_code",
                 "is required for a translation (article.translation_of)");
  request = Translation("biological-therapy-for-cancer", "es", kSeedRevision, day);
  expect_refused(request, "article.translation_of.article", "names the article itself");

  MustPublish(Translation("x-es", "es", kSeedRevision, day));
  request = Translation("x-fr", "fr", "2024-01-10", day);
  request.mutable_article()->mutable_translation_of()->set_article("articles/x-es");
  expect_refused(request, "article.translation_of.article",
                 "articles/x-es is itself a translation (of "
                 "articles/biological-therapy-for-cancer); name the original as the source");
  // The seed has a translation now, so it cannot become one.
  request = SeedReview(absl::CivilDay(2023, 5, 19), v1::CHANGE_TYPE_CLINICAL_REVIEW);
  request.mutable_article()->set_name("articles/other");
  MustPublish(request);
  request = SeedReview(absl::CivilDay(2025, 1, 1), v1::CHANGE_TYPE_CLINICAL_REVIEW);
  request.mutable_article()->set_language_code("de");
  request.mutable_article()->mutable_translation_of()->set_article("articles/other");
  request.mutable_article()->mutable_translation_of()->set_revision_id("2023-05-19");
  expect_refused(request, "article.translation_of",
                 "articles/biological-therapy-for-cancer is the source of translations "
                 "(articles/x-es), so it cannot be a translation itself");
  request = Translation("x-de", "de", kSeedRevision, day);
  request.mutable_article()->set_audience(static_cast<v1::Audience>(7));
  expect_refused(request, "article.audience", "7 is not an Audience value");
  request = Translation("x-de", "de", kSeedRevision, day);
  request.mutable_article()->set_audience_counterpart("nonsense");
  expect_refused(request, "article.audience_counterpart", "must look like \"articles/{slug}\"");
  // Nothing was stored by the refusals.
  EXPECT_THAT(ListNames("translation_of = \"articles/biological-therapy-for-cancer\""),
              ElementsAre("articles/x-es"));
}

TEST_F(LanguageServiceTest, ANewClinicalReviewMakesTheTranslationStaleButAnEditorialOneDoesNot) {
  const std::string es = "articles/biological-therapy-for-cancer-es";
  MustPublish(Translation("biological-therapy-for-cancer-es", "es", kSeedRevision,
                          absl::CivilDay(2024, 1, 10)));
  EXPECT_THAT(ListNames("translation_status = CURRENT"), ElementsAre(es));
  EXPECT_THAT(ListNames("translation_status = STALE"), IsEmpty());

  MustPublish(SeedReview(absl::CivilDay(2025, 3, 1), v1::CHANGE_TYPE_EDITORIAL));
  EXPECT_EQ(Served(es, {}), es + " es TRANSLATION_CURRENT");
  v1::Article current;
  ASSERT_TRUE(Get(es, {}, &current).ok());
  const std::string current_etag = current.etag();
  ASSERT_EQ(current_etag.size(), 20u);
  EXPECT_THAT(StaleChanges(), IsEmpty());

  MustPublish(SeedReview(absl::CivilDay(2026, 1, 15), v1::CHANGE_TYPE_CLINICAL_REVIEW));
  EXPECT_EQ(Served(es, {}), es + " es TRANSLATION_STALE");
  EXPECT_EQ(Served(kSeed, {"es"}), es + " es TRANSLATION_STALE");
  // The served etag changes with the status, so a conditional read of the
  // current copy is not told "not modified".
  {
    v1::GetArticleRequest request;
    request.set_name(es);
    request.set_if_none_match(current_etag);
    v1::Article answer;
    ASSERT_TRUE(server_.articles().GetArticle(Context().get(), request, &answer).ok());
    EXPECT_FALSE(answer.not_modified());
    EXPECT_EQ(answer.etag(), current_etag + "-stale");
    EXPECT_GT(answer.sections_size(), 0);
    request.set_if_none_match(answer.etag());
    ASSERT_TRUE(server_.articles().GetArticle(Context().get(), request, &answer).ok());
    EXPECT_TRUE(answer.not_modified());
    EXPECT_EQ(answer.etag(), current_etag + "-stale");
    v1::ListArticlesRequest list;
    list.set_filter("translation_status = STALE");
    v1::ListArticlesResponse listed;
    ASSERT_TRUE(server_.articles().ListArticles(Context().get(), list, &listed).ok());
    ASSERT_EQ(listed.articles_size(), 1);
    EXPECT_EQ(listed.articles(0).etag(), current_etag + "-stale");
    EXPECT_EQ(listed.articles(0).translation_status(), v1::Article::TRANSLATION_STALE);
    v1::SearchArticlesRequest search;
    search.set_query("terapia");
    v1::SearchArticlesResponse found;
    // The index follows commits in the background: let it catch up first.
    ASSERT_TRUE(server_.server().CatchUpSearchIndex().ok());
    ASSERT_TRUE(server_.articles().SearchArticles(Context().get(), search, &found).ok());
    ASSERT_EQ(found.results_size(), 1);
    EXPECT_EQ(found.results(0).article().name(), es);
    EXPECT_EQ(found.results(0).article().translation_status(), v1::Article::TRANSLATION_STALE);
    EXPECT_EQ(found.results(0).article().etag(), current_etag + "-stale");
  }
  // Per day: before the new review the translation was current.
  EXPECT_EQ(Served(es, {}, "2026-01-14"), es + " es TRANSLATION_CURRENT");
  EXPECT_THAT(ListNames("translation_status = STALE"), ElementsAre(es));
  EXPECT_THAT(ListNames("translation_status = CURRENT"), IsEmpty());
  EXPECT_THAT(ListNames("language_code = \"es\" AND translation_status != STALE"), IsEmpty());
  EXPECT_THAT(StaleChanges(), ElementsAre(es + " 2024-01-10 2026-01-15"));

  // A second clinical review does not announce it again.
  MustPublish(SeedReview(absl::CivilDay(2026, 2, 1), v1::CHANGE_TYPE_CLINICAL_REVIEW));
  EXPECT_THAT(StaleChanges(), ElementsAre(es + " 2024-01-10 2026-01-15"));

  // Translating the newest review brings it level.
  MustPublish(Translation("biological-therapy-for-cancer-es", "es", "2026-02-01",
                          absl::CivilDay(2026, 3, 1)));
  EXPECT_EQ(Served(es, {}), es + " es TRANSLATION_CURRENT");
  EXPECT_THAT(ListNames("translation_status = STALE"), IsEmpty());
}

TEST_F(LanguageServiceTest, AScheduledClinicalReviewMakesTheTranslationStaleOnItsDay) {
  const std::string es = "articles/biological-therapy-for-cancer-es";
  MustPublish(Translation("biological-therapy-for-cancer-es", "es", kSeedRevision,
                          absl::CivilDay(2024, 1, 10)));
  MustPublish(SeedReview(absl::CivilDay(2026, 7, 1), v1::CHANGE_TYPE_CLINICAL_REVIEW));
  EXPECT_EQ(Served(es, {}), es + " es TRANSLATION_CURRENT");
  EXPECT_EQ(Served(es, {}, "2026-07-01"), es + " es TRANSLATION_STALE");
  EXPECT_THAT(ListNames("translation_status = STALE"), IsEmpty());
  EXPECT_THAT(StaleChanges(), IsEmpty());

  server_.SetToday(2026, 7, 1);
  EXPECT_THAT(ListNames("translation_status = STALE"), ElementsAre(es));  // applies the schedule
  EXPECT_EQ(Served(es, {}), es + " es TRANSLATION_STALE");
  EXPECT_THAT(StaleChanges(), ElementsAre(es + " 2024-01-10 2026-07-01"));
}

TEST_F(LanguageServiceTest, EveryRevisionCarriesReadabilityFiguresThatFiltersUse) {
  MustPublish(Translation("biological-therapy-for-cancer-es", "es", kSeedRevision,
                          absl::CivilDay(2024, 1, 10)));
  v1::Article en;
  ASSERT_TRUE(Get(kSeed, {}, &en).ok());
  const v1::Readability& r = en.readability();
  EXPECT_EQ(r.ease_formula(), v1::Readability::FLESCH);
  ASSERT_GT(r.words(), 300);
  ASSERT_GT(r.sentences(), 15);
  ASSERT_GT(r.syllables(), r.words());
  ASSERT_TRUE(r.has_flesch_kincaid_grade());
  const double words_per_sentence = double(r.words()) / r.sentences();
  const double syllables_per_word = double(r.syllables()) / r.words();
  EXPECT_NEAR(r.flesch_kincaid_grade(),
              0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59, 0.006);
  EXPECT_NEAR(r.reading_ease(), 206.835 - 1.015 * words_per_sentence - 84.6 * syllables_per_word,
              0.006);

  v1::Article es;
  ASSERT_TRUE(Get("articles/biological-therapy-for-cancer-es", {}, &es).ok());
  EXPECT_EQ(es.readability().ease_formula(), v1::Readability::FERNANDEZ_HUERTA);
  EXPECT_FALSE(es.readability().has_flesch_kincaid_grade());

  const std::string grade = absl::StrCat(r.flesch_kincaid_grade());
  EXPECT_THAT(ListNames(absl::StrCat("reading_grade = ", grade)), ElementsAre(kSeed));
  EXPECT_THAT(ListNames(absl::StrCat("reading_grade > ", grade)), IsEmpty());
  EXPECT_THAT(ListNames("reading_grade > -100"), ElementsAre(kSeed));  // English only
  EXPECT_THAT(ListNames("reading_ease > -1000"),
              ElementsAre(kSeed, "articles/biological-therapy-for-cancer-es"));
  EXPECT_THAT(ListNames("audience = PATIENT AND reading_ease < -1000"), IsEmpty());
  EXPECT_THAT(ListNames("audience = PROFESSIONAL"), IsEmpty());
  EXPECT_THAT(ListNames("audience = AUDIENCE_PATIENT"),
              ElementsAre(kSeed, "articles/biological-therapy-for-cancer-es"));

  v1::ListArticlesRequest bad;
  v1::ListArticlesResponse response;
  for (const auto& [filter, message] : std::vector<std::pair<std::string, std::string>>{
           {"reading_grade > \"8\"",
            "filter: reading_grade at position 0: \"8\" is not a number like 8 or 60.5"},
           {"reading_grade > eight",
            "filter: reading_grade at position 0: \"eight\" is not a number like 8 or 60.5"},
           {"audience = READER",
            "filter: audience at position 0: \"READER\" is not PATIENT or PROFESSIONAL"},
           {"audience < PATIENT",
            "filter: audience < \"PATIENT\" at position 0: audience supports only = and !="},
           {"translation_status = OLD",
            "filter: translation_status at position 0: \"OLD\" is not STALE or CURRENT"},
       }) {
    bad.set_filter(filter);
    grpc::Status status = server_.articles().ListArticles(Context().get(), bad, &response);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT) << filter;
    EXPECT_EQ(status.error_message(), message);
  }
}

TEST_F(LanguageServiceTest, ATranslationInheritsItsSourcesCodesForLookups) {
  MustPublish(Translation("biological-therapy-for-cancer-es", "es", kSeedRevision,
                          absl::CivilDay(2024, 1, 10)));
  v1::Article seed;
  ASSERT_TRUE(Get(kSeed, {}, &seed).ok());
  v1::GetArticleRevisionRequest full_request;
  full_request.set_name(absl::StrCat(kSeed, "/revisions/", kSeedRevision));
  ASSERT_TRUE(server_.articles().GetArticleRevision(Context().get(), full_request, &seed).ok());
  ASSERT_GT(seed.codes_size(), 0);

  v1::RetrieveKnowledgeRequest request;
  *request.add_criteria()->mutable_coding() = seed.codes(0);
  request.add_language_codes("es-MX");
  v1::RetrieveKnowledgeResponse response;
  grpc::Status status = server_.knowledge().RetrieveKnowledge(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results_size(), 1);
  ASSERT_GE(response.results(0).matches_size(), 1);
  EXPECT_EQ(response.results(0).matches(0).article(), "articles/biological-therapy-for-cancer-es");
  EXPECT_EQ(response.results(0).matches(0).language_code(), "es");
  EXPECT_FALSE(response.results(0).language_fallback());

  request.set_language_codes(0, "de");
  ASSERT_TRUE(server_.knowledge().RetrieveKnowledge(Context().get(), request, &response).ok());
  EXPECT_EQ(response.results(0).matches(0).article(), kSeed);
  EXPECT_TRUE(response.results(0).language_fallback());
}

TEST_F(LanguageServiceTest, AudienceSelectsTheVersionWrittenForTheReader) {
  v1::GetArticleRevisionRequest full_request;
  full_request.set_name(absl::StrCat(kSeed, "/revisions/", kSeedRevision));
  v1::Article seed;
  ASSERT_TRUE(server_.articles().GetArticleRevision(Context().get(), full_request, &seed).ok());
  ASSERT_GT(seed.codes_size(), 0);
  v1::PublishArticleRevisionRequest professional = testing::SeedPublishRequest();
  professional.mutable_article()->set_name("articles/biological-therapy-for-cancer-hp");
  professional.mutable_article()->set_audience(v1::AUDIENCE_PROFESSIONAL);
  professional.mutable_article()->set_audience_counterpart(kSeed);
  MustPublish(professional);
  EXPECT_THAT(ListNames("audience = PROFESSIONAL"),
              ElementsAre("articles/biological-therapy-for-cancer-hp"));
  EXPECT_THAT(ListNames("audience != PROFESSIONAL"), ElementsAre(kSeed));

  v1::RetrieveKnowledgeRequest request;
  *request.add_criteria()->mutable_coding() = seed.codes(0);
  v1::RetrieveKnowledgeResponse response;
  for (auto [audience, want] : std::vector<std::pair<v1::Audience, std::string>>{
           {v1::AUDIENCE_UNSPECIFIED, kSeed},
           {v1::AUDIENCE_PATIENT, kSeed},
           {v1::AUDIENCE_PROFESSIONAL, "articles/biological-therapy-for-cancer-hp"}}) {
    request.set_audience(audience);
    ASSERT_TRUE(server_.knowledge().RetrieveKnowledge(Context().get(), request, &response).ok());
    ASSERT_EQ(response.results(0).matches_size(), 1) << audience;
    EXPECT_EQ(response.results(0).matches(0).article(), want);
    EXPECT_FALSE(response.results(0).audience_fallback());
  }
  EXPECT_EQ(response.results(0).matches(0).audience(), v1::AUDIENCE_PROFESSIONAL);

  // Withdrawn, the professional version is gone: patients' text, flagged.
  google::protobuf::Empty empty;
  v1::WithdrawArticleRequest withdraw;
  withdraw.set_name("articles/biological-therapy-for-cancer-hp");
  ASSERT_TRUE(server_.articles()
                  .WithdrawArticle(Context(testing::kAdminToken).get(), withdraw, &empty)
                  .ok());
  ASSERT_TRUE(server_.knowledge().RetrieveKnowledge(Context().get(), request, &response).ok());
  ASSERT_EQ(response.results(0).matches_size(), 1);
  EXPECT_EQ(response.results(0).matches(0).article(), kSeed);
  EXPECT_TRUE(response.results(0).audience_fallback());
}

TEST_F(LanguageServiceTest, ExportKeepsTheLinksAndLeavesTheComputedFieldsOut) {
  MustPublish(Translation("biological-therapy-for-cancer-es", "es", kSeedRevision,
                          absl::CivilDay(2024, 1, 10)));
  v1::GetArticleRevisionRequest request;
  request.set_name("articles/biological-therapy-for-cancer-es/revisions/2024-01-10");
  v1::Article stored;
  ASSERT_TRUE(server_.articles().GetArticleRevision(Context().get(), request, &stored).ok());
  EXPECT_EQ(stored.translation_status(), v1::Article::TRANSLATION_CURRENT);
  v1::PublishArticleRevisionRequest again =
      domain::ToPublishRequest(stored, v1::CHANGE_TYPE_CLINICAL_REVIEW, "");
  EXPECT_EQ(again.article().translation_of().article(), kSeed);
  EXPECT_FALSE(again.article().has_readability());
  EXPECT_EQ(again.article().translation_status(), v1::Article::TRANSLATION_STATUS_UNSPECIFIED);
  // The stored default audience is left out, and spelling it out is the same
  // revision: republishing either way is idempotent, nothing new.
  EXPECT_EQ(stored.audience(), v1::AUDIENCE_PATIENT);
  EXPECT_EQ(again.article().audience(), v1::AUDIENCE_UNSPECIFIED);
  const std::string publish_time = stored.publish_time().DebugString();
  v1::PublishArticleRevisionRequest explicit_patient = again;
  explicit_patient.mutable_article()->set_audience(v1::AUDIENCE_PATIENT);
  for (const v1::PublishArticleRevisionRequest& republish : {again, explicit_patient}) {
    v1::Article answer;
    grpc::Status status = server_.articles().PublishArticleRevision(Context(kPublisherToken).get(),
                                                                    republish, &answer);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(answer.publish_time().DebugString(), publish_time);
    EXPECT_EQ(answer.etag(), stored.etag());
  }
}

}  // namespace
}  // namespace healthcontent
