// ImportMedlinePlusTopics over real MedlinePlus material and over hostile
// input.
//
// The corpus (tests/fixtures/corpus/medlineplus/, copied from
// ../shared/corpus/medlineplus/): mplus_topics_2012-07-21.xml, a MedlinePlus
// health-topics file of two topics, and medline_topic_summaries.json, 43
// topic summaries; both from GitHub GSA/search-gov, spec/fixtures/, at commit
// 17d22e2. Health topic summaries courtesy of MedlinePlus from the U.S.
// National Library of Medicine; they are in the public domain.
#include "importers/medlineplus_importer.h"

#include <chrono>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/date.h"
#include "common/field_errors.h"
#include "domain/article_rules.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/test_env.h"

namespace healthcontent {
namespace {

using ::healthcontent::testing::IsoDate;
using ::healthcontent::testing::ReadFileOrDie;
using ::healthcontent::testing::SourceDir;
using ::healthcontent::testing::SpansText;
using ::healthcontent::testing::TempDir;
using ::healthcontent::testing::WriteFileOrDie;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

using Requests = std::vector<v1::PublishArticleRevisionRequest>;

constexpr char kCorpus[] = "/tests/fixtures/corpus/medlineplus/";
constexpr char kTopicsFile[] = "mplus_topics_2012-07-21.xml";

std::string CorpusFile(const std::string& name) {
  return ReadFileOrDie(SourceDir() + kCorpus + name);
}

// Every paragraph and list item of the lead, in order.
std::vector<std::string> LeadTexts(const v1::Article& article) {
  std::vector<std::string> out;
  for (const v1::Block& block : article.lead()) {
    if (block.has_paragraph()) out.push_back(SpansText(block.paragraph().spans()));
    for (const v1::ListItem& item : block.bullet_list().items()) {
      out.push_back(SpansText(item.spans()));
    }
  }
  return out;
}

std::string WithoutWhitespace(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) out.push_back(c);
  }
  return out;
}

// HTML as the text of an XML element.
std::string XmlEscape(absl::string_view html) {
  return absl::StrReplaceAll(html, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}});
}

// A <health-topic> with the attributes MedlinePlus gives every topic.
std::string Topic(const std::string& id, const std::string& title, const std::string& language,
                  const std::string& summary_html, const std::string& children = "") {
  return absl::StrCat("<health-topic title=\"", title, "\" url=\"https://medlineplus.gov/topic", id,
                      ".html\" id=\"", id, "\" language=\"", language,
                      "\" date-created=\"01/07/2003\">", children, "<full-summary>",
                      XmlEscape(summary_html), "</full-summary></health-topic>");
}

std::string TopicsFile(const std::string& topics,
                       const std::string& date_generated = "07/21/2012 02:32:56") {
  return absl::StrCat("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<health-topics total=\"1\" ",
                      "date-generated=\"", date_generated, "\">", topics, "</health-topics>");
}

// `file` with `doctype` after its XML declaration.
std::string WithDoctype(const std::string& file, const std::string& doctype) {
  const size_t body = file.find('\n') + 1;
  return absl::StrCat(file.substr(0, body), doctype, "\n", file.substr(body));
}

const std::string& OneTopicFile() {
  static const auto* file =
      new std::string(TopicsFile(Topic("1", "Back Pain", "English", "<p>Backs hurt.</p>")));
  return *file;
}

Requests ImportOrDie(const std::string& xml) {
  absl::StatusOr<Requests> requests = importers::ImportMedlinePlusTopics(xml, "test.xml");
  EXPECT_TRUE(requests.ok()) << requests.status();
  return requests.ok() ? *std::move(requests) : Requests();
}

// ---------------------------------------------------------------------------
// The real file.

class MedlinePlusImporterCorpusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Requests> requests =
        importers::ImportMedlinePlusTopics(CorpusFile(kTopicsFile), kTopicsFile);
    ASSERT_TRUE(requests.ok()) << requests.status();
    ASSERT_EQ(requests->size(), 2u);
    requests_ = *std::move(requests);
  }
  const v1::Article& english() const { return requests_[0].article(); }
  const v1::Article& spanish() const { return requests_[1].article(); }

  Requests requests_;
};

