#include "domain/language.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace healthcontent::domain {
namespace {

// The chosen candidate's slug, "+fallback" when it is one, or "none".
std::string Choose(std::vector<std::string> preferred, bool allow_fallback = true) {
  static const std::vector<LanguageCandidate> kCandidates = {
      {"named-es-mx", "es-MX", false}, {"source", "en", true},
      {"de-at", "de-AT", false},       {"es", "es", false},
      {"pt-br", "pt-BR", false},
  };
  std::optional<LanguageChoice> choice = ChooseLanguage(preferred, kCandidates, allow_fallback);
  if (!choice.has_value()) return "none";
  return kCandidates[choice->index].slug + (choice->fallback ? "+fallback" : "");
}

TEST(LanguageTest, ExactThenBarePrimaryThenRegionalThenSource) {
  EXPECT_EQ(Choose({"es-MX"}), "named-es-mx");
  EXPECT_EQ(Choose({"ES-mx"}), "named-es-mx");  // case does not matter
  EXPECT_EQ(Choose({"es"}), "es");              // exact beats the named article
  EXPECT_EQ(Choose({"es-AR"}), "es");           // region to its bare primary
  EXPECT_EQ(Choose({"de"}), "de-at");           // bare primary to a region
  EXPECT_EQ(Choose({"de-CH"}), "de-at");        // region to a sibling region
  EXPECT_EQ(Choose({"fr", "pt"}), "pt-br");     // the first tag with any match
  EXPECT_EQ(Choose({"en-US", "es"}), "source");
  EXPECT_EQ(Choose({"fr", "it"}), "source+fallback");
  EXPECT_EQ(Choose({"fr"}, /*allow_fallback=*/false), "none");
  EXPECT_EQ(Choose({}, /*allow_fallback=*/false), "none");
  EXPECT_EQ(Choose({}), "source+fallback");
}

TEST(LanguageTest, NoSourceMeansNoFallback) {
  const std::vector<LanguageCandidate> orphans = {{"es", "es", false}};
  EXPECT_FALSE(ChooseLanguage(std::vector<std::string>{"fr"}, orphans, true).has_value());
  EXPECT_EQ(ChooseLanguage(std::vector<std::string>{"es-CO"}, orphans, true)->index, 0u);
}

TEST(LanguageTest, MatchesAndValidation) {
  EXPECT_TRUE(LanguageMatches("es-MX", "es"));
  EXPECT_TRUE(LanguageMatches("ES", "es-419"));
  EXPECT_FALSE(LanguageMatches("en", "es"));
  EXPECT_FALSE(LanguageMatches("e", "es"));
  EXPECT_EQ(PrimaryLanguage("zh-Hant-TW"), "zh");

  google::protobuf::RepeatedPtrField<std::string> codes;
  codes.Add("es-MX");
  codes.Add("EN");
  EXPECT_TRUE(ValidateLanguageCodes(codes, "language_codes").ok());
  codes.Add("e");
  codes.Add("es_MX");
  absl::Status bad = ValidateLanguageCodes(codes, "language_codes");
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.message(),
            "language_codes[2]: \"e\" is not a BCP-47 language tag like \"es\" or \"en-US\"; "
            "language_codes[3]: \"es_MX\" is not a BCP-47 language tag like \"es\" or \"en-US\"");
}

TEST(LanguageTest, AcceptLanguageByQualityThenOrder) {
  using ::testing::ElementsAre;
  EXPECT_THAT(ParseAcceptLanguage("es-MX, es;q=0.9, en;q=0.8, *;q=0.1"),
              ElementsAre("es-mx", "es", "en"));
  EXPECT_THAT(ParseAcceptLanguage("en;q=0.5, fr, de;q=0.5"), ElementsAre("fr", "en", "de"));
  EXPECT_THAT(ParseAcceptLanguage("de;q=0, es;q=bad, it;q=2, pt"), ElementsAre("pt"));
  EXPECT_THAT(ParseAcceptLanguage(""), ::testing::IsEmpty());
  EXPECT_THAT(ParseAcceptLanguage(",,;q=1, x, \xff\xfe"), ::testing::IsEmpty());
  EXPECT_EQ(ParseAcceptLanguage("es,es,es,es,es,es,es,es,es,es,es,es").size(), 10u);
}

}  // namespace
}  // namespace healthcontent::domain
