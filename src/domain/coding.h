// Clinical code systems and their codes: the table of systems (URI, HL7 OID,
// short name), each system's validity rules and normal form, and the
// ICD-10-CM ancestor rule that lookups use. The table and the rules are the
// ones documented on healthcontent.v1.Coding (proto/healthcontent/v1/coding.proto).
// Pure functions; thread-safe.
#ifndef HEALTHCONTENT_DOMAIN_CODING_H_
#define HEALTHCONTENT_DOMAIN_CODING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/field_errors.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "healthcontent/v1/coding.pb.h"

namespace healthcontent::domain {

enum class CodeSystem { kIcd10Cm, kSnomedCt, kRxNorm, kLoinc, kMesh, kNcit, kIcd9Cm, kNdc, kCpt };

struct CodeSystemInfo {
  CodeSystem system;
  absl::string_view name;        // "ICD-10-CM", for messages
  absl::string_view uri;         // canonical: what answers and storage carry
  absl::string_view oid;         // "2.16.840.1.113883.6.90"
  absl::string_view short_name;  // "ICD10CM", the CLI's and MedlinePlus Connect's
  // False for systems clients send but that nothing here is coded in
  // (ICD-9-CM, NDC, CPT): a lookup answers with nothing, a publish refuses.
  bool held;
};

// Every known system, held ones first, in the order of the proto's table.
absl::Span<const CodeSystemInfo> CodeSystems();

// The system `system` names by its URI, its OID (bare or as "urn:oid:..."),
// or its short name (any case). nullptr when none does.
const CodeSystemInfo* FindCodeSystem(absl::string_view system);

// Most codes on one article, therapy type or coding.
inline constexpr int kMaxCodes = 50;
// Longest display text.
inline constexpr int kMaxDisplayLength = 300;

// `code` in the normal form of held system `system`, or InvalidArgument whose
// message says what is wrong with it (it names no field; callers add that):
//   ICD-10-CM  "k220", "K22.0" -> "K22.0"; "T36.0x1a" -> "T36.0X1A"
//   SNOMED CT  digits, checked (length, leading zero, partition, Verhoeff)
//   LOINC      "2345-7", checked (mod 10)
//   RxNorm     digits
//   MeSH       "d016233" -> "D016233"
//   NCIt       "c15675" -> "C15675"
// Surrounding spaces are ignored. Must not be called for a system not held.
absl::StatusOr<std::string> NormalizeCode(CodeSystem system, absl::string_view code);

// True when the last digit of `digits` (all ASCII digits, at least 2) is the
// Verhoeff check digit of the rest, as SNOMED CT identifiers carry it.
bool VerhoeffValid(absl::string_view digits);

// True when `body` + '-' + `check` is a LOINC code whose check digit is
// right (mod 10, as LOINC computes it). `body` is 1-7 digits.
bool LoincCheckDigitValid(absl::string_view body, char check);

// The ICD-10-CM ancestors of a normalized code, nearest first, made by
// dropping one character at a time from the right (a dot left at the end
// goes too), down to the 3-character category: "E11.65" -> {"E11.6",
// "E11"}; "T36.0X1A" -> {"T36.0X1", "T36.0X", "T36.0", "T36"}; "E11" -> {}.
std::vector<std::string> Icd10CmAncestors(absl::string_view normalized);

// True when `text` is valid UTF-8 without control characters (as displays
// and original text must be).
bool IsPlainText(absl::string_view text);

// `text` as error messages echo client input: at most 40 bytes (then "...
// (N bytes)"), control and non-ASCII bytes as '?'.
std::string ShownInMessage(absl::string_view text);

// Checks and normalizes codes as a write takes them: each `system` becomes
// its URI and each `code` its normal form, in place. Problems are added to
// `violations` as "<field>[i].system", "<field>[i].code" or
// "<field>[i].display" (more than kMaxCodes is one violation on `field`):
// unknown system, system not held, malformed code, a code given twice,
// display too long.
void NormalizeCodings(google::protobuf::RepeatedPtrField<v1::Coding>* codings,
                      absl::string_view field, FieldViolations* violations);

}  // namespace healthcontent::domain

#endif  // HEALTHCONTENT_DOMAIN_CODING_H_