TEST_F(MedlinePlusImporterCorpusTest, EnglishFirstThenItsSpanishTranslation) {
  EXPECT_EQ(english().name(), "articles/abdominal-pain");
  EXPECT_EQ(english().title(), "Abdominal Pain");
  EXPECT_EQ(english().language_code(), "en");
  EXPECT_FALSE(english().has_translation_of());

  EXPECT_EQ(spanish().name(), "articles/abdominal-pain-es");
  EXPECT_EQ(spanish().title(), "Dolor abdominal");
  EXPECT_EQ(spanish().language_code(), "es");
  ASSERT_TRUE(spanish().has_translation_of());
  EXPECT_EQ(spanish().translation_of().article(), "articles/abdominal-pain");
  EXPECT_EQ(spanish().translation_of().revision_id(), "2012-07-21");

  for (const v1::PublishArticleRevisionRequest& request : requests_) {
    const v1::Article& article = request.article();
    SCOPED_TRACE(article.name());
    // date-generated="07/21/2012 02:32:56", not date-created (01/07/2003).
    EXPECT_EQ(IsoDate(article.review_date()), "2012-07-21");
    EXPECT_FALSE(article.has_next_review_date());
    EXPECT_EQ(article.publisher(), "MedlinePlus (U.S. National Library of Medicine)");
    EXPECT_EQ(article.license(), importers::kMedlinePlusLicense);
    EXPECT_THAT(article.license(), StartsWith("Courtesy of MedlinePlus from the National Library "
                                              "of Medicine. MedlinePlus health topic summaries "
                                              "are in the public domain"));
    EXPECT_EQ(article.audience(), v1::AUDIENCE_PATIENT);
    EXPECT_EQ(request.change_type(), v1::CHANGE_TYPE_CLINICAL_REVIEW);
    EXPECT_TRUE(article.sections().empty());
    EXPECT_TRUE(domain::ValidatePublishRequest(request).ok());
  }
  EXPECT_EQ(english().source_url(), "https://www.nlm.nih.gov/medlineplus/abdominalpain.html");
  EXPECT_EQ(spanish().source_url(),
            "https://www.nlm.nih.gov/medlineplus/spanish/abdominalpain.html");
  EXPECT_EQ(requests_[0].change_summary(),
            "MedlinePlus health topic 3061 as of the health-topics file of 2012-07-21");
}

TEST_F(MedlinePlusImporterCorpusTest, AlsoCalledAndMeshCode) {
  EXPECT_THAT(english().also_called(), ElementsAre("Bellyache"));
  EXPECT_THAT(spanish().also_called(),
              ElementsAre("Dolor de barriga", "Dolor de estómago", "Dolor de panza"));
  ASSERT_EQ(english().codes_size(), 1);
  EXPECT_EQ(english().codes(0).system(), "https://www.nlm.nih.gov/mesh");
  EXPECT_EQ(english().codes(0).code(), "D015746");
  EXPECT_EQ(english().codes(0).display(), "Abdominal Pain");
  // The Spanish topic carries no <mesh-heading>; lookups use its source's.
  EXPECT_TRUE(spanish().codes().empty());
}

TEST_F(MedlinePlusImporterCorpusTest, EnglishSummaryAndBody) {
  EXPECT_EQ(english().summary(),
            "Your abdomen extends from below your chest to your groin. Some people call it the "
            "stomach, but your abdomen contains many other important organs. Pain in the abdomen "
            "can come from any one of them. The pain may start somewhere else, such as your "
            "chest. Severe pain doesn't always mean a serious problem. Nor does mild pain mean a "
            "problem is not serious.");
  ASSERT_EQ(english().lead_size(), 3);
  EXPECT_TRUE(english().lead(0).has_paragraph());
  EXPECT_TRUE(english().lead(1).has_paragraph());
  ASSERT_TRUE(english().lead(2).has_bullet_list());
  EXPECT_EQ(SpansText(english().lead(1).paragraph().spans()),
            "Call your healthcare provider if mild pain lasts a week or more or if you have pain "
            "with other symptoms. Get medical help immediately if");
  EXPECT_THAT(LeadTexts(english()),
              ElementsAre(english().summary(), ::testing::_,
                          "You have abdominal pain that is sudden and sharp",
                          "You also have pain in your chest, neck or shoulder",
                          "You're vomiting blood or have blood in your stool",
                          "Your abdomen is stiff, hard and tender to touch",
                          "You can't move your bowels, especially if you're also vomiting"));
}

