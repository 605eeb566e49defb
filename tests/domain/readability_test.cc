#include "domain/readability.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/article.pb.h"
#include "testing/test_env.h"

// Every expected count here was counted by hand, word by word; the split
// written beside a word is the hand count (dictionary syllabification for
// English, RAE rules for Spanish). Where a word has two accepted
// pronunciations the comment says which one the rules give and why. The
// passages were written for these tests.
namespace healthcontent::domain {
namespace {

using ::healthcontent::testing::RunCommand;
using ::healthcontent::testing::TempDir;
using ::healthcontent::testing::WriteFileOrDie;
using ::testing::AllOf;
using ::testing::HasSubstr;

const ReadabilityScorer& Scorer() {
  static const ReadabilityScorer* const scorer = [] {
    auto created = ReadabilityScorer::Create();
    if (!created.ok()) {
      ADD_FAILURE() << created.status();
      std::abort();
    }
    return created->release();
  }();
  return *scorer;
}

double Round2(double value) { return std::round(value * 100.0) / 100.0; }

struct WordCase {
  const char* word;
  int syllables;
};

void PrintTo(const WordCase& c, std::ostream* os) { *os << c.word; }

// clang-format off
constexpr WordCase kEnglishWords[] = {
    {"the", 1},            // the
    {"cancer", 2},         // can-cer
    {"biological", 5},     // bi-o-log-i-cal
    {"Biological", 5},     // lower-cased first
    {"therapy", 3},        // ther-a-py
    {"immunotherapy", 6},  // im-mu-no-ther-a-py
    {"chemotherapy", 5},   // che-mo-ther-a-py
    {"treatment", 2},      // treat-ment
    {"people", 2},         // peo-ple
    // ev-er-y as spelled; said "ev-ry" (2) too. The vowel rule sees three
    // groups and no rule can know the elision, so 3 is the documented count.
    {"every", 3},
    {"medicine", 3},       // med-i-cine
    {"surgery", 3},        // sur-ger-y
    {"body", 2},           // bod-y
    {"area", 3},           // ar-e-a
    {"idea", 3},           // i-de-a
    {"created", 3},        // cre-at-ed
    {"radiation", 4},      // ra-di-a-tion
    {"bacteria", 4},       // bac-te-ri-a
    {"antibiotics", 5},    // an-ti-bi-ot-ics
    {"insomnia", 4},       // in-som-ni-a
    {"serious", 3},        // se-ri-ous
    {"cheese", 1},         // cheese
    {"lives", 1},          // lives
    {"diseases", 3},       // dis-eas-es
    {"called", 1},         // called
    {"needed", 2},         // need-ed
    {"careful", 2},        // care-ful
    {"lately", 2},         // late-ly
    {"cells", 1},          // cells
    {"yogurt", 2},         // yo-gurt
    {"beyond", 2},         // be-yond
    {"being", 2},          // be-ing
    {"quiet", 2},          // qui-et
    {"don't", 1},          // don't
    // Not hand counts but the documented rules: a number is one syllable,
    // and only letters count ("B12" -> "b").
    {"1,000", 1},
    {"B12", 1},
};

constexpr WordCase kSpanishWords[] = {
    // Hiatus: an accented í or ú beside a strong vowel, or two strong vowels.
    {"día", 2},             // dí-a
    {"DÍA", 2},             // lower-cased first
    {"di\u0301a", 2},       // "día" with a combining accent (NFD)
    {"poesía", 4},          // po-e-sí-a
    {"país", 2},            // pa-ís
    {"oído", 3},            // o-í-do
    {"aún", 2},             // a-ún
    {"leer", 2},            // le-er
    {"océano", 4},          // o-cé-a-no
    {"feocromocitoma", 7},  // fe-o-cro-mo-ci-to-ma
    // Diphthongs and triphthongs stay one syllable.
    {"biológica", 4},       // bio-ló-gi-ca
    {"terapia", 3},         // te-ra-pia
    {"quimioterapia", 5},   // qui-mio-te-ra-pia
    {"radioterapia", 5},    // ra-dio-te-ra-pia
    {"ciudad", 2},          // ciu-dad
    {"cuidado", 3},         // cui-da-do
    {"agua", 2},            // a-gua
    {"hay", 1},             // hay
    {"y", 1},               // y
    // Silent u and h, y before a vowel, and the rest.
    {"guerra", 2},          // gue-rra
    {"seguía", 3},          // se-guí-a
    {"pingüino", 3},        // pin-güi-no
    {"ayuda", 3},           // a-yu-da
    {"ahora", 3},           // a-ho-ra
    {"cáncer", 2},          // cán-cer
    {"salud", 2},           // sa-lud
};
// clang-format on

class ReadabilityEnglishSyllablesTest : public ::testing::TestWithParam<WordCase> {};

TEST_P(ReadabilityEnglishSyllablesTest, MatchesHandCount) {
  EXPECT_EQ(Scorer().CountSyllables("en", GetParam().word), GetParam().syllables);
}

INSTANTIATE_TEST_SUITE_P(ReadabilityHandCounted, ReadabilityEnglishSyllablesTest,
                         ::testing::ValuesIn(kEnglishWords));

class ReadabilitySpanishSyllablesTest : public ::testing::TestWithParam<WordCase> {};

TEST_P(ReadabilitySpanishSyllablesTest, MatchesHandCount) {
  EXPECT_EQ(Scorer().CountSyllables("es", GetParam().word), GetParam().syllables);
}

INSTANTIATE_TEST_SUITE_P(ReadabilityHandCounted, ReadabilitySpanishSyllablesTest,
                         ::testing::ValuesIn(kSpanishWords));

TEST(ReadabilitySyllablesTest, LanguageTagPicksTheRules) {
  // "leer" is le-er in Spanish; read by the English rules "ee" is one vowel.
  EXPECT_EQ(Scorer().CountSyllables("es", "leer"), 2);
  EXPECT_EQ(Scorer().CountSyllables("es-MX", "leer"), 2);
  EXPECT_EQ(Scorer().CountSyllables("ES", "leer"), 2);
  EXPECT_EQ(Scorer().CountSyllables("en", "leer"), 1);
  EXPECT_EQ(Scorer().CountSyllables("EN", "poesía"), 2);
  EXPECT_EQ(Scorer().CountSyllables("en-GB", "poesía"), 2);
  EXPECT_EQ(Scorer().CountSyllables("fr", "poesía"), 0);
  EXPECT_EQ(Scorer().CountSyllables("", "poesía"), 0);
  EXPECT_EQ(Scorer().CountSyllables("en", ""), 0);
  EXPECT_TRUE(ReadabilityScorer::Supports("en-GB"));
  EXPECT_TRUE(ReadabilityScorer::Supports("ES-mx"));
  EXPECT_FALSE(ReadabilityScorer::Supports("eng"));
  EXPECT_FALSE(ReadabilityScorer::Supports(""));
}

MATCHER_P3(CountsAre, words, sentences, syllables,
           absl::StrCat(words, " words, ", sentences, " sentences, ", syllables, " syllables")) {
  *result_listener << arg.words << " words, " << arg.sentences << " sentences, " << arg.syllables
                   << " syllables";
  return arg.words == words && arg.sentences == sentences && arg.syllables == syllables;
}

TEST(ReadabilityCountTextTest, EnglishHeadingAbbreviationsAndBullets) {
  // Heading, no full stop: 6 words, 1 sentence,
  // How(1) to(1) pre-pare(2) for(1) your(1) vis-it(2) = 8 syllables.
  EXPECT_THAT(Scorer().CountText("en", {"How to prepare for your visit"}), CountsAre(6, 1, 8));
  // "Dr." and "e.g." end no sentence: 18 words, 2 sentences.
  // Dr(1: no vowel, one syllable as every word) Lee(1) will(1) ask(1)
  // a-bout(2) your(1) health(1) e.g(1) your(1) sleep(1) and(1) di-et(2) |
  // Bring(1) a(1) list(1) of(1) your(1) med-i-cines(3) = 22.
  EXPECT_THAT(Scorer().CountText("en", {"Dr. Lee will ask about your health, e.g. your sleep "
                                        "and diet. Bring a list of your medicines."}),
              CountsAre(18, 2, 22));
  // Bullets without full stops: one sentence each.
  // Your(1) med-i-cines(3); Ques-tions(2) you(1) want(1) to(1) ask(1).
  EXPECT_THAT(Scorer().CountText("en", {"Your medicines", "Questions you want to ask"}),
              CountsAre(7, 2, 10));
  // All four units together add up.
  EXPECT_THAT(Scorer().CountText(
                  "en", {"How to prepare for your visit",
                         "Dr. Lee will ask about your health, e.g. your sleep and diet. Bring a "
                         "list of your medicines.",
                         "Your medicines", "Questions you want to ask"}),
              CountsAre(31, 5, 40));
}

TEST(ReadabilityCountTextTest, SpanishHeadingAbbreviationsAndBullets) {
  // Có-mo(2) pre-pa-rar-se(4) pa-ra(2) la(1) ci-ta(2) = 11.
  EXPECT_THAT(Scorer().CountText("es", {"Cómo prepararse para la cita"}), CountsAre(5, 1, 11));
  // "Dra." and "p. ej." end no sentence: 19 words, 2 sentences.
  // La(1) Dra(1) Gar-cí-a(3) le(1) pre-gun-ta-rá(4) por(1) su(1) sa-lud(2)
  // p(1) ej(1) por(1) su(1) die-ta(2) | Trai-ga(2) u-na(2) lis-ta(2) de(1)
  // sus(1) me-di-ci-nas(4) = 32.
  EXPECT_THAT(Scorer().CountText("es", {"La Dra. García le preguntará por su salud, p. ej. "
                                        "por su dieta. Traiga una lista de sus medicinas."}),
              CountsAre(19, 2, 32));
  // Sus(1) me-di-ci-nas(4); Las(1) pre-gun-tas(3) que(1) quie-re(2) ha-cer(2).
  EXPECT_THAT(Scorer().CountText("es-MX", {"Sus medicinas", "Las preguntas que quiere hacer"}),
              CountsAre(7, 2, 14));
}

TEST(ReadabilityCountTextTest, SentencesNeedWordsAndEndAtEachUnit) {
  // Punctuation alone is no word and no sentence.
  EXPECT_THAT(Scorer().CountText("en", {"", "...", " - "}), CountsAre(0, 0, 0));
  // A list item with its own full stops is its sentences: Rest(1). Drink(1)
  // wa-ter(2). A unit that runs on without one still ends with the unit.
  EXPECT_THAT(Scorer().CountText("en", {"Rest. Drink water.", "Then sleep"}), CountsAre(5, 3, 6));
  // No language, no counts.
  EXPECT_THAT(Scorer().CountText("de", {"Ruhe dich aus."}), CountsAre(0, 0, 0));
}

// Healthy sleep (en) and Dormir bien (es): the same small article, counted
// by hand unit by unit.
v1::Article EnglishArticle() {
  v1::Article article;
  article.set_language_code("en");
  // Health-y(2) sleep(1): 2 words, 3 syllables, 1 sentence.
  article.set_title("Healthy sleep");
  // Most(1) a-dults(2) need(1) sev-en(2) or(1) more(1) hours(1) of(1)
  // sleep(1) each(1) night(1): 11 words, 13 syllables, 1 sentence.
  article.set_summary("Most adults need seven or more hours of sleep each night.");
  v1::Section* section = article.add_sections();
  section->set_heading("Tips");  // 1 word, 1 syllable, 1 sentence
  // Spans join: Go to bed at the same time ev-er-y night = 9 words,
  // 11 syllables (every = 3, see above), 1 sentence.
  v1::Paragraph* paragraph = section->add_blocks()->mutable_paragraph();
  paragraph->add_spans()->set_text("Go to bed at the same time ");
  v1::Span* bold = paragraph->add_spans();
  bold->set_text("every night.");
  bold->set_bold(true);
  v1::BulletList* list = section->add_blocks()->mutable_bullet_list();
  // Keep the room dark: 4 words, 4 syllables, 1 sentence.
  list->add_items()->add_spans()->set_text("Keep the room dark");
  // A-void(2) caf-feine(2) late(1) in(1) the(1) day(1): 6 words, 8 syllables.
  list->add_items()->add_spans()->set_text("Avoid caffeine late in the day");
  return article;
}

v1::Article SpanishArticle() {
  v1::Article article;
  article.set_language_code("es");
  // Dor-mir(2) bien(1): 2 words, 3 syllables.
  article.set_title("Dormir bien");
  // La(1) ma-yo-rí-a(4) de(1) los(1) a-dul-tos(3) ne-ce-si-ta(4) dor-mir(2)
  // sie-te(2) ho-ras(2) o(1) más(1): 11 words, 22 syllables.
  article.set_summary("La mayoría de los adultos necesita dormir siete horas o más.");
  // The lead counts too: A-cués-te-se(4) a(1) la(1) mis-ma(2) ho-ra(2)
  // to-dos(2) los(1) dí-as(2): 8 words, 15 syllables.
  article.add_lead()->mutable_paragraph()->add_spans()->set_text(
      "Acuéstese a la misma hora todos los días.");
  v1::Section* section = article.add_sections();
  section->set_heading("Consejos");  // Con-se-jos: 1 word, 3 syllables
  v1::BulletList* list = section->add_blocks()->mutable_bullet_list();
  // Man-ten-ga(3) el(1) cuar-to(2) os-cu-ro(3): 4 words, 9 syllables.
  list->add_items()->add_spans()->set_text("Mantenga el cuarto oscuro");
  // E-vi-te(3) la(1) ca-fe-í-na(4) por(1) la(1) tar-de(2): 6 words, 12.
  list->add_items()->add_spans()->set_text("Evite la cafeína por la tarde");
  return article;
}

TEST(ReadabilityScoreTest, EnglishArticle) {
  // 2 + 11 + 1 + 9 + 4 + 6 words; 6 units, one sentence each;
  // 3 + 13 + 1 + 11 + 4 + 8 syllables.
  const int words = 33, sentences = 6, syllables = 40;
  const v1::Readability readability = Scorer().Score(EnglishArticle());
  EXPECT_EQ(readability.words(), words);
  EXPECT_EQ(readability.sentences(), sentences);
  EXPECT_EQ(readability.syllables(), syllables);
  const double wps = 1.0 * words / sentences, spw = 1.0 * syllables / words;
  EXPECT_EQ(readability.ease_formula(), v1::Readability::FLESCH);
  EXPECT_DOUBLE_EQ(readability.reading_ease(), Round2(206.835 - 1.015 * wps - 84.6 * spw));
  ASSERT_TRUE(readability.has_flesch_kincaid_grade());
  EXPECT_DOUBLE_EQ(readability.flesch_kincaid_grade(), Round2(0.39 * wps + 11.8 * spw - 15.59));
  // 206.835 - 1.015 x 5.5 - 84.6 x 1.2121... = 98.707 and
  // 0.39 x 5.5 + 11.8 x 1.2121... - 15.59 = 0.858, rounded.
  EXPECT_DOUBLE_EQ(readability.reading_ease(), 98.71);
  EXPECT_DOUBLE_EQ(readability.flesch_kincaid_grade(), 0.86);
}

TEST(ReadabilityScoreTest, SpanishArticleUsesFernandezHuerta) {
  // 2 + 11 + 8 + 1 + 4 + 6 words; 6 sentences; 3 + 22 + 15 + 3 + 9 + 12.
  const int words = 32, sentences = 6, syllables = 64;
  const v1::Readability readability = Scorer().Score(SpanishArticle());
  EXPECT_EQ(readability.words(), words);
  EXPECT_EQ(readability.sentences(), sentences);
  EXPECT_EQ(readability.syllables(), syllables);
  EXPECT_EQ(readability.ease_formula(), v1::Readability::FERNANDEZ_HUERTA);
  EXPECT_DOUBLE_EQ(readability.reading_ease(),
                   Round2(206.84 - 60.0 * syllables / words - 1.02 * words / sentences));
  // 206.84 - 60 x 2 - 1.02 x 5.333... = 81.40.
  EXPECT_DOUBLE_EQ(readability.reading_ease(), 81.40);
  EXPECT_FALSE(readability.has_flesch_kincaid_grade());
}

TEST(ReadabilityScoreTest, RegionAndCaseOfTheLanguageTag) {
  const std::string english = Scorer().Score(EnglishArticle()).SerializeAsString();
  const std::string spanish = Scorer().Score(SpanishArticle()).SerializeAsString();
  for (const char* tag : {"EN", "en-GB", "en-us"}) {
    v1::Article article = EnglishArticle();
    article.set_language_code(tag);
    EXPECT_EQ(Scorer().Score(article).SerializeAsString(), english) << tag;
  }
  for (const char* tag : {"ES", "es-MX", "es-419"}) {
    v1::Article article = SpanishArticle();
    article.set_language_code(tag);
    EXPECT_EQ(Scorer().Score(article).SerializeAsString(), spanish) << tag;
  }
}

TEST(ReadabilityScoreTest, OtherLanguagesAndEmptyTextGiveNothing) {
  v1::Article french = EnglishArticle();
  french.set_language_code("fr");
  EXPECT_EQ(Scorer().Score(french).ByteSizeLong(), 0u);
  v1::Article untagged = EnglishArticle();
  untagged.clear_language_code();
  EXPECT_EQ(Scorer().Score(untagged).ByteSizeLong(), 0u);
  v1::Article empty;
  empty.set_language_code("en");
  empty.set_title("...");
  const v1::Readability readability = Scorer().Score(empty);
  EXPECT_EQ(readability.ByteSizeLong(), 0u);
  EXPECT_EQ(readability.ease_formula(), v1::Readability::FORMULA_UNSPECIFIED);
}

TEST(ReadabilityScoreTest, ConcurrentCallsAgree) {
  // One scorer, four threads, no locks: every call gives the one answer.
  const std::string expected = Scorer().Score(EnglishArticle()).SerializeAsString();
  const v1::Article article = EnglishArticle();
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int& mismatch : mismatches) {
    threads.emplace_back([&article, &expected, &mismatch] {
      for (int i = 0; i < 20; ++i) {
        if (Scorer().Score(article).SerializeAsString() != expected) ++mismatch;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int mismatch : mismatches) EXPECT_EQ(mismatch, 0);
}

// diction's `style` is the reference English implementation at hand. Its
// words and sentences agree with ours on plain prose like these passages
// (no lists, colons or abbreviations), but it counts syllables with its own
// spelling heuristic, which undercounts vowel pairs and final -y ("bacteria"
// 2, "area" 1, "idea" 1, "created" 1, "body" 1, "people" 1, "therapy" 2).
// Our syllables per word are therefore higher, and so our grades higher and
// our ease lower, the more so the longer the words. Measured on these
// passages (ours - style): grade +0.84, +0.91, +1.77; ease -6.4, -6.8, -13.1.
// The tolerance, ±2.5 grade and ±15 ease, covers that with room to spare and
// still catches a broken count (a sentence or syllable rule gone wrong moves
// these by far more).
constexpr double kGradeTolerance = 2.5;
constexpr double kEaseTolerance = 15.0;

constexpr const char* kStylePassages[] = {
    // Short words, short sentences.
    "Your heart is a muscle that pumps blood through your body. Each beat sends blood out to "
    "your lungs and to the rest of you. Blood carries the oxygen that your cells need to live. "
    "When you walk fast or climb stairs, your heart beats faster to keep up. That is normal. A "
    "healthy adult heart beats about sixty to a hundred times a minute at rest. You can check "
    "your own pulse at your wrist or neck. Count the beats for thirty seconds and double the "
    "number. If your pulse is often very fast or very slow, or if it skips, talk to your "
    "doctor.",
    // Everyday health vocabulary.
    "High blood pressure often causes no symptoms, so many people do not know they have it. "
    "Over time, the extra force can damage the walls of your arteries and strain your heart. "
    "This raises the risk of heart attack, stroke and kidney disease. Your doctor measures "
    "blood pressure with a cuff around your upper arm. The reading has two numbers, the "
    "pressure when the heart beats and the pressure when it rests between beats. Regular "
    "exercise, less salt, a healthy weight and limited alcohol can lower it. Some people also "
    "need medicine. Take it every day as prescribed, even when you feel well, and keep a record "
    "of your readings at home.",
    // Long clinical words.
    "Immunotherapy is a treatment that helps the immune system recognize and destroy cancer "
    "cells. Unlike chemotherapy, which acts directly on rapidly dividing cells, immunotherapy "
    "works by strengthening or redirecting the natural defenses of the body. Several approaches "
    "are currently available, including checkpoint inhibitors, adoptive cell transfer and "
    "therapeutic vaccines. Checkpoint inhibitors release the biological brakes that prevent "
    "immune cells from attacking tumors. Because these medications stimulate the immune system, "
    "they can occasionally cause inflammation in healthy organs, such as the intestines, liver, "
    "lungs or thyroid gland. Patients receiving immunotherapy should report new symptoms "
    "promptly, since early management of side effects usually prevents serious complications.",
};

// The number after `label` in style's report ("Kincaid: 5.5", "Flesch Index: 80.8/100").
double StyleFigure(absl::string_view report, absl::string_view label) {
  const size_t at = report.find(label);
  if (at == absl::string_view::npos) {
    ADD_FAILURE() << "no \"" << label << "\" in style's report:\n" << report;
    return NAN;
  }
  absl::string_view rest = report.substr(at + label.size());
  rest = rest.substr(0, rest.find_first_of("/\n"));
  double value = NAN;
  EXPECT_TRUE(absl::SimpleAtod(rest, &value)) << rest;
  return value;
}

TEST(ReadabilityStyleTest, EnglishAgreesWithDictionStyle) {
  if (!std::filesystem::exists("/usr/bin/style")) {
    GTEST_SKIP() << "diction's style is not installed (scripts/install-deps installs it)";
  }
  TempDir dir;
  int index = 0;
  for (const char* passage : kStylePassages) {
    SCOPED_TRACE(index);
    const std::string path = dir.File(absl::StrCat("passage", index++, ".txt"));
    WriteFileOrDie(path, absl::StrCat(passage, "\n"));
    std::string report;
    ASSERT_EQ(RunCommand(absl::StrCat("/usr/bin/style '", path, "'"), &report), 0);
    v1::Article article;
    article.set_language_code("en");
    article.set_summary(passage);
    const v1::Readability ours = Scorer().Score(article);
    EXPECT_GE(ours.words(), 100);
    EXPECT_NEAR(ours.flesch_kincaid_grade(), StyleFigure(report, "Kincaid:"), kGradeTolerance);
    EXPECT_NEAR(ours.reading_ease(), StyleFigure(report, "Flesch Index:"), kEaseTolerance);
  }
}

TEST(ReadabilityScorerTest, CreateNamesAMissingDictionaryAndItsPackage) {
  auto missing = ReadabilityScorer::Create("/nonexistent/hyphen");
  ASSERT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(missing.status().message(),
              AllOf(HasSubstr("/nonexistent/hyphen/hyph_en_US.dic"), HasSubstr("hyphen-en-us")));

  // English present, Spanish missing.
  TempDir dir;
  std::filesystem::create_symlink(std::string(kDefaultHyphenDir) + "/hyph_en_US.dic",
                                  dir.File("hyph_en_US.dic"));
  auto no_spanish = ReadabilityScorer::Create(dir.path());
  ASSERT_EQ(no_spanish.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(no_spanish.status().message(),
              AllOf(HasSubstr(dir.File("hyph_es_ES.dic")), HasSubstr("hyphen-es")));
}

}  // namespace
}  // namespace healthcontent::domain
