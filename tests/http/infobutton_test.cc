// The Infobutton (MedlinePlus Connect) face without a server: request
// parameters to RetrieveKnowledgeRequest, and responses to the feed clients
// read. The request URLs and the recorded answer are MedlinePlus Connect's,
// from ../shared/corpus/medlineplus-connect/ (U.S. National Library of
// Medicine; its text is in the public domain); URLs not recorded there are
// built from the values its README lists as sent by real clients.
#include "http/infobutton.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/field_errors.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/knowledge_service.pb.h"
#include "http/rest_routes.h"
#include "nlohmann/json.hpp"

namespace healthcontent::http {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::StartsWith;
using Params = std::vector<std::pair<std::string, std::string>>;

// The two recorded requests (the keys of recorded_responses.json).
constexpr char kRecordedG9332[] =
    "https://connect.medlineplus.gov/service?knowledgeResponseType=application%2Fjson"
    "&mainSearchCriteria.v.c=G93.32&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90";
constexpr char kRecordedG9331[] =
    "https://connect.medlineplus.gov/service?knowledgeResponseType=application%2Fjson"
    "&mainSearchCriteria.v.c=G93.31&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90";

// The recorded answer to kRecordedG9332, its summary cut to its first heading.
constexpr char kRecordedG9332Response[] = R"json({
 "feed": {
  "base": "https://medlineplus.gov/",
  "lang": "en",
  "xsi": "http://www.w3.org/2001/XMLSchema-instance",
  "title": {"type": "text", "_value": "MedlinePlus Connect"},
  "updated": {"_value": "2026-10-08T13:38:08Z"},
  "id": {"_value": ""},
  "author": {
   "name": {"_value": "U.S. National Library of Medicine"},
   "uri": {"_value": "https://www.nlm.nih.gov"}
  },
  "subtitle": {"type": "text", "_value": "MedlinePlus Connect results for ICD-10-CM G93.32"},
  "category": [
   {"scheme": "mainSearchCriteria.v.c", "term": "G93.32"},
   {"scheme": "mainSearchCriteria.v.cs", "term": "ICD10CM"},
   {"scheme": "mainSearchCriteria.v.dn", "term": ""},
   {"scheme": "informationRecipient", "term": "PAT"}
  ],
  "entry": [
   {
    "title": {"_value": "Myalgic Encephalomyelitis/Chronic Fatigue Syndrome", "type": "text"},
    "link": [
     {
      "href": "https://medlineplus.gov/myalgicencephalomyelitischronicfatiguesyndrome.html?utm_source=mplusconnect&utm_medium=service",
      "rel": "alternate"
     }
    ],
    "id": {
     "_value": "tag: medlineplus.gov, 2026-08-10:/myalgicencephalomyelitischronicfatiguesyndrome.html?utm_source=mplusconnect&utm_medium=application"
    },
    "summary": {
     "type": "html",
     "_value": "<h3>What is myalgic encephalomyelitis/chronic fatigue syndrome (ME/CFS)?</h3>"
    },
    "updated": {"_value": "2026-10-08T13:38:08Z"}
   }
  ]
 }
})json";

// The query of `url`, percent-decoded into pairs as the HTTP face reads it.
Params QueryOf(absl::string_view url) {
  Params params;
  const size_t question = url.find('?');
  const absl::Status status = ParseQuery(
      question == absl::string_view::npos ? absl::string_view() : url.substr(question + 1),
      &params);
  EXPECT_TRUE(status.ok()) << status;
  return params;
}

// The (field, description) violations of a failed parse.
std::vector<std::pair<std::string, std::string>> Violations(
    const absl::StatusOr<InfobuttonQuery>& parsed) {
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << parsed.status();
  google::rpc::BadRequest bad;
  EXPECT_TRUE(GetBadRequest(parsed.status(), &bad)) << parsed.status();
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& v : bad.field_violations()) out.emplace_back(v.field(), v.description());
  return out;
}

template <typename Message>
Message FromText(const std::string& text) {
  Message message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &message)) << text;
  return message;
}

void ExpectRequest(const v1::RetrieveKnowledgeRequest& actual, const std::string& expected) {
  EXPECT_EQ(actual.ShortDebugString(),
            FromText<v1::RetrieveKnowledgeRequest>(expected).ShortDebugString());
}

InfobuttonQuery MustParse(absl::string_view url, absl::string_view accept = "") {
  absl::StatusOr<InfobuttonQuery> query = ParseInfobuttonQuery(QueryOf(url), accept);
  EXPECT_TRUE(query.ok()) << url << ": " << query.status();
  return query.ok() ? *std::move(query) : InfobuttonQuery();
}

// A request of the recorded shape, with `extra` parameters appended.
std::string G9332With(absl::string_view extra) {
  return absl::StrCat(
      "/infobutton/service?mainSearchCriteria.v.c=G93.32"
      "&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90",
      extra);
}

constexpr char kIcd10Cm[] = "http://hl7.org/fhir/sid/icd-10-cm";