TEST_F(MedlinePlusImporterCorpusTest, SpanishAccentsArriveIntact) {
  EXPECT_THAT(spanish().summary(),
              StartsWith("El abdomen se extiende desde abajo del pecho hasta la ingle. Algunas "
                         "personas lo llaman estómago, pero el abdomen contiene muchos otros "
                         "órganos importantes."));
  EXPECT_THAT(spanish().summary(), HasSubstr("en algún otro lugar"));
  EXPECT_THAT(LeadTexts(spanish()),
              ElementsAre(spanish().summary(),
                          "Si el dolor leve persiste por una semana o más, o si se acompaña de "
                          "otros síntomas, llame a un profesional de la salud. Obtenga ayuda "
                          "médica inmediata si",
                          "Tiene un dolor abdominal repentino e intenso",
                          "También tiene dolor en el pecho, el cuello o el hombro",
                          "Vomita sangre u observa sangre en las evacuaciones",
                          "Tiene el abdomen rígido, duro y sensible al tacto",
                          "No puede evacuar (mover el intestino), especialmente si además tiene "
                          "vómitos"));
}

TEST_F(MedlinePlusImporterCorpusTest, SitesBecomeWebPageReferencesInDocumentOrder) {
  ASSERT_EQ(english().references_size(), 49);
  ASSERT_EQ(spanish().references_size(), 30);
  for (const v1::Article* article : {&english(), &spanish()}) {
    for (const v1::Reference& reference : article->references()) {
      EXPECT_EQ(reference.kind(), v1::Reference::WEB_PAGE);
      EXPECT_THAT(reference.url(), StartsWith("http"));
    }
  }
  const v1::Reference& first = english().references(0);
  EXPECT_EQ(first.title(), "Abdominal CT scan");
  EXPECT_EQ(first.url(), "https://www.nlm.nih.gov/medlineplus/ency/article/003789.htm");
  EXPECT_EQ(first.publisher(), "");  // NLM's encyclopedia names no <organization>
  // "&amp;" in the url attribute, organization text over two lines.
  const v1::Reference& mayo = english().references(5);
  EXPECT_EQ(mayo.title(), "Abdominal Pain");
  EXPECT_EQ(mayo.url(),
            "http://www.mayoclinic.com/print/abdominal-pain/MY00390/METHOD=print&DSECTION=all");
  EXPECT_EQ(mayo.publisher(), "Mayo Foundation for Medical Education and Research");
  const v1::Reference& ultrasound = english().references(13);
  EXPECT_EQ(ultrasound.title(), "Abdominal Ultrasound");
  EXPECT_EQ(ultrasound.publisher(),
            "Radiological Society of North America; American College of Radiology");
  EXPECT_EQ(spanish().references(0).title(), "Cólico del lactante");
  EXPECT_EQ(spanish().references(0).publisher(), "Fundación Nemours");
  EXPECT_EQ(spanish().references(29).title(),
            "Los niños negros tienen menos probabilidades de recibir analgésicos para el dolor "
            "de estómago en emergencias");
}

TEST_F(MedlinePlusImporterCorpusTest, ImportingTwiceGivesTheSameRequests) {
  Requests again = ImportOrDie(CorpusFile(kTopicsFile));
  ASSERT_EQ(again.size(), requests_.size());
  for (size_t i = 0; i < again.size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(again[i], requests_[i]));
  }
}

// ---------------------------------------------------------------------------
// The 43 summaries of medline_topic_summaries.json, each as a topic.

