#include "domain/coding.h"

#include <array>
#include <cstddef>
#include <iterator>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/field_errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/coding.pb.h"

// Every named code a test expects to pass is a real one that the codes
// research lists as verified (ICD-10-CM April 2025 order file, HL7 FHIR pages,
// MeSH, GDC/NCIt). Ids built here from a computed check digit are only used
// to fail on one rule. The random ancestor codes and the filler codes in
// TakesAtMostMaxCodes are well-formed by the documented rules, nothing more.
namespace healthcontent::domain {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr CodeSystem kIcd = CodeSystem::kIcd10Cm;
constexpr CodeSystem kSct = CodeSystem::kSnomedCt;
constexpr CodeSystem kRx = CodeSystem::kRxNorm;
constexpr CodeSystem kLnc = CodeSystem::kLoinc;
constexpr CodeSystem kMsh = CodeSystem::kMesh;
constexpr CodeSystem kNci = CodeSystem::kNcit;

// ---------------------------------------------------------------- the table

struct SystemRow {
  CodeSystem system;
  const char* uri;
  const char* oid;
  const char* short_name;
  bool held;
};

// coding.proto's two tables, in their order.
constexpr SystemRow kTable[] = {
    {kIcd, "http://hl7.org/fhir/sid/icd-10-cm", "2.16.840.1.113883.6.90", "ICD10CM", true},
    {kSct, "http://snomed.info/sct", "2.16.840.1.113883.6.96", "SNOMEDCT", true},
    {kRx, "http://www.nlm.nih.gov/research/umls/rxnorm", "2.16.840.1.113883.6.88", "RXNORM", true},
    {kLnc, "http://loinc.org", "2.16.840.1.113883.6.1", "LOINC", true},
    {kMsh, "https://www.nlm.nih.gov/mesh", "2.16.840.1.113883.6.177", "MESH", true},
    {kNci, "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl", "2.16.840.1.113883.3.26.1.1",
     "NCIT", true},
    {CodeSystem::kIcd9Cm, "http://hl7.org/fhir/sid/icd-9-cm", "2.16.840.1.113883.6.103", "ICD9CM",
     false},
    {CodeSystem::kNdc, "http://hl7.org/fhir/sid/ndc", "2.16.840.1.113883.6.69", "NDC", false},
    {CodeSystem::kCpt, "http://www.ama-assn.org/go/cpt", "2.16.840.1.113883.6.12", "CPT", false},
};

// "iCd10Cm": every other character lower case.
std::string MixedCase(absl::string_view text) {
  std::string out(text);
  for (size_t i = 0; i < out.size(); i += 2) out[i] = absl::ascii_tolower(out[i]);
  return out;
}

TEST(CodeSystemsTest, HoldsTheProtoTableInOrderHeldFirst) {
  absl::Span<const CodeSystemInfo> systems = CodeSystems();
  ASSERT_EQ(systems.size(), std::size(kTable));
  for (size_t i = 0; i < systems.size(); ++i) {
    SCOPED_TRACE(kTable[i].short_name);
    EXPECT_EQ(systems[i].system, kTable[i].system);
    EXPECT_EQ(systems[i].uri, kTable[i].uri);
    EXPECT_EQ(systems[i].oid, kTable[i].oid);
    EXPECT_EQ(systems[i].short_name, kTable[i].short_name);
    EXPECT_EQ(systems[i].held, kTable[i].held);
    EXPECT_FALSE(systems[i].name.empty());
  }
}

TEST(CodeSystemsTest, FindsEachSystemByUriOidUrnOidAndShortNameInAnyCase) {
  for (const SystemRow& row : kTable) {
    SCOPED_TRACE(row.short_name);
    const CodeSystemInfo* by_uri = FindCodeSystem(row.uri);
    ASSERT_NE(by_uri, nullptr);
    EXPECT_EQ(by_uri->system, row.system);
    EXPECT_EQ(by_uri->held, row.held);
    EXPECT_EQ(FindCodeSystem(row.oid), by_uri);
    EXPECT_EQ(FindCodeSystem(absl::StrCat("urn:oid:", row.oid)), by_uri);
    EXPECT_EQ(FindCodeSystem(row.short_name), by_uri);
    EXPECT_EQ(FindCodeSystem(absl::AsciiStrToLower(row.short_name)), by_uri);
    EXPECT_EQ(FindCodeSystem(MixedCase(row.short_name)), by_uri);
  }
}

TEST(CodeSystemsTest, UnknownNamesFindNothing) {
  for (const char* name :
       {"", "ICD11", "http://example.org", "ICD10", "urn:oid:", "2.16.840.1.113883.6.9",
        "2.16.840.1.113883.6.900", "SNOMED", "http://snomed.info/sct/extra", " LOINC x"}) {
    EXPECT_EQ(FindCodeSystem(name), nullptr) << '"' << name << '"';
  }
}

// ------------------------------------------------------------ NormalizeCode

absl::string_view NameOf(CodeSystem system) {
  for (const CodeSystemInfo& info : CodeSystems()) {
    if (info.system == system) return info.name;
  }
  return "?";
}

struct GoodCode {
  CodeSystem system;
  std::string input;
  std::string normalized;
};

void PrintTo(const GoodCode& c, std::ostream* os) {
  *os << NameOf(c.system) << " \"" << c.input << "\" -> \"" << c.normalized << '"';
}

const GoodCode kGoodCodes[] = {
    // ICD-10-CM: any case, dot or none, surrounding spaces.
    {kIcd, "K22.0", "K22.0"},
    {kIcd, "k220", "K22.0"},
    {kIcd, "K220", "K22.0"},
    {kIcd, " k22.0 ", "K22.0"},
    {kIcd, "E11.65", "E11.65"},
    {kIcd, "C4A", "C4A"},
    {kIcd, "c4a.111", "C4A.111"},
    {kIcd, "M1A.00X0", "M1A.00X0"},
    {kIcd, "M1A00X0", "M1A.00X0"},
    {kIcd, "Z3A.20", "Z3A.20"},
    {kIcd, "t360x1a", "T36.0X1A"},
    {kIcd, "T36.0x1a", "T36.0X1A"},
    {kIcd, "U07.1", "U07.1"},
    {kIcd, "L83", "L83"},
    {kIcd, "z23", "Z23"},
    {kIcd, "G93.32", "G93.32"},
    // The others: unchanged, or upper-cased; surrounding spaces dropped.
    {kSct, " 76334006 ", "76334006"},
    {kLnc, "2345-7", "2345-7"},
    {kLnc, "15074-8", "15074-8"},
    {kLnc, " 2339-0 ", "2339-0"},
    {kRx, "206765", "206765"},
    {kRx, "582620", "582620"},
    {kRx, " 308047 ", "308047"},
    {kMsh, "D016233", "D016233"},
    {kMsh, "d016233", "D016233"},
    {kMsh, "D015746", "D015746"},
    {kNci, "C15675", "C15675"},
    {kNci, "c15675", "C15675"},
};

class GoodCodeTest : public ::testing::TestWithParam<GoodCode> {};

TEST_P(GoodCodeTest, NormalizesToTheStoredForm) {
  auto code = NormalizeCode(GetParam().system, GetParam().input);
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, GetParam().normalized);
}