TEST(InfobuttonParseTest, RecordedRequestAsksForJsonAboutAnIcd10CmCode) {
  const InfobuttonQuery query = MustParse(kRecordedG9332);
  ExpectRequest(query.request, R"pb(
    criteria { coding { system: "http://hl7.org/fhir/sid/icd-10-cm" code: "G93.32" } }
    language_codes: "en"
  )pb");
  EXPECT_EQ(query.request.audience(), v1::AUDIENCE_UNSPECIFIED);
  EXPECT_EQ(query.format, InfobuttonFormat::kJson);
  EXPECT_EQ(query.callback, "");
  ASSERT_EQ(query.criteria.size(), 1u);
  EXPECT_EQ(query.criteria[0].code, "G93.32");
  EXPECT_EQ(query.criteria[0].system_short_name, "ICD10CM");
  EXPECT_EQ(query.criteria[0].system_name, "ICD-10-CM");
  EXPECT_EQ(query.criteria[0].display, "");
  EXPECT_EQ(query.recipient, "PAT");
  EXPECT_EQ(query.language, "en");

  const InfobuttonQuery other = MustParse(kRecordedG9331);
  ASSERT_EQ(other.request.criteria_size(), 1);
  EXPECT_EQ(other.request.criteria(0).coding().code(), "G93.31");
}

TEST(InfobuttonParseTest, DrugForAProviderInSpanishAsAtom) {
  const InfobuttonQuery query = MustParse(
      "https://connect.medlineplus.gov/service?mainSearchCriteria.v.cs=2.16.840.1.113883.6.88"
      "&mainSearchCriteria.v.c=860975&mainSearchCriteria.v.dn=Metformin+500+MG+Oral+Tablet"
      "&informationRecipient=PROV&informationRecipient.languageCode.c=sp"
      "&taskContext.c.c=MEDOE&knowledgeResponseType=text%2Fxml");
  ExpectRequest(query.request, R"pb(
    criteria {
      coding {
        system: "http://www.nlm.nih.gov/research/umls/rxnorm"
        code: "860975"
        display: "Metformin 500 MG Oral Tablet"
      }
    }
    audience: AUDIENCE_PROFESSIONAL
    language_codes: "es"
  )pb");
  EXPECT_EQ(query.format, InfobuttonFormat::kAtomXml);
  ASSERT_EQ(query.criteria.size(), 1u);
  EXPECT_EQ(query.criteria[0].code, "860975");
  EXPECT_EQ(query.criteria[0].system_short_name, "RXNORM");
  EXPECT_EQ(query.criteria[0].system_name, "RxNorm");
  EXPECT_EQ(query.criteria[0].display, "Metformin 500 MG Oral Tablet");
  EXPECT_EQ(query.recipient, "PROV");
  EXPECT_EQ(query.language, "es");
}

TEST(InfobuttonParseTest, LowerCaseCodeIsNormalizedButEchoedAsSent) {
  const InfobuttonQuery query = MustParse(
      "https://connect.medlineplus.gov/service?mainSearchCriteria.v.c=k58.9"
      "&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"
      "&mainSearchCriteria.v.ot=Irritable+Bowel+Syndrome&informationRecipient=PAT"
      "&taskContext.c.c=PROBLISTREV&subTopic.v.c=Q000628");
  ExpectRequest(query.request, R"pb(
    criteria {
      coding { system: "http://hl7.org/fhir/sid/icd-10-cm" code: "K58.9" }
      original_text: "Irritable Bowel Syndrome"
    }
    audience: AUDIENCE_PATIENT
    language_codes: "en"
  )pb");
  EXPECT_EQ(query.format, InfobuttonFormat::kAtomXml);
  ASSERT_EQ(query.criteria.size(), 1u);
  EXPECT_EQ(query.criteria[0].code, "k58.9");
}

TEST(InfobuttonParseTest, EveryOidOfTheReadmeMapsToItsSystem) {
  struct Case {
    std::string oid, code, uri, short_name;
  };
  const std::vector<Case> cases = {
      {"2.16.840.1.113883.6.90", "R51", kIcd10Cm, "ICD10CM"},
      {"2.16.840.1.113883.6.96", "38341003", "http://snomed.info/sct", "SNOMEDCT"},
      {"2.16.840.1.113883.6.88", "860975", "http://www.nlm.nih.gov/research/umls/rxnorm", "RXNORM"},
      {"2.16.840.1.113883.6.1", "2345-7", "http://loinc.org", "LOINC"},
      // Known but not held: they pass, and the service answers with nothing.
      {"2.16.840.1.113883.6.103", "564.1", "http://hl7.org/fhir/sid/icd-9-cm", "ICD9CM"},
      {"2.16.840.1.113883.6.69", "0002-1433-80", "http://hl7.org/fhir/sid/ndc", "NDC"},
      {"2.16.840.1.113883.6.12", "99213", "http://www.ama-assn.org/go/cpt", "CPT"},
      // The same systems by URN, URI and short name.
      {"urn:oid:2.16.840.1.113883.6.90", "C50", kIcd10Cm, "ICD10CM"},
      {"http://snomed.info/sct", "73211009", "http://snomed.info/sct", "SNOMEDCT"},
      {"icd10cm", "C50", kIcd10Cm, "ICD10CM"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.oid);
    const InfobuttonQuery query = MustParse(absl::StrCat(
        "/infobutton/service?mainSearchCriteria.v.c=", c.code, "&mainSearchCriteria.v.cs=", c.oid));
    ASSERT_EQ(query.request.criteria_size(), 1);
    EXPECT_EQ(query.request.criteria(0).coding().system(), c.uri);
    EXPECT_EQ(query.request.criteria(0).coding().code(), c.code);
    ASSERT_EQ(query.criteria.size(), 1u);
    EXPECT_EQ(query.criteria[0].system_short_name, c.short_name);
  }
}