TEST(MedlinePlusImporterSummariesTest, EverySummaryConvertsWithItsTextIntact) {
  nlohmann::json summaries = nlohmann::json::parse(CorpusFile("medline_topic_summaries.json"));
  ASSERT_EQ(summaries.size(), 43u);
  int id = 0;
  int spanish = 0;
  for (const auto& [title, html] : summaries.items()) {
    SCOPED_TRACE(title);
    const std::string summary = html.get<std::string>();
    Requests requests =
        ImportOrDie(TopicsFile(Topic(std::to_string(++id), title, "English", summary)));
    ASSERT_EQ(requests.size(), 1u);
    const v1::Article& article = requests[0].article();
    EXPECT_GE(article.lead_size(), 1);
    EXPECT_FALSE(article.summary().empty());
    // Every character of the text, accents included, arrives in order:
    // the summary with its tags taken out and &quot; decoded, compared
    // without whitespace (block boundaries space text differently).
    std::string expected;
    bool in_tag = false;
    for (char c : summary) {
      if (c == '<') in_tag = true;
      if (!in_tag) expected.push_back(c);
      if (c == '>') in_tag = false;
    }
    expected = absl::StrReplaceAll(expected, {{"&quot;", "\""}});
    std::string got;
    for (const std::string& text : LeadTexts(article)) got += text;
    EXPECT_EQ(WithoutWhitespace(got), WithoutWhitespace(expected));
    spanish += absl::StrContains(summary, "ñ") || absl::StrContains(summary, "ó");
  }
  EXPECT_GE(spanish, 15);  // about half the summaries are Spanish
}

TEST(MedlinePlusImporterSummariesTest, SpanishSummaryExactly) {
  nlohmann::json summaries = nlohmann::json::parse(CorpusFile("medline_topic_summaries.json"));
  Requests requests = ImportOrDie(TopicsFile(
      Topic("1", "Feocromocitoma", "Spanish", summaries["Feocromocitoma"].get<std::string>())));
  ASSERT_EQ(requests.size(), 1u);
  const v1::Article& article = requests[0].article();
  EXPECT_EQ(article.name(), "articles/feocromocitoma");
  EXPECT_THAT(LeadTexts(article),
              ElementsAre(StartsWith("El feocromocitoma es un tumor raro que suele comenzar en "
                                     "las células de una de las glándulas suprarrenales."),
                          "Dolor de cabeza", "Sudoración", "Palpitaciones cardiacas",
                          "Dolor en el pecho", "Una sensación de ansiedad",
                          StartsWith("Algunas veces, los feocromocitomas son parte de otro cuadro "
                                     "denominado síndrome de neoplasia endocrina múltiple (NEM)."),
                          "El tratamiento más común es la cirugía. Otras opciones incluyen la "
                          "radioterapia y quimioterapia.",
                          "NIH: Instituto Nacional del Cáncer"));
  // The link in the first paragraph is a span of its own.
  const auto& spans = article.lead(0).paragraph().spans();
  ASSERT_GE(spans.size(), 3);
  EXPECT_EQ(spans[1].text(), "benignos");
  EXPECT_EQ(spans[1].link_uri(), "https://www.nlm.nih.gov/medlineplus/spanish/benigntumors.html");
}

// ---------------------------------------------------------------------------
// Mapping rules on made-up files.

TEST(MedlinePlusImporterMappingTest, CharacterReferencesAndAccentsAreDecodedOnce) {
  // XML unescaping first ("&amp;eacute;" -> "&eacute;"), then gumbo's HTML
  // decoding ("&eacute;" -> "é"); literal UTF-8 passes through both.
  const std::string file = TopicsFile(
      "<health-topic title=\"Ni&#241;os &amp; ni&#xF1;as\" url=\"https://medlineplus.gov/x.html\" "
      "id=\"7\" language=\"Spanish\" date-created=\"01/07/2003\"><full-summary>"
      "&lt;p&gt;&amp;iquest;Qu&amp;eacute; es? &#161;S&#237;! á é í ó ú ñ ¿ ¡ "
      "&amp;amp; &amp;lt;b&amp;gt; &amp;#241;&lt;/p&gt;</full-summary></health-topic>");
  Requests requests = ImportOrDie(file);
  ASSERT_EQ(requests.size(), 1u);
  const v1::Article& article = requests[0].article();
  EXPECT_EQ(article.title(), "Niños & niñas");
  EXPECT_EQ(article.name(), "articles/ninos-ninas");
  EXPECT_EQ(article.summary(), "¿Qué es? ¡Sí! á é í ó ú ñ ¿ ¡ & <b> ñ");
}