INSTANTIATE_TEST_SUITE_P(Table, GoodCodeTest, ::testing::ValuesIn(kGoodCodes));

// Asserts InvalidArgument whose message echoes the code (when there is a
// printable one to echo; how non-ASCII bytes are quoted is the message's own).
void ExpectRejected(CodeSystem system, const std::string& input) {
  auto code = NormalizeCode(system, input);
  ASSERT_FALSE(code.ok()) << "accepted as " << *code;
  EXPECT_EQ(code.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(code.status().message().empty());
  absl::string_view text = absl::StripAsciiWhitespace(input);
  bool printable = true;
  for (char c : text) printable = printable && absl::ascii_isprint(c);
  if (!text.empty() && printable) {
    EXPECT_THAT(code.status().message(), HasSubstr(std::string(text)));
  }
}

struct BadCode {
  CodeSystem system;
  std::string input;
};

void PrintTo(const BadCode& c, std::ostream* os) {
  *os << NameOf(c.system) << " \"" << absl::CHexEscape(c.input) << '"';
}

const BadCode kBadCodes[] = {
    // ICD-10-CM
    {kIcd, ""},
    {kIcd, "   "},
    {kIcd, "K2"},         // too short
    {kIcd, "1K22"},       // first not a letter
    {kIcd, "KK2"},        // second not a digit
    {kIcd, "K22.00000"},  // 5 after the dot
    {kIcd, "K2200000"},   // the same without the dot
    {kIcd, "K22-0"},
    {kIcd, "K22..0"},
    {kIcd, "K22."},
    {kIcd, "K22.0 1"},
    {kIcd, "K22.\xc3\xa9"},  // K22.é
    {kIcd,
     "\xef\xbc\xab"
     "22.0"},  // fullwidth K
    {kIcd, std::string("K22\0"
                       "0",
                       5)},
    // SNOMED CT (check digits, leading zero and partition: the tests below)
    {kSct, ""},
    {kSct, "12345"},
    {kSct, "76334O06"} /* letter O */,
    {kSct, "-76334006"},
    {kSct, "7633 4006"},
    // LOINC
    {kLnc, ""},
    {kLnc, "2345-8"} /* wrong check digit */,
    {kLnc, "2345"} /* none */,
    {kLnc, "12345678-9"} /* body too long */,
    {kLnc, "A345-7"},
    {kLnc, "-7"},
    // RxNorm
    {kRx, ""},
    {kRx, "0123"} /* leading zero */,
    {kRx, "12a"},
    {kRx, "12345678901"} /* 11 */,
    // MeSH
    {kMsh, ""},
    {kMsh, "Q000628"} /* a qualifier */,
    {kMsh, "D01623"},
    {kMsh, "D0162333"},
    // NCIt
    {kNci, ""},
    {kNci, "C"},
    {kNci, "C12345678"} /* 8 digits */,
    {kNci, "D15675"},
};

class BadCodeTest : public ::testing::TestWithParam<BadCode> {};

TEST_P(BadCodeTest, IsInvalidArgumentEchoingTheCode) {
  ExpectRejected(GetParam().system, GetParam().input);
}

INSTANTIATE_TEST_SUITE_P(Table, BadCodeTest, ::testing::ValuesIn(kBadCodes));

// ---------------------------------------------------------- check digits

// Real SNOMED CT concept ids (codes research, section 6).
constexpr const char* kRealSctIds[] = {"76334006",  "3928002",   "44054006",  "385055001",
                                       "386983007", "39065001",  "439401001", "24484000",
                                       "18099001",  "371923003", "280193007", "87628006"};

// The test's own Verhoeff: the dihedral group D5 and the permutation table
// built as powers of p[1], as the research advises (a typed p[4] was wrong).
constexpr int kD[10][10] = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
                            {2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
                            {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
                            {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
                            {8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};
constexpr int kInv[10] = {0, 4, 3, 2, 1, 5, 6, 7, 8, 9};

std::array<std::array<int, 10>, 8> Permutations() {
  constexpr int kP1[10] = {1, 5, 7, 6, 2, 8, 3, 0, 9, 4};
  std::array<std::array<int, 10>, 8> p{};
  for (int j = 0; j < 10; ++j) p[0][j] = j;
  for (int i = 1; i < 8; ++i)
    for (int j = 0; j < 10; ++j) p[i][j] = kP1[p[i - 1][j]];
  return p;
}

// `digits` read from the right, the first at position `first`.
int VerhoeffSum(absl::string_view digits, int first) {
  static const auto p = Permutations();
  int c = 0;
  for (size_t i = 0; i < digits.size(); ++i)
    c = kD[c][p[(i + first) % 8][digits[digits.size() - 1 - i] - '0']];
  return c;
}

// `body` followed by its Verhoeff check digit.
std::string WithCheckDigit(absl::string_view body) {
  return absl::StrCat(body, std::string(1, static_cast<char>('0' + kInv[VerhoeffSum(body, 1)])));
}

TEST(VerhoeffTest, TheTestsOwnVerhoeffAgreesWithTheRealIds) {
  for (const char* id : kRealSctIds) {
    EXPECT_EQ(VerhoeffSum(id, 0), 0) << id;
    absl::string_view whole(id);
    EXPECT_EQ(WithCheckDigit(whole.substr(0, whole.size() - 1)), id);
  }
}

TEST(VerhoeffTest, AcceptsKnownVectorsAndRealIdsAndRejectsAWrongDigit) {
  EXPECT_TRUE(VerhoeffValid("14567894"));
  EXPECT_TRUE(VerhoeffValid("2363"));
  EXPECT_FALSE(VerhoeffValid("2364"));
  for (const char* id : kRealSctIds) EXPECT_TRUE(VerhoeffValid(id)) << id;
}

TEST(SnomedCtTest, RealConceptIdsPassUnchanged) {
  for (const char* id : kRealSctIds) {
    auto code = NormalizeCode(kSct, id);
    ASSERT_TRUE(code.ok()) << id << ": " << code.status();
    EXPECT_EQ(*code, id);
  }
}

TEST(SnomedCtTest, EveryOtherCheckDigitFails) {
  for (char last = '0'; last <= '9'; ++last) {
    if (last == '6') continue;  // 76334006 itself
    std::string id = absl::StrCat("7633400", std::string(1, last));
    EXPECT_FALSE(VerhoeffValid(id)) << id;
    ExpectRejected(kSct, id);
  }
}

// Each id has a right check digit and breaks exactly one other rule.
TEST(SnomedCtTest, FailsOnLengthLeadingZeroOrPartitionAlone) {
  const std::string partition_02 = WithCheckDigit("7633402");   // ...0 2 c
  const std::string leading_zero = WithCheckDigit("07633400");  // 076334006
  const std::string five_digits = WithCheckDigit("1200");       // 12006
  const std::string nineteen_digits = WithCheckDigit("123456789012345600");
  ASSERT_EQ(five_digits.size(), 5u);
  ASSERT_EQ(nineteen_digits.size(), 19u);
  ASSERT_EQ(partition_02.substr(partition_02.size() - 3, 2), "02");
  for (const std::string& id : {partition_02, leading_zero, five_digits, nineteen_digits}) {
    EXPECT_TRUE(VerhoeffValid(id)) << id;
    ExpectRejected(kSct, id);
  }
}

TEST(LoincTest, OnlyTheRightCheckDigitIsValid) {
  EXPECT_TRUE(LoincCheckDigitValid("15074", '8'));
  EXPECT_TRUE(LoincCheckDigitValid("2339", '0'));
  for (char check = '0'; check <= '9'; ++check)
    EXPECT_EQ(LoincCheckDigitValid("2345", check), check == '7') << "2345-" << check;
}

// --------------------------------------------------------------- ancestors

TEST(Icd10CmAncestorsTest, DropsOneCharacterAtATimeDownToTheCategory) {
  EXPECT_THAT(Icd10CmAncestors("E11.65"), ElementsAre("E11.6", "E11"));
  EXPECT_THAT(Icd10CmAncestors("T36.0X1A"), ElementsAre("T36.0X1", "T36.0X", "T36.0", "T36"));
  EXPECT_THAT(Icd10CmAncestors("K22.0"), ElementsAre("K22"));
  EXPECT_THAT(Icd10CmAncestors("E11"), IsEmpty());
}

// The model: prefixes of the undotted code, n-1 characters down to 3, with
// the dot put back after the third.
std::vector<std::string> ModelAncestors(absl::string_view code) {
  const std::string bare = absl::StrReplaceAll(code, {{".", ""}});
  std::vector<std::string> out;
  for (size_t n = bare.size() - 1; n >= 3; --n) {
    out.push_back(n == 3 ? bare.substr(0, 3)
                         : absl::StrCat(bare.substr(0, 3), ".", bare.substr(3, n - 3)));
  }
  return out;
}

TEST(Icd10CmAncestorsTest, MatchesTheModelOnRandomCodes) {
  constexpr absl::string_view kLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  constexpr absl::string_view kDigits = "0123456789";
  constexpr absl::string_view kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::mt19937 rng(20220623);
  auto pick = [&rng](absl::string_view from) {
    return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(rng)];
  };
  for (int round = 0; round < 2000; ++round) {
    std::string code = {pick(kLetters), pick(kDigits), pick(kAlnum)};
    const int extra = std::uniform_int_distribution<int>(0, 4)(rng);
    if (extra > 0) code.push_back('.');
    for (int i = 0; i < extra; ++i) code.push_back(pick(kAlnum));
    SCOPED_TRACE(code);

    auto self = NormalizeCode(kIcd, code);
    ASSERT_TRUE(self.ok()) << self.status();
    ASSERT_EQ(*self, code);
    auto undotted =
        NormalizeCode(kIcd, absl::AsciiStrToLower(absl::StrReplaceAll(code, {{".", ""}})));
    ASSERT_TRUE(undotted.ok()) << undotted.status();
    EXPECT_EQ(*undotted, code);

    const std::vector<std::string> ancestors = Icd10CmAncestors(code);
    ASSERT_THAT(ancestors, ElementsAreArray(ModelAncestors(code)));
    if (code.size() > 3) {
      ASSERT_FALSE(ancestors.empty());
      EXPECT_EQ(ancestors.back().size(), 3u);
    }
    for (size_t i = 0; i < ancestors.size(); ++i) {
      const std::string& a = ancestors[i];
      EXPECT_LT(a.size(), code.size());
      EXPECT_EQ(code.compare(0, a.size(), a), 0) << a << " is not a prefix";
      EXPECT_NE(a.back(), '.');
      if (i > 0) {
        EXPECT_LT(a.size(), ancestors[i - 1].size());
      }
      auto again = NormalizeCode(kIcd, a);
      ASSERT_TRUE(again.ok()) << a << ": " << again.status();
      EXPECT_EQ(*again, a);
    }
  }
}

// -------------------------------------------------------- NormalizeCodings

void Add(google::protobuf::RepeatedPtrField<v1::Coding>* codings, absl::string_view system,
         absl::string_view code, absl::string_view display = "") {
  v1::Coding* coding = codings->Add();
  coding->set_system(std::string(system));
  coding->set_code(std::string(code));
  coding->set_display(std::string(display));
}

// The field of every violation, in order.
std::vector<std::string> Fields(const FieldViolations& violations) {
  std::vector<std::string> fields;
  absl::Status status = violations.ToStatus();
  if (status.ok()) return fields;
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  google::rpc::BadRequest bad;
  EXPECT_TRUE(GetBadRequest(status, &bad));
  for (const auto& violation : bad.field_violations()) {
    EXPECT_FALSE(violation.description().empty()) << violation.field();
    fields.push_back(violation.field());
  }
  return fields;
}

TEST(NormalizeCodingsTest, RewritesSystemsToUrisAndCodesToNormalForm) {
  google::protobuf::RepeatedPtrField<v1::Coding> codings;
  Add(&codings, "ICD10CM", "k220", "Achalasia of cardia");
  Add(&codings, "2.16.840.1.113883.6.96", "76334006");
  FieldViolations violations;
  NormalizeCodings(&codings, "article.codes", &violations);
  EXPECT_TRUE(violations.empty()) << violations.ToStatus();
  EXPECT_TRUE(violations.ToStatus().ok());
  ASSERT_EQ(codings.size(), 2);
  EXPECT_EQ(codings[0].system(), "http://hl7.org/fhir/sid/icd-10-cm");
  EXPECT_EQ(codings[0].code(), "K22.0");
  EXPECT_EQ(codings[0].display(), "Achalasia of cardia");
  EXPECT_EQ(codings[1].system(), "http://snomed.info/sct");
  EXPECT_EQ(codings[1].code(), "76334006");
  EXPECT_EQ(codings[1].display(), "");
}

TEST(NormalizeCodingsTest, NamesTheFieldOfEachProblem) {
  google::protobuf::RepeatedPtrField<v1::Coding> codings;
  Add(&codings, "http://example.org", "K22.0");                               // [0] unknown system
  Add(&codings, "ICD9CM", "123");                                             // [1] known, not held
  Add(&codings, "ICD10CM", "K2");                                             // [2] malformed
  Add(&codings, "ICD10CM", "K22.0");                                          // [3] fine
  Add(&codings, "ICD10CM", "k220");                                           // [4] [3] again
  Add(&codings, "LOINC", "2345-7", std::string(kMaxDisplayLength + 1, 'a'));  // [5]
  Add(&codings, "MESH", "D016233", std::string(kMaxDisplayLength, 'a'));      // [6] fine
  FieldViolations violations;
  NormalizeCodings(&codings, "article.codes", &violations);
  EXPECT_THAT(Fields(violations),
              UnorderedElementsAre("article.codes[0].system", "article.codes[1].system",
                                   "article.codes[2].code", "article.codes[4].code",
                                   "article.codes[5].display"));
}

TEST(NormalizeCodingsTest, ADuplicateIsFoundAcrossSpellingsOfTheSystem) {
  google::protobuf::RepeatedPtrField<v1::Coding> codings;
  Add(&codings, "http://hl7.org/fhir/sid/icd-10-cm", "K22.0");
  Add(&codings, "icd10cm", "k220");
  Add(&codings, "SNOMEDCT", "76334006");
  Add(&codings, "urn:oid:2.16.840.1.113883.6.96", "76334006");
  FieldViolations violations;
  NormalizeCodings(&codings, "therapy_type.codes", &violations);
  EXPECT_THAT(Fields(violations),
              UnorderedElementsAre("therapy_type.codes[1].code", "therapy_type.codes[3].code"));
}

// `count` distinct ICD-10-CM codings, format-valid (K22.100, K22.101, ...).
google::protobuf::RepeatedPtrField<v1::Coding> ManyCodings(int count) {
  google::protobuf::RepeatedPtrField<v1::Coding> codings;
  for (int i = 0; i < count; ++i) Add(&codings, "ICD10CM", absl::StrCat("K22.", 100 + i));
  return codings;
}

TEST(NormalizeCodingsTest, TakesAtMostMaxCodes) {
  auto fifty = ManyCodings(kMaxCodes);
  FieldViolations ok;
  NormalizeCodings(&fifty, "article.codes", &ok);
  EXPECT_THAT(Fields(ok), IsEmpty());

  auto fifty_one = ManyCodings(kMaxCodes + 1);
  FieldViolations too_many;
  NormalizeCodings(&fifty_one, "article.codes", &too_many);
  EXPECT_THAT(Fields(too_many), Contains("article.codes"));
}

TEST(CodingTextTest, LoincHasNoLeadingZero) {
  // 02345-7 would be a second spelling of 2345-7.
  ExpectRejected(CodeSystem::kLoinc, "02345-7");
}

TEST(CodingTextTest, PlainTextIsUtf8WithoutControlCharacters) {
  EXPECT_TRUE(IsPlainText("Achalasia of cardia"));
  EXPECT_TRUE(IsPlainText("Terapia biol\xc3\xb3gica"));  // ó
  EXPECT_FALSE(IsPlainText("a\x1b[31mred"));
  EXPECT_FALSE(IsPlainText(std::string("a\0b", 3)));
  EXPECT_FALSE(IsPlainText("\xc3"));          // cut short
  EXPECT_FALSE(IsPlainText("\xc0\xaf"));      // overlong
  EXPECT_FALSE(IsPlainText("\xed\xa0\x80"));  // a surrogate
}

TEST(CodingTextTest, MessagesEchoAShortPrintablePart) {
  EXPECT_EQ(ShownInMessage("K22.0"), "K22.0");
  EXPECT_EQ(ShownInMessage("\xef\xbc\xab"
                           "22"),
            "\xef\xbc\xab"
            "22");  // a full-width K stays
  EXPECT_EQ(ShownInMessage("a\x01"
                           "b"),
            "a?b");
  EXPECT_EQ(ShownInMessage("\xff\xfeK"), "??K");  // not UTF-8: byte by byte
  EXPECT_EQ(ShownInMessage(std::string(100, 'K')), std::string(40, 'K') + "... (100 bytes)");
  // A cut never splits a character: 13 three-byte characters are 39 bytes,
  // the 14th would end at byte 42.
  std::string wide;
  for (int i = 0; i < 20; ++i) wide += "\xef\xbc\xab";
  EXPECT_EQ(ShownInMessage(wide), wide.substr(0, 39) + "... (60 bytes)");
}

}  // namespace
}  // namespace healthcontent::domain