TEST(InfobuttonParseTest, LanguageDefaultsToEnglishAndSpMeansSpanish) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "en"},
      {"&informationRecipient.languageCode.c=en", "en"},
      {"&informationRecipient.languageCode.c=es", "es"},
      {"&informationRecipient.languageCode.c=sp", "es"},
      {"&informationRecipient.languageCode.c=SP", "es"},
      {"&informationRecipient.languageCode.c=es-MX", "es-MX"},
      {"&informationRecipient.languageCode.c=", "en"},
  };
  for (const auto& [extra, language] : cases) {
    SCOPED_TRACE(extra);
    const InfobuttonQuery query = MustParse(G9332With(extra));
    EXPECT_EQ(query.language, language);
    EXPECT_THAT(query.request.language_codes(), ElementsAre(language));
  }
}

TEST(InfobuttonParseTest, InformationRecipientChoosesTheAudience) {
  struct Case {
    std::string extra;
    v1::Audience audience;
    std::string echoed;
  };
  const std::vector<Case> cases = {
      {"", v1::AUDIENCE_UNSPECIFIED, "PAT"},
      {"&informationRecipient=PAT", v1::AUDIENCE_PATIENT, "PAT"},
      {"&informationRecipient=pat", v1::AUDIENCE_PATIENT, "PAT"},
      {"&informationRecipient=PROV", v1::AUDIENCE_PROFESSIONAL, "PROV"},
      {"&informationRecipient=Prov", v1::AUDIENCE_PROFESSIONAL, "PROV"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.extra);
    const InfobuttonQuery query = MustParse(G9332With(c.extra));
    EXPECT_EQ(query.request.audience(), c.audience);
    EXPECT_EQ(query.recipient, c.echoed);
  }
}

TEST(InfobuttonParseTest, FormatFromKnowledgeResponseTypeThenAccept) {
  struct Case {
    std::string extra;
    std::string accept;
    InfobuttonFormat format;
  };
  const std::vector<Case> cases = {
      {"", "", InfobuttonFormat::kAtomXml},
      {"&knowledgeResponseType=text/xml", "", InfobuttonFormat::kAtomXml},
      {"&knowledgeResponseType=application/json", "", InfobuttonFormat::kJson},
      {"&knowledgeResponseType=application%2Fjson", "", InfobuttonFormat::kJson},
      {"&knowledgeResponseType=Application/JSON", "", InfobuttonFormat::kJson},
      {"&knowledgeResponseType=application/javascript&callback=cb", "", InfobuttonFormat::kJsonp},
      {"", "application/json", InfobuttonFormat::kJson},
      {"", "application/json, text/plain, */*", InfobuttonFormat::kJson},
      {"", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
       InfobuttonFormat::kAtomXml},
      {"", "application/json;q=0, text/xml", InfobuttonFormat::kAtomXml},
      {"", "text/plain", InfobuttonFormat::kAtomXml},
      // knowledgeResponseType wins over Accept.
      {"&knowledgeResponseType=text/xml", "application/json", InfobuttonFormat::kAtomXml},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.extra, " Accept: ", c.accept));
    EXPECT_EQ(MustParse(G9332With(c.extra), c.accept).format, c.format);
  }
}

TEST(InfobuttonParseTest, JsonpTakesAJavaScriptNameAsCallback) {
  const std::vector<std::string> names = {"cb", "jQuery3600_1700000000000", "$.handlers.done",
                                          "_x1", std::string(64, 'a')};
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    const InfobuttonQuery query = MustParse(G9332With(
        absl::StrCat("&knowledgeResponseType=application/javascript", "&callback=", name)));
    EXPECT_EQ(query.format, InfobuttonFormat::kJsonp);
    EXPECT_EQ(query.callback, name);
  }
}

TEST(InfobuttonParseTest, JsonpRefusesCallbacksThatCouldRunScript) {
  EXPECT_THAT(
      Violations(ParseInfobuttonQuery(QueryOf(G9332With(
          "&knowledgeResponseType=application/javascript&callback=alert(document.cookie)//")))),
      ElementsAre(Pair("callback",
                       "\"alert(document.cookie)//\" is not a JavaScript function name: 1-64 "
                       "letters, digits, '_', '$' and '.', not starting with a digit or '.'")));
  const std::vector<std::string> bad_names = {
      "a b",      "1abc",       ".a",
      "a-b",      "x;alert(1)", "</script><script>alert(1)</script>",
      "a\\u0028", "f[0]",       std::string(65, 'a')};
  for (const std::string& name : bad_names) {
    SCOPED_TRACE(name);
    Params params = QueryOf(G9332With("&knowledgeResponseType=application/javascript"));
    params.emplace_back("callback", name);
    const auto violations = Violations(ParseInfobuttonQuery(params));
    ASSERT_EQ(violations.size(), 1u);
    EXPECT_EQ(violations[0].first, "callback");
    EXPECT_THAT(violations[0].second, HasSubstr("is not a JavaScript function name"));
  }
  EXPECT_THAT(Violations(ParseInfobuttonQuery(
                  QueryOf(G9332With("&knowledgeResponseType=application/javascript")))),
              ElementsAre(Pair("callback",
                               "is required with knowledgeResponseType=application/javascript "
                               "(JSONP)")));
}