TEST(MedlinePlusImporterMappingTest, UnlinkedSpanishTopicIsAnArticleOfItsOwn) {
  Requests requests = ImportOrDie(TopicsFile(
      Topic("1", "Cólicos del lactante: ¿qué hacer?", "Spanish", "<p>Texto.</p>") +
      Topic("2", "Back Pain", "English", "<p>Backs hurt.</p>",
            "<language-mapped-topic id=\"99\" language=\"Spanish\">Otro</language-mapped-topic>")));
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].article().name(), "articles/back-pain");
  EXPECT_EQ(requests[1].article().name(), "articles/colicos-del-lactante-que-hacer");
  EXPECT_FALSE(requests[1].article().has_translation_of());
}

TEST(MedlinePlusImporterMappingTest, ALinkFromEitherSideMakesATranslation) {
  // Only the English topic names the Spanish one; the Spanish comes first.
  Requests requests = ImportOrDie(
      TopicsFile(Topic("20", "Dolor de espalda", "Spanish", "<p>Duele.</p>") +
                 Topic("10", "Back Pain", "English", "<p>Backs hurt.</p>",
                       "<language-mapped-topic id=\"20\" language=\"Spanish\">Dolor de espalda"
                       "</language-mapped-topic>")));
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].article().name(), "articles/back-pain");
  EXPECT_EQ(requests[1].article().name(), "articles/back-pain-es");
  EXPECT_EQ(requests[1].article().translation_of().article(), "articles/back-pain");
}

TEST(MedlinePlusImporterMappingTest, ATranslationSlugStaysWithinTheLimit) {
  const std::string title = absl::StrCat(std::string(60, 'a'), " ", std::string(39, 'b'));
  Requests requests = ImportOrDie(TopicsFile(
      Topic("1", title, "English", "<p>Text.</p>") +
      Topic("2", "Traducción", "Spanish", "<p>Texto.</p>",
            "<language-mapped-topic id=\"1\" language=\"English\">x</language-mapped-topic>")));
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].article().name(),
            absl::StrCat("articles/", title.substr(0, 60), "-", title.substr(61)));
  EXPECT_EQ(requests[1].article().name(), absl::StrCat("articles/", title.substr(0, 60), "-es"));
}

TEST(MedlinePlusImporterMappingTest, ALongFirstParagraphIsCutAtAWordBoundary) {
  std::string paragraph;
  while (paragraph.size() < 2500) paragraph += "Tiene dolor abdominal ";
  Requests requests = ImportOrDie(
      TopicsFile(Topic("1", "Long", "English", absl::StrCat("<p>", paragraph, "</p>"))));
  ASSERT_EQ(requests.size(), 1u);
  const std::string& summary = requests[0].article().summary();
  EXPECT_LE(summary.size(), 2000u);
  EXPECT_GE(summary.size(), 1980u);
  EXPECT_TRUE(absl::EndsWith(summary, "abdominal\u2026") ||
              absl::EndsWith(summary, "dolor\u2026") || absl::EndsWith(summary, "Tiene\u2026"))
      << summary.substr(summary.size() - 30);
}

TEST(MedlinePlusImporterMappingTest, SummaryLinksAreMadeAbsoluteOnTheTopicsSite) {
  Requests requests = ImportOrDie(TopicsFile(Topic(
      "1", "Links", "English",
      "<p>See <a href=\"/ency/article/003120.htm\">pain</a>, <a href=\"mailto:x@y.z\">mail</a> "
      "and <a href=\"https://example.org/a\">more</a>.</p>")));
  ASSERT_EQ(requests.size(), 1u);
  const auto& spans = requests[0].article().lead(0).paragraph().spans();
  ASSERT_EQ(spans.size(), 5);
  EXPECT_EQ(spans[1].link_uri(), "https://medlineplus.gov/ency/article/003120.htm");
  EXPECT_EQ(spans[2].text(), ", mail and ");
  EXPECT_EQ(spans[2].link_uri(), "");
  EXPECT_EQ(spans[3].link_uri(), "https://example.org/a");
}

