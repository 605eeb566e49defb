#include "importers/slug.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "common/resource_name.h"

namespace healthcontent::importers {
namespace {

// ASCII spelling of the Latin-1 Supplement letters U+00C0-U+00FF; nullptr for
// the two that are not letters (U+00D7 multiplication, U+00F7 division).
constexpr const char* kLatin1Fold[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c",     "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  nullptr, "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c",     "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  nullptr, "o", "u", "u", "u", "u", "y", "th", "y",
};

bool IsAsciiAlnum(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }

}  // namespace

std::string SlugFromText(absl::string_view text) {
  std::string slug;
  bool pending_dash = false;
  auto add = [&](absl::string_view letters) {
    if (pending_dash && !slug.empty()) slug.push_back('-');
    pending_dash = false;
    slug.append(letters.data(), letters.size());
  };
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (IsAsciiAlnum(text[i])) {
      char lower = absl::ascii_tolower(c);
      add(absl::string_view(&lower, 1));
    } else if (c == '\'') {
      // An apostrophe joins its word: "Crohn's" is one word.
    } else if (c == 0xE2 && i + 2 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) == 0x80 &&
               static_cast<unsigned char>(text[i + 2]) == 0x99) {
      i += 2;  // U+2019 RIGHT SINGLE QUOTATION MARK, the typographic apostrophe
    } else if (c == 0xC3 && i + 1 < text.size()) {
      unsigned char next = static_cast<unsigned char>(text[i + 1]);
      const char* folded = (next >= 0x80 && next <= 0xBF) ? kLatin1Fold[next - 0x80] : nullptr;
      if (folded != nullptr) {
        add(folded);
      } else {
        pending_dash = true;
      }
      ++i;
    } else {
      pending_dash = true;
    }
  }
  if (slug.size() > static_cast<size_t>(kMaxSlugLength)) {
    size_t cut = slug.rfind('-', kMaxSlugLength);
    slug.resize(cut != std::string::npos && cut > 0 ? cut : kMaxSlugLength);
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

std::string TherapyTypeSlug(absl::string_view name) {
  std::string text(name);
  size_t search_from = 0;
  while (true) {
    size_t open = text.find('(', search_from);
    if (open == std::string::npos) break;
    size_t close = text.find(')', open);
    if (close == std::string::npos) break;
    search_from = open + 1;
    std::string abbr = text.substr(open + 1, close - open - 1);
    // "ICIs": the plural of an abbreviation is still that abbreviation.
    std::string letters = abbr;
    if (letters.size() > 2 && letters.back() == 's') letters.pop_back();
    bool is_abbr = letters.size() >= 2;
    for (char c : letters) {
      if (!absl::ascii_isupper(static_cast<unsigned char>(c)) &&
          !absl::ascii_isdigit(static_cast<unsigned char>(c))) {
        is_abbr = false;
      }
    }
    if (!is_abbr) continue;
    // Start offsets of the words before "(", split at spaces and hyphens.
    std::vector<size_t> word_starts;
    for (size_t i = 0; i < open; ++i) {
      bool starts = IsAsciiAlnum(text[i]) && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '-');
      if (starts) word_starts.push_back(i);
    }
    if (word_starts.size() < letters.size()) continue;
    size_t first = word_starts.size() - letters.size();
    bool spelled = true;
    for (size_t k = 0; k < letters.size(); ++k) {
      if (absl::ascii_tolower(static_cast<unsigned char>(text[word_starts[first + k]])) !=
          absl::ascii_tolower(static_cast<unsigned char>(letters[k]))) {
        spelled = false;
      }
    }
    if (!spelled) continue;
    size_t begin = word_starts[first];
    text.replace(begin, close + 1 - begin, abbr);
    search_from = begin + abbr.size();
  }
  return SlugFromText(text);
}

}  // namespace healthcontent::importers