TEST(InfobuttonParseTest, MissingCodeOrSystemIsRefusedNamingTheParameter) {
  const absl::StatusOr<InfobuttonQuery> no_code = ParseInfobuttonQuery(
      QueryOf("https://connect.medlineplus.gov/service?knowledgeResponseType=application%2Fjson"
              "&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.ot=Headache"));
  EXPECT_EQ(no_code.status().message(),
            "mainSearchCriteria.v.c: is required: the code to find education for, e.g. "
            "mainSearchCriteria.v.c=G93.32&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90");
  EXPECT_THAT(Violations(no_code),
              ElementsAre(Pair("mainSearchCriteria.v.c", HasSubstr("is required"))));

  EXPECT_THAT(
      Violations(ParseInfobuttonQuery(QueryOf("/infobutton/service?mainSearchCriteria.v.c=+"
                                              "&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"))),
      ElementsAre(Pair("mainSearchCriteria.v.c", "is required: the code to find education for")));

  EXPECT_THAT(Violations(ParseInfobuttonQuery(
                  QueryOf("/infobutton/service?mainSearchCriteria.v.c=G93.32"))),
              ElementsAre(Pair("mainSearchCriteria.v.cs",
                               "is required: the OID of the code's system, e.g. "
                               "2.16.840.1.113883.6.90 for ICD-10-CM")));
}

TEST(InfobuttonParseTest, UnknownSystemAndMalformedCodeAreRefused) {
  EXPECT_THAT(
      Violations(ParseInfobuttonQuery(QueryOf(
          "/infobutton/service?mainSearchCriteria.v.c=G93.32&mainSearchCriteria.v.cs=1.2.3.4"))),
      ElementsAre(
          Pair("mainSearchCriteria.v.cs",
               "\"1.2.3.4\" is not a known code system; use the OID of ICD-10-CM "
               "2.16.840.1.113883.6.90, SNOMED CT 2.16.840.1.113883.6.96, RxNorm "
               "2.16.840.1.113883.6.88, LOINC 2.16.840.1.113883.6.1, MeSH 2.16.840.1.113883.6.177, "
               "NCI Thesaurus 2.16.840.1.113883.3.26.1.1 (or of ICD-9-CM 2.16.840.1.113883.6.103, "
               "NDC 2.16.840.1.113883.6.69, CPT 2.16.840.1.113883.6.12, which answer with no "
               "entries)")));
  EXPECT_THAT(
      Violations(ParseInfobuttonQuery(QueryOf("/infobutton/service?mainSearchCriteria.v.c=G9"
                                              "&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"))),
      ElementsAre(Pair("mainSearchCriteria.v.c",
                       "ICD-10-CM code \"G9\" is malformed: a letter, a digit and a letter or "
                       "digit, then optionally a dot and 1-4 letters or digits (K22.0, C4A, "
                       "T36.0X1A)")));
}

TEST(InfobuttonParseTest, ValuesMustBeShortPlainText) {
  Params params = QueryOf(G9332With(""));
  params.emplace_back("mainSearchCriteria.v.dn", std::string(301, 'x'));
  EXPECT_THAT(Violations(ParseInfobuttonQuery(params)),
              ElementsAre(Pair("mainSearchCriteria.v.dn", "is 301 bytes; the limit is 300")));
  params.back().second = std::string(300, 'x');
  EXPECT_TRUE(ParseInfobuttonQuery(params).ok());

  params.back().second =
      "Head\x01"
      "ache";
  EXPECT_THAT(Violations(ParseInfobuttonQuery(params)),
              ElementsAre(Pair("mainSearchCriteria.v.dn",
                               "must be plain UTF-8 text without control characters")));
  EXPECT_THAT(
      Violations(ParseInfobuttonQuery({{"mainSearchCriteria.v.c", "G93\xff"},
                                       {"mainSearchCriteria.v.cs", "2.16.840.1.113883.6.90"}})),
      ElementsAre(
          Pair("mainSearchCriteria.v.c", "must be plain UTF-8 text without control characters")));
}