TEST(MedlinePlusImporterMappingTest, UnusableAndRepeatedSitesAreSkipped) {
  Requests requests = ImportOrDie(TopicsFile(Topic(
      "1", "Sites", "English", "<p>Text.</p>",
      "<site title=\"One\" url=\"https://example.org/one\"/>"
      "<site title=\"No url\"/>"
      "<site title=\"Mail\" url=\"mailto:x@example.org\"/>"
      "<site url=\"https://example.org/untitled\"/>"
      "<site title=\"One again\" url=\"https://EXAMPLE.org/one/\"/>"
      "<site title=\"Two\" url=\"http://example.org/two\"><organization> A \n B </organization>"
      "<organization>C</organization></site>")));
  ASSERT_EQ(requests.size(), 1u);
  const v1::Article& article = requests[0].article();
  ASSERT_EQ(article.references_size(), 2);
  EXPECT_EQ(article.references(0).title(), "One");
  EXPECT_EQ(article.references(1).title(), "Two");
  EXPECT_EQ(article.references(1).publisher(), "A B; C");
}

TEST(MedlinePlusImporterMappingTest, TheExternalDtdIsNotRead) {
  // The real file names NLM's DTD over https; a DTD is never fetched, so
  // one naming a local file that is not a DTD at all does not matter.
  Requests requests = ImportOrDie(
      WithDoctype(OneTopicFile(), "<!DOCTYPE health-topics SYSTEM \"file:///etc/passwd\">"));
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].article().name(), "articles/back-pain");
}

// ---------------------------------------------------------------------------
// Refused files: the code and the message, which names the problem.

struct RefusedCase {
  const char* name;
  std::string xml;
  std::string message;  // after "test.xml: "
};

std::vector<RefusedCase> RefusedCases() {
  const std::string english = Topic("1", "Back Pain", "English", "<p>Backs hurt.</p>");
  const std::string body = english;
  auto without = [&](const std::string& attribute) {
    std::string topic = english;
    size_t at = topic.find(absl::StrCat(" ", attribute, "=\""));
    size_t end = topic.find('"', topic.find('"', at) + 1);
    topic.erase(at, end + 1 - at);
    return TopicsFile(topic);
  };
  auto replaced = [&](const std::string& from, const std::string& to) {
    return TopicsFile(absl::StrReplaceAll(english, {{from, to}}));
  };
  std::string deep = "<p>";
  for (int i = 0; i < 100; ++i) deep += "<span>";
  deep += "deep";
  return {
      {"no title", without("title"), "health-topic id=\"1\": has no title attribute"},
      {"no id", without("id"), "health-topic #1: has no id attribute"},
      {"no language", without("language"),
       "health-topic id=\"1\" (\"Back Pain\"): has no language attribute"},
      {"no url", without("url"),
       "health-topic id=\"1\" (\"Back Pain\"): has no url attribute holding an absolute http(s) "
       "URL"},
      {"no date-created", without("date-created"),
       "health-topic id=\"1\" (\"Back Pain\"): has no date-created attribute"},
      {"unknown language", replaced("language=\"English\"", "language=\"French\""),
       "health-topic id=\"1\" (\"Back Pain\"): language=\"French\" is not English or Spanish"},
      {"bad date-created", replaced("01/07/2003", "02/30/2003"),
       "health-topic id=\"1\" (\"Back Pain\"): date-created=\"02/30/2003\" is not a date "
       "(MM/DD/YYYY)"},
      {"date-created after the file", replaced("01/07/2003", "01/07/2013"),
       "health-topic id=\"1\" (\"Back Pain\"): date-created=\"01/07/2013\" is after the file's "
       "date-generated (2012-07-21)"},
      {"bad date-generated", TopicsFile(body, "2012-07-21"),
       "<health-topics> date-generated=\"2012-07-21\" is not a date (MM/DD/YYYY)"},
      {"date-generated not a time", TopicsFile(body, "07/21/2012 noon"),
       "<health-topics> date-generated=\"07/21/2012 noon\" is not a date (MM/DD/YYYY)"},
      {"no date-generated",
       absl::StrReplaceAll(TopicsFile(body), {{"date-generated=\"07/21/2012 02:32:56\"", ""}}),
       "<health-topics> has no date-generated attribute (MM/DD/YYYY: the day NLM generated the "
       "file, which keys the revisions)"},
      {"no summary",
       TopicsFile("<health-topic title=\"Back Pain\" url=\"https://medlineplus.gov/b.html\" "
                  "id=\"1\" language=\"English\" date-created=\"01/07/2003\"/>"),
       "health-topic id=\"1\" (\"Back Pain\"): has no full-summary element"},
      {"empty summary", TopicsFile(Topic("1", "Back Pain", "English", "<p> </p>")),
       "health-topic id=\"1\" (\"Back Pain\"): full-summary has no text"},
      {"deep summary", TopicsFile(Topic("1", "Back Pain", "English", deep)),
       "health-topic id=\"1\" (\"Back Pain\"): full-summary: HTML nests deeper than 64 elements"},
      {"title without a letter", replaced("Back Pain", "?!"),
       "health-topic id=\"1\" (\"?!\"): title gives no article slug (it has no letter or digit)"},
      {"two topics, one article",
       TopicsFile(english + Topic("2", "Back pain", "English", "<p>Again.</p>")),
       "health-topics id=\"1\" and id=\"2\" both give articles/back-pain"},
      {"repeated id", TopicsFile(english + Topic("1", "Neck Pain", "English", "<p>Neck.</p>")),
       "health-topic id=\"1\" (\"Neck Pain\"): repeats the id of an earlier health-topic"},
      {"wrong root", "<?xml version=\"1.0\"?><topics/>",
       "is not a MedlinePlus health-topics file: the root element is <topics>, not "
       "<health-topics>"},
      {"no topics", TopicsFile(""), "has no <health-topic>"},
      {"internal entity",
       WithDoctype(replaced("Back Pain", "&t; Pain"),
                   "<!DOCTYPE health-topics [<!ENTITY t \"Back\">]>"),
       "declares the entity \"t\" (<!ENTITY ...>); entities are refused"},
      {"parameter entity",
       "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><x/>",
       "declares the entity \"p\" (<!ENTITY ...>); entities are refused"},
      {"undeclared entity in text", replaced("Backs hurt.", "&secret;"),
       "refers to the entity &secret;; only &amp; &lt; &gt; &quot; &apos; are accepted"},
      {"undeclared entity in an attribute", replaced("Back Pain", "&secret;"),
       "refers to the entity &secret;; only &amp; &lt; &gt; &quot; &apos; are accepted"},
  };
}

