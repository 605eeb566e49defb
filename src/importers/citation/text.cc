#include "importers/citation/text.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "importers/citation/code_points.h"
#include "importers/reference_parser.h"

namespace healthcontent::importers::citation {
namespace {

// End of an inline markup tag some sources leave in ("<i>", "</italic>"), or npos.
size_t MarkupTagEnd(absl::string_view s, size_t i) {
  static constexpr absl::string_view kTags[] = {"i",    "b",   "u",   "em", "strong", "italic",
                                                "bold", "sup", "sub", "sc", "span"};
  size_t p = i + 1;
  if (p < s.size() && s[p] == '/') ++p;
  size_t q = p;
  while (q < s.size() && q - p < 8 && absl::ascii_isalpha(static_cast<unsigned char>(s[q]))) ++q;
  if (q >= s.size() || s[q] != '>' || q == p) return npos;
  std::string name = absl::AsciiStrToLower(s.substr(p, q - p));
  for (absl::string_view tag : kTags) {
    if (name == tag) return q + 1;
  }
  return npos;
}

}  // namespace

std::string ValidUtf8(absl::string_view in) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    unsigned char b = static_cast<unsigned char>(in[i]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
      ++i;
      continue;
    }
    size_t n = 0;
    char32_t min = 0;
    if (b >= 0xC2 && b <= 0xDF) {
      n = 2;
      min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 3;
      min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 4;
      min = 0x10000;
    }
    bool ok = n > 0 && i + n <= in.size();
    char32_t c = ok ? (b & (0x7F >> n)) : 0;
    for (size_t k = 1; ok && k < n; ++k) {
      unsigned char cb = static_cast<unsigned char>(in[i + k]);
      if ((cb & 0xC0) != 0x80) ok = false;
      c = (c << 6) | (cb & 0x3F);
    }
    if (ok && (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))) ok = false;
    if (ok) {
      out.append(in.data() + i, n);
      i += n;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

std::string Clean(absl::string_view in) {
  size_t limit = std::min(in.size(), kMaxParsedCitationBytes);
  while (limit > 0 && limit < in.size() && (static_cast<unsigned char>(in[limit]) & 0xC0) == 0x80) {
    --limit;
  }
  absl::string_view s = in.substr(0, limit);
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '<') {
      size_t end = MarkupTagEnd(s, i);
      if (end != npos) {
        i = end;
        continue;
      }
    }
    // TeX quotes: ``Title,'' -> “Title,”
    if ((s[i] == '`' || s[i] == '\'') && i + 1 < s.size() && s[i + 1] == s[i]) {
      if (pending_space && !out.empty()) out.push_back(' ');
      pending_space = false;
      out.append(s[i] == '`' ? "\xE2\x80\x9C" : "\xE2\x80\x9D");
      i += 2;
      continue;
    }
    CodePoint cp = At(s, i);
    if (IsSpaceCp(cp.c)) {
      pending_space = true;
    } else if (!IsInvisibleCp(cp.c)) {
      if (pending_space && !out.empty() && cp.c != ',' && cp.c != ';') out.push_back(' ');
      pending_space = false;
      out.append(s.data() + i, cp.len);
    }
    i += cp.len;
  }
  return out;
}

bool StartsWithAt(absl::string_view s, size_t i, absl::string_view lit) {
  return i <= s.size() && absl::StartsWithIgnoreCase(s.substr(i), lit);
}

size_t FindIgnoreCase(absl::string_view hay, absl::string_view needle) {
  if (needle.size() > hay.size()) return npos;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (absl::EqualsIgnoreCase(hay.substr(i, needle.size()), needle)) return i;
  }
  return npos;
}

bool WordAt(absl::string_view s, size_t i, absl::string_view lit) {
  return StartsWithAt(s, i, lit) && !IsLetterAt(s, i + lit.size());
}

size_t SkipSpaces(absl::string_view s, size_t i) {
  while (i < s.size() && s[i] == ' ') ++i;
  return i;
}

size_t SkipChars(absl::string_view s, size_t i, absl::string_view chars) {
  while (i < s.size() && chars.find(s[i]) != npos) ++i;
  return i;
}

size_t WordEnd(absl::string_view s, size_t i) {
  size_t p = i;
  while (p < s.size()) {
    CodePoint cp = At(s, p);
    if (IsLetterCp(cp.c)) {
      p += cp.len;
      continue;
    }
    bool joiner = cp.c == '\'' || cp.c == 0x2019 || IsDashCp(cp.c);
    if (joiner && p > i && IsLetterAt(s, p + cp.len)) {
      p += cp.len;
      continue;
    }
    break;
  }
  return p;
}

bool ContainsDigit(absl::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); });
}

bool IsOneOf(absl::string_view word, std::initializer_list<absl::string_view> list) {
  for (absl::string_view w : list) {
    if (word == w) return true;
  }
  return false;
}

absl::string_view TrimField(absl::string_view v) {
  for (int round = 0; round < 4; ++round) {
    size_t before = v.size();
    while (!v.empty() && absl::string_view(" \x1f,;:.-&").find(v.front()) != npos)
      v.remove_prefix(1);
    while (!v.empty() && absl::string_view(" \x1f,;:.&").find(v.back()) != npos) v.remove_suffix(1);
    for (auto [open, close] : {std::pair<char, char>{'(', ')'}, {'[', ']'}}) {
      size_t opens = std::count(v.begin(), v.end(), open);
      size_t closes = std::count(v.begin(), v.end(), close);
      if (!v.empty() && v.back() == close && closes > opens) v.remove_suffix(1);
      if (!v.empty() && v.front() == open && opens > closes) v.remove_prefix(1);
      if (!v.empty() && v.back() == open) v.remove_suffix(1);
      if (!v.empty() && v.front() == close) v.remove_prefix(1);
    }
    if (v.size() == before) break;
  }
  return v;
}

size_t ReadNumber(absl::string_view s, size_t i, size_t max, int* value) {
  size_t p = i;
  int v = 0;
  while (p < s.size() && p - i < max && absl::ascii_isdigit(static_cast<unsigned char>(s[p]))) {
    v = v * 10 + (s[p] - '0');
    ++p;
  }
  *value = v;
  return p;
}

void Cut(std::string* t, size_t begin, size_t end) { t->replace(begin, end - begin, 1, kCut); }

}  // namespace healthcontent::importers::citation