TEST(InfobuttonParseTest, AtMostTwentyCodes) {
  Params params = {{"mainSearchCriteria.v.cs", "2.16.840.1.113883.6.90"}};
  for (int i = 0; i < 20; ++i) {
    params.emplace_back("mainSearchCriteria.v.c", absl::StrCat("A", 10 + i));
  }
  absl::StatusOr<InfobuttonQuery> twenty = ParseInfobuttonQuery(params);
  ASSERT_TRUE(twenty.ok()) << twenty.status();
  EXPECT_EQ(twenty->request.criteria_size(), 20);
  EXPECT_EQ(twenty->request.criteria(19).coding().code(), "A29");

  params.emplace_back("mainSearchCriteria.v.c", "A30");
  EXPECT_THAT(Violations(ParseInfobuttonQuery(params)),
              ElementsAre(Pair("mainSearchCriteria.v.c",
                               "is given 21 times; the limit is 20 codes a request")));
}

TEST(InfobuttonParseTest, RepeatedCriteriaPairUpInOrder) {
  const InfobuttonQuery query = MustParse(
      "/infobutton/service?mainSearchCriteria.v.c=G93.32"
      "&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90&mainSearchCriteria.v.dn=ME/CFS"
      "&mainSearchCriteria.v.c=860975&mainSearchCriteria.v.cs=2.16.840.1.113883.6.88"
      "&mainSearchCriteria.v.dn=Metformin");
  ExpectRequest(query.request, R"pb(
    criteria {
      coding { system: "http://hl7.org/fhir/sid/icd-10-cm" code: "G93.32" display: "ME/CFS" }
    }
    criteria {
      coding {
        system: "http://www.nlm.nih.gov/research/umls/rxnorm"
        code: "860975"
        display: "Metformin"
      }
    }
    language_codes: "en"
  )pb");
  ASSERT_EQ(query.criteria.size(), 2u);
  EXPECT_EQ(query.criteria[1].system_name, "RxNorm");
  EXPECT_EQ(query.criteria[1].display, "Metformin");

  // One system serves every code.
  const InfobuttonQuery shared = MustParse(
      "/infobutton/service?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"
      "&mainSearchCriteria.v.c=G93.32&mainSearchCriteria.v.c=k58.9");
  ASSERT_EQ(shared.request.criteria_size(), 2);
  EXPECT_EQ(shared.request.criteria(1).coding().system(), kIcd10Cm);
  EXPECT_EQ(shared.request.criteria(1).coding().code(), "K58.9");
}

TEST(InfobuttonParseTest, MismatchedRepeatsAndBadRepeatedCodesAreRefused) {
  EXPECT_THAT(Violations(ParseInfobuttonQuery(QueryOf(
                  "/infobutton/service?mainSearchCriteria.v.c=G93.32&mainSearchCriteria.v.c=R51"
                  "&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"
                  "&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"
                  "&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"
                  "&mainSearchCriteria.v.dn=Fatigue"))),
              ElementsAre(Pair("mainSearchCriteria.v.cs",
                               "is given 3 times for 2 codes; give it once for all codes, or "
                               "once per mainSearchCriteria.v.c in the same order"),
                          Pair("mainSearchCriteria.v.dn",
                               "is given 1 time for 2 codes; give it once per "
                               "mainSearchCriteria.v.c in the same order, or not at all")));
  EXPECT_THAT(Violations(ParseInfobuttonQuery(QueryOf(
                  "/infobutton/service?mainSearchCriteria.v.c=G93.32&mainSearchCriteria.v.c=XYZ1"
                  "&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"))),
              ElementsAre(Pair("mainSearchCriteria.v.c[1]",
                               StartsWith("ICD-10-CM code \"XYZ1\" is malformed"))));
  EXPECT_THAT(Violations(ParseInfobuttonQuery(QueryOf(G9332With(
                  "&knowledgeResponseType=text/xml&knowledgeResponseType=application/json")))),
              ElementsAre(Pair("knowledgeResponseType", "is given 2 times; give it once")));
}

TEST(InfobuttonParseTest, EveryProblemIsReportedAtOnce) {
  EXPECT_THAT(
      Violations(ParseInfobuttonQuery(
          QueryOf("/infobutton/service?mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"
                  "&informationRecipient=NURSE&informationRecipient.languageCode.c=english!"
                  "&knowledgeResponseType=text/html"))),
      ElementsAre(
          Pair("mainSearchCriteria.v.c", HasSubstr("is required")),
          Pair("informationRecipient", "\"NURSE\" is not PAT (a patient) or PROV (a provider)"),
          Pair("informationRecipient.languageCode.c",
               "\"english!\" is not a language code like \"en\" or \"es\""),
          Pair("knowledgeResponseType",
               "\"text/html\" is not text/xml (Atom, the default), application/json or "
               "application/javascript (JSONP, with callback)")));
}

InfobuttonRenderOptions Options() {
  InfobuttonRenderOptions options;
  options.article_url_template = "https://portal.example/articles/{slug}";
  options.base = "https://portal.example/";
  options.feed_id = "https://portal.example/infobutton/service";
  options.title = "health-content";
  options.author_name = "Portal Health Library";
  options.author_uri = "https://portal.example";
  options.now = absl::FromCivil(absl::CivilSecond(2026, 10, 8, 13, 38, 8), absl::UTCTimeZone());
  return options;
}

