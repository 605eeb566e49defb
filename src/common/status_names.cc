#include "common/status_names.h"

#include <array>
#include <string>

#include "absl/strings/ascii.h"

namespace healthcontent {
namespace {

// Both spellings of every canonical code, indexed by its value, built once
// from Abseil's own names.
struct NameTable {
  std::array<std::string, kStatusCodeCount> upper;
  std::array<std::string, kStatusCodeCount> lower;
};

const NameTable& Names() {
  static const NameTable* const names = [] {
    auto* table = new NameTable;
    for (int i = 0; i < kStatusCodeCount; ++i) {
      table->upper[i] = absl::StatusCodeToString(static_cast<absl::StatusCode>(i));
      table->lower[i] = absl::AsciiStrToLower(table->upper[i]);
    }
    return table;
  }();
  return *names;
}

// A code outside the canonical ones counts as UNKNOWN.
int Index(absl::StatusCode code) {
  const int index = static_cast<int>(code);
  return index >= 0 && index < kStatusCodeCount ? index
                                                : static_cast<int>(absl::StatusCode::kUnknown);
}

}  // namespace

absl::string_view StatusCodeName(absl::StatusCode code) { return Names().upper[Index(code)]; }

absl::string_view LowerStatusCodeName(absl::StatusCode code) { return Names().lower[Index(code)]; }

}  // namespace healthcontent