TEST(MedlinePlusImporterRefusedTest, EachIsInvalidArgumentNamingTheProblem) {
  for (const RefusedCase& c : RefusedCases()) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<Requests> requests = importers::ImportMedlinePlusTopics(c.xml, "test.xml");
    ASSERT_FALSE(requests.ok());
    EXPECT_EQ(requests.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(requests.status().message(), absl::StrCat("test.xml: ", c.message));
  }
}

TEST(MedlinePlusImporterRefusedTest, NotXmlAndTruncatedXml) {
  const std::string corpus = CorpusFile(kTopicsFile);
  for (const std::string& xml :
       {std::string("hello, world"), std::string(), corpus.substr(0, corpus.size() / 2),
        corpus.substr(0, corpus.size() - 20), std::string("\xff\xfe\x00<\x00x\x00", 7),
        OneTopicFile() + "<extra/>"}) {
    SCOPED_TRACE(xml.substr(0, 40));
    absl::StatusOr<Requests> requests = importers::ImportMedlinePlusTopics(xml, "test.xml");
    ASSERT_FALSE(requests.ok());
    EXPECT_EQ(requests.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(requests.status().message()),
                StartsWith("test.xml: is not well-formed XML: line "));
  }
}

TEST(MedlinePlusImporterRefusedTest, OversizeFileIsRefusedBeforeParsing) {
  std::string xml(importers::kMaxMedlinePlusFileBytes + 1, ' ');
  absl::StatusOr<Requests> requests = importers::ImportMedlinePlusTopics(xml, "big.xml");
  ASSERT_FALSE(requests.ok());
  EXPECT_EQ(requests.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(requests.status().message(), "big.xml: is 67108865 bytes; the limit is 67108864");
}

TEST(MedlinePlusImporterRefusedTest, ExternalEntityIsNeitherReadNorExpanded) {
  TempDir dir;
  WriteFileOrDie(dir.File("secret.txt"), "TOP-SECRET-CONTENT");
  WriteFileOrDie(dir.File("evil.dtd"), "<!ENTITY leak \"TOP-SECRET-FROM-DTD\">");
  const std::string topic_with =
      "<health-topic title=\"&xxe;\" url=\"https://medlineplus.gov/b\" "
      "id=\"1\" language=\"English\" date-created=\"01/07/2003\">"
      "<full-summary>&lt;p&gt;&xxe;&lt;/p&gt;</full-summary>"
      "</health-topic>";
  const std::vector<std::pair<std::string, std::string>> cases = {
      // A SYSTEM entity naming a file, and /etc/passwd.
      {absl::StrCat("<?xml version=\"1.0\"?><!DOCTYPE health-topics [<!ENTITY xxe SYSTEM \"file://",
                    dir.File("secret.txt"), "\">]><health-topics date-generated=\"07/21/2012\">",
                    topic_with, "</health-topics>"),
       "declares the entity \"xxe\""},
      {absl::StrCat("<?xml version=\"1.0\"?><!DOCTYPE health-topics [<!ENTITY xxe SYSTEM "
                    "\"file:///etc/passwd\">]><health-topics date-generated=\"07/21/2012\">",
                    topic_with, "</health-topics>"),
       "declares the entity \"xxe\""},
      // An entity declared in an external DTD: the DTD is not loaded, so the
      // reference is to an undeclared entity.
      {absl::StrCat("<?xml version=\"1.0\"?><!DOCTYPE health-topics SYSTEM \"",
                    dir.File("evil.dtd"), "\"><health-topics date-generated=\"07/21/2012\">",
                    absl::StrReplaceAll(topic_with, {{"xxe", "leak"}}), "</health-topics>"),
       "refers to the entity &leak;"},
  };
  for (const auto& [xml, message] : cases) {
    SCOPED_TRACE(message);
    absl::StatusOr<Requests> requests = importers::ImportMedlinePlusTopics(xml, "test.xml");
    ASSERT_FALSE(requests.ok());
    EXPECT_EQ(requests.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(requests.status().message()), HasSubstr(message));
    EXPECT_THAT(std::string(requests.status().message()), Not(HasSubstr("TOP-SECRET")));
    EXPECT_THAT(std::string(requests.status().message()), Not(HasSubstr("root:")));
  }
}

TEST(MedlinePlusImporterRefusedTest, BillionLaughsIsRefusedAtOnce) {
  std::string doctype = "<!DOCTYPE health-topics [<!ENTITY lol \"lol\">";
  for (int i = 2; i <= 9; ++i) {
    absl::StrAppend(&doctype, "<!ENTITY lol", i, " \"");
    for (int j = 0; j < 10; ++j) {
      absl::StrAppend(&doctype, "&lol", i == 2 ? "" : std::to_string(i - 1), ";");
    }
    absl::StrAppend(&doctype, "\">");
  }
  doctype += "]>";
  const std::string xml =
      absl::StrCat("<?xml version=\"1.0\"?>", doctype,
                   "<health-topics date-generated=\"07/21/2012\"><health-topic title=\"&lol9;\" "
                   "url=\"https://medlineplus.gov/b\" id=\"1\" language=\"English\" "
                   "date-created=\"01/07/2003\"><full-summary>&lol9;</full-summary></health-topic>"
                   "</health-topics>");
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<Requests> requests = importers::ImportMedlinePlusTopics(xml, "lol.xml");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(requests.ok());
  EXPECT_EQ(requests.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(requests.status().message(),
            "lol.xml: declares the entity \"lol\" (<!ENTITY ...>); entities are refused");
  EXPECT_LT(elapsed, std::chrono::seconds(1));
}

TEST(MedlinePlusImporterRefusedTest, InvalidRequestsCarryTheFieldAndTheTopic) {
  std::string names;
  for (int i = 0; i < 51; ++i) absl::StrAppend(&names, "<also-called>Name ", i, "</also-called>");
  absl::StatusOr<Requests> requests = importers::ImportMedlinePlusTopics(
      TopicsFile(Topic("1", "Back Pain", "English", "<p>Backs hurt.</p>", names)), "test.xml");
  ASSERT_FALSE(requests.ok());
  EXPECT_EQ(requests.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(requests.status().message()),
              StartsWith("test.xml: health-topic id=\"1\" (\"Back Pain\"): "));
  google::rpc::BadRequest bad;
  ASSERT_TRUE(GetBadRequest(requests.status(), &bad));
  ASSERT_EQ(bad.field_violations_size(), 1);
  EXPECT_EQ(bad.field_violations(0).field(), "article.also_called");
}

}  // namespace
}  // namespace healthcontent