constexpr char kChronicFatigue[] = R"pb(
  results {
    criterion { coding { system: "http://hl7.org/fhir/sid/icd-10-cm" code: "G93.32" } }
    matches {
      article: "articles/chronic-fatigue-syndrome"
      title: "Chronic fatigue syndrome (ME/CFS)"
      summary: "ME/CFS is a long-term condition with a wide range of symptoms."
      review_date { year: 2024 month: 3 day: 14 }
      language_code: "en-GB"
      match_type: MATCH_TYPE_EXACT
    }
  }
)pb";

std::string Text(const nlohmann::json& json, const std::string& pointer) {
  return json.at(nlohmann::json::json_pointer(pointer)).get<std::string>();
}

TEST(InfobuttonRenderTest, JsonHasTheFieldsClientsRead) {
  const std::string text =
      RenderInfobutton(MustParse(kRecordedG9332),
                       FromText<v1::RetrieveKnowledgeResponse>(kChronicFatigue), Options());
  const nlohmann::json json = nlohmann::json::parse(text);
  const std::string href = "https://portal.example/articles/chronic-fatigue-syndrome";
  EXPECT_EQ(Text(json, "/feed/entry/0/title/_value"), "Chronic fatigue syndrome (ME/CFS)");
  EXPECT_EQ(Text(json, "/feed/entry/0/title/type"), "text");
  EXPECT_EQ(Text(json, "/feed/entry/0/link/0/href"), href);
  EXPECT_EQ(Text(json, "/feed/entry/0/link/0/rel"), "alternate");
  EXPECT_EQ(Text(json, "/feed/entry/0/id/_value"), href);
  EXPECT_EQ(Text(json, "/feed/entry/0/summary/_value"),
            "<p>ME/CFS is a long-term condition with a wide range of symptoms.</p>");
  EXPECT_EQ(Text(json, "/feed/entry/0/summary/type"), "html");
  EXPECT_EQ(Text(json, "/feed/entry/0/updated/_value"), "2024-03-14T00:00:00Z");
  EXPECT_EQ(json.at("feed").at("entry").size(), 1u);

  EXPECT_EQ(Text(json, "/feed/base"), "https://portal.example/");
  EXPECT_EQ(Text(json, "/feed/lang"), "en");
  EXPECT_EQ(Text(json, "/feed/xsi"), "http://www.w3.org/2001/XMLSchema-instance");
  EXPECT_EQ(Text(json, "/feed/title/_value"), "health-content");
  EXPECT_EQ(Text(json, "/feed/title/type"), "text");
  EXPECT_EQ(Text(json, "/feed/updated/_value"), "2026-10-08T13:38:08Z");
  EXPECT_EQ(Text(json, "/feed/id/_value"), "https://portal.example/infobutton/service");
  EXPECT_EQ(Text(json, "/feed/author/name/_value"), "Portal Health Library");
  EXPECT_EQ(Text(json, "/feed/author/uri/_value"), "https://portal.example");
  EXPECT_EQ(Text(json, "/feed/subtitle/_value"), "health-content results for ICD-10-CM G93.32");
  EXPECT_EQ(Text(json, "/feed/subtitle/type"), "text");
  // The request echoed exactly as MedlinePlus Connect echoed the same request.
  EXPECT_EQ(json.at("feed").at("category").dump(),
            nlohmann::json::parse(kRecordedG9332Response).at("feed").at("category").dump());
}

// Every member path with its value's type, arrays by their elements, each
// once, in document order: "feed.entry[].title._value: string".
void CollectShape(const nlohmann::ordered_json& json, const std::string& path,
                  std::vector<std::string>* shape) {
  if (json.is_object()) {
    for (auto it = json.begin(); it != json.end(); ++it) {
      CollectShape(it.value(), absl::StrCat(path, ".", it.key()), shape);
    }
  } else if (json.is_array()) {
    for (const nlohmann::ordered_json& element : json) {
      CollectShape(element, absl::StrCat(path, "[]"), shape);
    }
  } else {
    const std::string leaf = absl::StrCat(path, ": ", json.type_name());
    if (std::find(shape->begin(), shape->end(), leaf) == shape->end()) shape->push_back(leaf);
  }
}

std::vector<std::string> Shape(const std::string& text) {
  std::vector<std::string> shape;
  CollectShape(nlohmann::ordered_json::parse(text), "", &shape);
  return shape;
}

TEST(InfobuttonRenderTest, JsonHasTheRecordedResponsesShapeAndOrder) {
  const std::string text =
      RenderInfobutton(MustParse(kRecordedG9332),
                       FromText<v1::RetrieveKnowledgeResponse>(kChronicFatigue), Options());
  EXPECT_EQ(Shape(text), Shape(kRecordedG9332Response));
}

