#include "domain/coding.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/utf8.h"

namespace healthcontent::domain {
namespace {

constexpr CodeSystemInfo kSystems[] = {
    {CodeSystem::kIcd10Cm, "ICD-10-CM", "http://hl7.org/fhir/sid/icd-10-cm",
     "2.16.840.1.113883.6.90", "ICD10CM", true},
    {CodeSystem::kSnomedCt, "SNOMED CT", "http://snomed.info/sct", "2.16.840.1.113883.6.96",
     "SNOMEDCT", true},
    {CodeSystem::kRxNorm, "RxNorm", "http://www.nlm.nih.gov/research/umls/rxnorm",
     "2.16.840.1.113883.6.88", "RXNORM", true},
    {CodeSystem::kLoinc, "LOINC", "http://loinc.org", "2.16.840.1.113883.6.1", "LOINC", true},
    {CodeSystem::kMesh, "MeSH", "https://www.nlm.nih.gov/mesh", "2.16.840.1.113883.6.177", "MESH",
     true},
    {CodeSystem::kNcit, "NCI Thesaurus", "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl",
     "2.16.840.1.113883.3.26.1.1", "NCIT", true},
    {CodeSystem::kIcd9Cm, "ICD-9-CM", "http://hl7.org/fhir/sid/icd-9-cm", "2.16.840.1.113883.6.103",
     "ICD9CM", false},
    {CodeSystem::kNdc, "NDC", "http://hl7.org/fhir/sid/ndc", "2.16.840.1.113883.6.69", "NDC",
     false},
    {CodeSystem::kCpt, "CPT", "http://www.ama-assn.org/go/cpt", "2.16.840.1.113883.6.12", "CPT",
     false},
};

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool AllAlnum(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status Malformed(absl::string_view system, absl::string_view code, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat(system, " code \"", ShownInMessage(code), "\" is malformed: ", why));
}

absl::StatusOr<std::string> NormalizeIcd10Cm(absl::string_view code) {
  std::string compact;
  int dots = 0;
  size_t dot_at = 0;
  for (size_t i = 0; i < code.size(); ++i) {
    if (code[i] == '.') {
      ++dots;
      dot_at = i;
      continue;
    }
    compact.push_back(absl::ascii_toupper(static_cast<unsigned char>(code[i])));
  }
  constexpr absl::string_view kShape =
      "a letter, a digit and a letter or digit, then optionally a dot and 1-4 letters or digits "
      "(K22.0, C4A, T36.0X1A)";
  if (dots > 1 || (dots == 1 && dot_at != 3) || compact.size() < 3 || compact.size() > 7 ||
      !AllAlnum(compact) || !absl::ascii_isalpha(static_cast<unsigned char>(compact[0])) ||
      !absl::ascii_isdigit(static_cast<unsigned char>(compact[1])) ||
      (dots == 1 && compact.size() == 3)) {
    return Malformed("ICD-10-CM", code, kShape);
  }
  if (compact.size() == 3) return compact;
  return absl::StrCat(compact.substr(0, 3), ".", compact.substr(3));
}

absl::StatusOr<std::string> NormalizeSnomedCt(absl::string_view code) {
  if (!AllDigits(code)) return Malformed("SNOMED CT", code, "a concept id is digits only");
  if (code.size() < 6 || code.size() > 18) {
    return Malformed("SNOMED CT", code, "a concept id has 6-18 digits");
  }
  if (code[0] == '0') return Malformed("SNOMED CT", code, "a concept id has no leading zero");
  const absl::string_view partition = code.substr(code.size() - 3, 2);
  if (partition != "00" && partition != "10") {
    return Malformed(
        "SNOMED CT", code,
        absl::StrCat("the partition identifier (2nd and 3rd digits from the right) is ", partition,
                     "; a concept's is 00 or 10"));
  }
  if (!VerhoeffValid(code)) {
    return Malformed("SNOMED CT", code, "the last digit is not its Verhoeff check digit");
  }
  return std::string(code);
}

absl::StatusOr<std::string> NormalizeLoinc(absl::string_view code) {
  const size_t dash = code.find('-');
  if (dash == absl::string_view::npos || dash == 0 || dash > 7 || dash + 2 != code.size() ||
      !AllDigits(code.substr(0, dash)) || !AllDigits(code.substr(dash + 1))) {
    return Malformed("LOINC", code,
                     "a LOINC code is 1-7 digits, a hyphen and a check digit (2345-7)");
  }
  if (code[0] == '0') return Malformed("LOINC", code, "a LOINC code has no leading zero");
  if (!LoincCheckDigitValid(code.substr(0, dash), code.back())) {
    return Malformed("LOINC", code, "the check digit after the hyphen is wrong (mod 10)");
  }
  return std::string(code);
}

absl::StatusOr<std::string> NormalizeRxNorm(absl::string_view code) {
  if (!AllDigits(code) || code.size() > 10 || code[0] == '0') {
    return Malformed("RxNorm", code, "an RxCUI is 1-10 digits without a leading zero");
  }
  return std::string(code);
}

absl::StatusOr<std::string> NormalizeMesh(absl::string_view code) {
  std::string upper = absl::AsciiStrToUpper(code);
  const absl::string_view digits = absl::string_view(upper).substr(upper.empty() ? 0 : 1);
  if (upper.empty() || (upper[0] != 'D' && upper[0] != 'C') || !AllDigits(digits) ||
      (digits.size() != 6 && digits.size() != 9)) {
    return Malformed("MeSH", code,
                     "a descriptor or supplementary concept id is D or C and 6 or 9 digits "
                     "(D016233)");
  }
  return upper;
}

absl::StatusOr<std::string> NormalizeNcit(absl::string_view code) {
  std::string upper = absl::AsciiStrToUpper(code);
  const absl::string_view digits = absl::string_view(upper).substr(upper.empty() ? 0 : 1);
  if (upper.empty() || upper[0] != 'C' || !AllDigits(digits) || digits.size() > 7) {
    return Malformed("NCI Thesaurus", code, "a concept code is C and 1-7 digits (C15675)");
  }
  return upper;
}

// Verhoeff's tables: multiplication in the dihedral group D5, and the
// permutation applied at each position (p[i] = p[1] applied i times).
constexpr int kD5[10][10] = {{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
                             {2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
                             {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
                             {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
                             {8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};
constexpr int kP1[10] = {1, 5, 7, 6, 2, 8, 3, 0, 9, 4};

using Permutations = std::array<std::array<int, 10>, 8>;
Permutations MakePermutations() {
  Permutations p{};
  for (int j = 0; j < 10; ++j) p[0][j] = j;
  for (int i = 1; i < 8; ++i) {
    for (int j = 0; j < 10; ++j) p[i][j] = p[i - 1][kP1[j]];
  }
  return p;
}

}  // namespace

namespace {

bool HasControlCharacters(absl::string_view text) {
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

}  // namespace

bool IsPlainText(absl::string_view text) {
  return !HasControlCharacters(text) && IsValidUtf8(text);
}

std::string ShownInMessage(absl::string_view text) {
  constexpr size_t kMaxShown = 40;
  // Valid UTF-8 is shown as it is (cut at a character boundary); anything
  // else byte by byte, with bytes that are not printable ASCII as '?'.
  const bool utf8 = IsValidUtf8(text);
  size_t shown = std::min(text.size(), kMaxShown);
  while (utf8 && shown < text.size() && (static_cast<unsigned char>(text[shown]) & 0xC0) == 0x80) {
    --shown;
  }
  std::string out;
  for (char c : text.substr(0, shown)) {
    const unsigned char u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f || (u >= 0x80 && !utf8) ? '?' : c);
  }
  if (shown < text.size()) absl::StrAppend(&out, "... (", text.size(), " bytes)");
  return out;
}

absl::Span<const CodeSystemInfo> CodeSystems() { return kSystems; }

const CodeSystemInfo* FindCodeSystem(absl::string_view system) {
  system = absl::StripAsciiWhitespace(system);
  if (system.empty()) return nullptr;
  const absl::string_view oid = absl::StripPrefix(system, "urn:oid:");
  for (const CodeSystemInfo& info : kSystems) {
    if (system == info.uri || oid == info.oid || absl::EqualsIgnoreCase(system, info.short_name)) {
      return &info;
    }
  }
  return nullptr;
}

absl::StatusOr<std::string> NormalizeCode(CodeSystem system, absl::string_view code) {
  code = absl::StripAsciiWhitespace(code);
  if (code.empty()) return absl::InvalidArgumentError("is required");
  switch (system) {
    case CodeSystem::kIcd10Cm:
      return NormalizeIcd10Cm(code);
    case CodeSystem::kSnomedCt:
      return NormalizeSnomedCt(code);
    case CodeSystem::kRxNorm:
      return NormalizeRxNorm(code);
    case CodeSystem::kLoinc:
      return NormalizeLoinc(code);
    case CodeSystem::kMesh:
      return NormalizeMesh(code);
    case CodeSystem::kNcit:
      return NormalizeNcit(code);
    case CodeSystem::kIcd9Cm:
    case CodeSystem::kNdc:
    case CodeSystem::kCpt:
      break;
  }
  return absl::InternalError("NormalizeCode called for a code system that is not held");
}

bool VerhoeffValid(absl::string_view digits) {
  if (digits.size() < 2 || !AllDigits(digits)) return false;
  static const Permutations kP = MakePermutations();
  int check = 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    const int digit = digits[digits.size() - 1 - i] - '0';
    check = kD5[check][kP[i % 8][digit]];
  }
  return check == 0;
}

bool LoincCheckDigitValid(absl::string_view body, char check) {
  if (body.empty() || body.size() > 7 || !AllDigits(body) ||
      !absl::ascii_isdigit(static_cast<unsigned char>(check))) {
    return false;
  }
  // Luhn over the body: double every other digit starting with the rightmost.
  int sum = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    int digit = body[body.size() - 1 - i] - '0';
    if (i % 2 == 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return (10 - sum % 10) % 10 == check - '0';
}

std::vector<std::string> Icd10CmAncestors(absl::string_view normalized) {
  std::vector<std::string> ancestors;
  std::string code(normalized);
  while (code.size() > 3) {
    code.pop_back();
    if (!code.empty() && code.back() == '.') code.pop_back();
    ancestors.push_back(code);
  }
  return ancestors;
}

void NormalizeCodings(google::protobuf::RepeatedPtrField<v1::Coding>* codings,
                      absl::string_view field, FieldViolations* violations) {
  if (codings->size() > kMaxCodes) {
    violations->Add(field,
                    absl::StrCat("has ", codings->size(), " codes; the limit is ", kMaxCodes));
    return;
  }
  absl::flat_hash_set<std::pair<std::string, std::string>> seen;
  for (int i = 0; i < codings->size(); ++i) {
    v1::Coding& coding = (*codings)[i];
    const std::string at = absl::StrCat(field, "[", i, "]");
    if (coding.display().size() > kMaxDisplayLength) {
      violations->Add(absl::StrCat(at, ".display"),
                      absl::StrCat("is ", coding.display().size(), " bytes; the limit is ",
                                   kMaxDisplayLength, " bytes of UTF-8"));
    } else if (!IsPlainText(coding.display())) {
      violations->Add(absl::StrCat(at, ".display"),
                      "must be plain UTF-8 text without control characters");
    }
    const CodeSystemInfo* system = FindCodeSystem(coding.system());
    if (system == nullptr) {
      violations->Add(absl::StrCat(at, ".system"),
                      coding.system().empty()
                          ? std::string("is required: a code system's URI, OID or short name "
                                        "(ICD10CM, SNOMEDCT, RXNORM, LOINC, MESH, NCIT)")
                          : absl::StrCat("\"", ShownInMessage(coding.system()),
                                         "\" is not a known code system; use a URI, OID or short "
                                         "name of ICD-10-CM, SNOMED CT, RxNorm, LOINC, MeSH or "
                                         "NCI Thesaurus"));
      continue;
    }
    if (!system->held) {
      violations->Add(absl::StrCat(at, ".system"),
                      absl::StrCat(system->name,
                                   " codes are not held here; code content with ICD-10-CM, "
                                   "SNOMED CT, RxNorm, LOINC, MeSH or NCI Thesaurus"));
      continue;
    }
    absl::StatusOr<std::string> code = NormalizeCode(system->system, coding.code());
    if (!code.ok()) {
      violations->Add(absl::StrCat(at, ".code"), code.status().message());
      continue;
    }
    if (!seen.emplace(std::string(system->uri), *code).second) {
      violations->Add(absl::StrCat(at, ".code"),
                      absl::StrCat(system->name, " ", *code, " is listed a second time"));
      continue;
    }
    coding.set_system(std::string(system->uri));
    coding.set_code(*std::move(code));
  }
}

}  // namespace healthcontent::domain