TEST(InfobuttonRenderTest, NoMatchIsAnEmptyFeed) {
  const v1::RetrieveKnowledgeResponse none = FromText<v1::RetrieveKnowledgeResponse>(R"pb(
    results { criterion { coding { system: "http://hl7.org/fhir/sid/icd-10-cm" code: "G93.32" } } }
  )pb");
  const std::string text = RenderInfobutton(MustParse(kRecordedG9332), none, Options());
  EXPECT_THAT(text, HasSubstr(",\"entry\":[]}}"));
  const nlohmann::json json = nlohmann::json::parse(text);
  EXPECT_TRUE(json.at("feed").at("entry").is_array());
  EXPECT_TRUE(json.at("feed").at("entry").empty());
  EXPECT_EQ(json.at("feed").at("category").size(), 4u);

  // A system not held answers the same way.
  const InfobuttonQuery icd9 = MustParse(
      "/infobutton/service?mainSearchCriteria.v.c=564.1"
      "&mainSearchCriteria.v.cs=2.16.840.1.113883.6.103");
  const std::string xml = RenderInfobutton(
      icd9, FromText<v1::RetrieveKnowledgeResponse>(R"pb(
        results {
          criterion { coding { system: "http://hl7.org/fhir/sid/icd-9-cm" code: "564.1" } }
          system_not_held: true
        }
      )pb"),
      Options());
  EXPECT_THAT(xml, HasSubstr("<subtitle type=\"text\">health-content results for ICD-9-CM "
                             "564.1</subtitle>\n  <category scheme=\"mainSearchCriteria.v.c\" "
                             "term=\"564.1\"/>\n"));
  EXPECT_THAT(xml, ::testing::Not(HasSubstr("<entry>")));
  EXPECT_THAT(xml, ::testing::EndsWith("term=\"PAT\"/>\n</feed>\n"));
}

TEST(InfobuttonRenderTest, AtomXmlEscapesMarkup) {
  // mainSearchCriteria.v.dn = Fatigue <6 months & "ME"
  const InfobuttonQuery query =
      MustParse(G9332With("&mainSearchCriteria.v.dn=Fatigue+%3C6+months+%26+%22ME%22"));
  const std::string xml =
      RenderInfobutton(query, FromText<v1::RetrieveKnowledgeResponse>(R"pb(
                         results {
                           matches {
                             article: "articles/tiredness-and-fatigue"
                             title: "Children's tiredness & \"fatigue\" <5>"
                             summary: "Feeling tired <all the time> & \"drained\"."
                             review_date { year: 2023 month: 5 day: 2 }
                           }
                         }
                       )pb"),
                       Options());
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
            "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
            "xml:base=\"https://portal.example/\" xml:lang=\"en\">\n"
            "  <title type=\"text\">health-content</title>\n"
            "  <updated>2026-10-08T13:38:08Z</updated>\n"
            "  <id>https://portal.example/infobutton/service</id>\n"
            "  <author>\n"
            "    <name>Portal Health Library</name>\n"
            "    <uri>https://portal.example</uri>\n"
            "  </author>\n"
            "  <subtitle type=\"text\">health-content results for ICD-10-CM G93.32</subtitle>\n"
            "  <category scheme=\"mainSearchCriteria.v.c\" term=\"G93.32\"/>\n"
            "  <category scheme=\"mainSearchCriteria.v.cs\" term=\"ICD10CM\"/>\n"
            "  <category scheme=\"mainSearchCriteria.v.dn\" "
            "term=\"Fatigue &lt;6 months &amp; &quot;ME&quot;\"/>\n"
            "  <category scheme=\"informationRecipient\" term=\"PAT\"/>\n"
            "  <entry>\n"
            "    <title type=\"text\">Children&#39;s tiredness &amp; &quot;fatigue&quot; "
            "&lt;5&gt;</title>\n"
            "    <link href=\"https://portal.example/articles/tiredness-and-fatigue\" "
            "rel=\"alternate\"/>\n"
            "    <id>https://portal.example/articles/tiredness-and-fatigue</id>\n"
            "    <summary type=\"html\">&lt;p&gt;Feeling tired &amp;lt;all the time&amp;gt; "
            "&amp;amp; &amp;quot;drained&amp;quot;.&lt;/p&gt;</summary>\n"
            "    <updated>2023-05-02T00:00:00Z</updated>\n"
            "  </entry>\n"
            "</feed>\n");
}

TEST(InfobuttonRenderTest, JsonSummaryIsEscapedHtml) {
  const std::string text =
      RenderInfobutton(MustParse(kRecordedG9332), FromText<v1::RetrieveKnowledgeResponse>(R"pb(
                         results {
                           matches {
                             article: "articles/tiredness-and-fatigue"
                             title: "Tiredness <b>"
                             summary: "Tired <script>alert(1)</script> & 'drained'"
                           }
                         }
                       )pb"),
                       Options());
  const nlohmann::json json = nlohmann::json::parse(text);
  EXPECT_EQ(Text(json, "/feed/entry/0/summary/_value"),
            "<p>Tired &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#39;drained&#39;</p>");
  // Titles are text, as MedlinePlus Connect's are: not escaped.
  EXPECT_EQ(Text(json, "/feed/entry/0/title/_value"), "Tiredness <b>");
  // No review date: the entry is as new as the feed.
  EXPECT_EQ(Text(json, "/feed/entry/0/updated/_value"), "2026-10-08T13:38:08Z");
}

TEST(InfobuttonRenderTest, JsonpWrapsTheJsonInTheCallback) {
  const std::string url =
      G9332With("&knowledgeResponseType=application%2Fjavascript&callback=jQuery36_1700000000000");
  const InfobuttonQuery query = MustParse(url);
  const v1::RetrieveKnowledgeResponse response = FromText<v1::RetrieveKnowledgeResponse>(R"pb(
    results {
      matches {
        article: "articles/fatiga"
        title: "Fatiga \xe2\x80\x94 ni\xc3\xb1os\xe2\x80\xa8"
        summary: "Cansancio."
        review_date { year: 2024 month: 1 day: 9 }
      }
    }
  )pb");
  const std::string text = RenderInfobutton(query, response, Options());
  ASSERT_THAT(text, StartsWith("jQuery36_1700000000000({\"feed\":"));
  ASSERT_THAT(text, ::testing::EndsWith("});"));
  const std::string inner = text.substr(sizeof("jQuery36_1700000000000(") - 1,
                                        text.size() - (sizeof("jQuery36_1700000000000(") - 1) - 2);
  // Non-ASCII is escaped (so U+2028 cannot end a line of script).
  EXPECT_THAT(inner, HasSubstr("Fatiga \\u2014 ni\\u00f1os\\u2028"));
  for (char c : inner) ASSERT_LT(static_cast<unsigned char>(c), 0x80);

  InfobuttonQuery as_json = query;
  as_json.format = InfobuttonFormat::kJson;
  EXPECT_EQ(nlohmann::json::parse(inner).dump(),
            nlohmann::json::parse(RenderInfobutton(as_json, response, Options())).dump());
}

TEST(InfobuttonRenderTest, JsonpWithAnUncheckedCallbackIsPlainJson) {
  InfobuttonQuery query = MustParse(kRecordedG9332);
  query.format = InfobuttonFormat::kJsonp;
  query.callback = "alert(1)";
  const std::string text = RenderInfobutton(query, v1::RetrieveKnowledgeResponse(), Options());
  EXPECT_THAT(text, StartsWith("{\"feed\":"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("alert")));
}

TEST(InfobuttonRenderTest, EntriesFollowTheCodesAndNameEachArticleOnce) {
  const InfobuttonQuery query = MustParse(
      "/infobutton/service?knowledgeResponseType=application/json"
      "&informationRecipient.languageCode.c=sp&informationRecipient=PROV"
      "&mainSearchCriteria.v.c=G93.32&mainSearchCriteria.v.cs=2.16.840.1.113883.6.90"
      "&mainSearchCriteria.v.c=860975&mainSearchCriteria.v.cs=2.16.840.1.113883.6.88"
      "&mainSearchCriteria.v.dn=&mainSearchCriteria.v.dn=Metformin");
  const std::string text =
      RenderInfobutton(query, FromText<v1::RetrieveKnowledgeResponse>(R"pb(
                         results {
                           matches { article: "articles/fatiga" title: "Fatiga" }
                           matches { article: "articles/diabetes-tipo-2" title: "Diabetes tipo 2" }
                         }
                         results {
                           matches { article: "articles/metformina" title: "Metformina" }
                           matches { article: "articles/diabetes-tipo-2" title: "Diabetes tipo 2" }
                         }
                       )pb"),
                       Options());
  const nlohmann::json json = nlohmann::json::parse(text);
  const nlohmann::json& feed = json.at("feed");
  ASSERT_EQ(feed.at("entry").size(), 3u);
  EXPECT_EQ(Text(json, "/feed/entry/0/link/0/href"), "https://portal.example/articles/fatiga");
  EXPECT_EQ(Text(json, "/feed/entry/1/link/0/href"),
            "https://portal.example/articles/diabetes-tipo-2");
  EXPECT_EQ(Text(json, "/feed/entry/2/link/0/href"), "https://portal.example/articles/metformina");
  EXPECT_EQ(Text(json, "/feed/entry/0/summary/_value"), "");
  EXPECT_EQ(Text(json, "/feed/lang"), "es");
  EXPECT_EQ(Text(json, "/feed/subtitle/_value"),
            "health-content results for ICD-10-CM G93.32, RxNorm 860975");
  EXPECT_EQ(feed.at("category").dump(), nlohmann::json::parse(R"([
    {"scheme": "mainSearchCriteria.v.c", "term": "G93.32"},
    {"scheme": "mainSearchCriteria.v.cs", "term": "ICD10CM"},
    {"scheme": "mainSearchCriteria.v.dn", "term": ""},
    {"scheme": "mainSearchCriteria.v.c", "term": "860975"},
    {"scheme": "mainSearchCriteria.v.cs", "term": "RXNORM"},
    {"scheme": "mainSearchCriteria.v.dn", "term": "Metformin"},
    {"scheme": "informationRecipient", "term": "PROV"}
  ])")
                                            .dump());
}

TEST(InfobuttonRenderTest, ContentTypes) {
  EXPECT_EQ(InfobuttonContentType(InfobuttonFormat::kAtomXml), "text/xml; charset=utf-8");
  EXPECT_EQ(InfobuttonContentType(InfobuttonFormat::kJson), "application/json");
  EXPECT_EQ(InfobuttonContentType(InfobuttonFormat::kJsonp),
            "application/javascript; charset=utf-8");
}

}  // namespace
}  // namespace healthcontent::http
