// Code points of UTF-8 text, read in place: decoding one at a byte offset,
// stepping back one, and the classes the citation parser asks about (letter,
// upper or lower case, space, dash, quote).
//
// Contract: positions are byte offsets into the string; a function "At" a
// position answers false past the end. The text is expected to be valid UTF-8
// (ValidUtf8 in text.h makes it so); on a truncated or stray byte At() returns
// U+FFFD with length 1, so a scan always advances. The classes cover Latin
// (with Latin-1 and Latin Extended-A), Greek, Cyrillic and CJK as citations
// print them, not all of Unicode. Pure functions, thread-safe; inline because
// every scan of the parser runs through them.
#ifndef HEALTHCONTENT_IMPORTERS_CITATION_CODE_POINTS_H_
#define HEALTHCONTENT_IMPORTERS_CITATION_CODE_POINTS_H_

#include <cstddef>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"

namespace healthcontent::importers::citation {

// "Not found" for every position this folder returns.
inline constexpr size_t npos = absl::string_view::npos;

// One decoded code point and the bytes it takes.
struct CodePoint {
  char32_t c;
  size_t len;
};

// The code point that starts at byte i (i < s.size()). A byte that cannot
// start one, or a sequence cut off by the end, reads as U+FFFD of length 1;
// continuation bytes are not checked (the text is valid by then).
inline CodePoint At(absl::string_view s, size_t i) {
  unsigned char b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return {b, 1};
  size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return {0xFFFD, 1};
  char32_t c = b & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return {c, n};
}

// Classes of a code point: upper or lower case (ASCII, Latin-1, Latin
// Extended-A, Greek, Cyrillic), combining mark, letter of any of those
// scripts or of CJK and Hangul, any kind of space or control, invisible
// (soft hyphen, zero-width), dash, opening quote, quote of any kind.
inline bool IsUpperCp(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z';
  if (c >= 0xC0 && c <= 0xDE) return c != 0xD7;
  if (c >= 0x100 && c <= 0x17F) {  // Latin Extended-A: mostly upper/lower pairs
    if (c == 0x138 || c == 0x149 || c == 0x17F) return false;
    if (c == 0x178) return true;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return c % 2 == 1;
    return c % 2 == 0;
  }
  return (c >= 0x391 && c <= 0x3A9) || (c >= 0x400 && c <= 0x42F);
}

inline bool IsLowerCp(char32_t c) {
  if (c < 0x80) return c >= 'a' && c <= 'z';
  if (c >= 0xDF && c <= 0xFF) return c != 0xF7;
  if (c >= 0x100 && c <= 0x17F) return !IsUpperCp(c);
  return (c >= 0x180 && c <= 0x24F) || (c >= 0x3B1 && c <= 0x3C9) || (c >= 0x430 && c <= 0x45F);
}

inline bool IsCombiningCp(char32_t c) { return c >= 0x300 && c <= 0x36F; }

inline bool IsLetterCp(char32_t c) {
  return IsUpperCp(c) || IsLowerCp(c) || IsCombiningCp(c) || (c >= 0x250 && c <= 0x2AF) ||
         (c >= 0x370 && c <= 0x3FF) || (c >= 0x400 && c <= 0x52F) || (c >= 0x3040 && c <= 0x9FFF) ||
         (c >= 0xAC00 && c <= 0xD7AF);
}

inline bool IsSpaceCp(char32_t c) {
  return c <= 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

inline bool IsInvisibleCp(char32_t c) {
  return c == 0xAD || (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF;
}

inline bool IsDashCp(char32_t c) { return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212; }

inline bool IsOpenQuoteCp(char32_t c) {
  return c == '"' || c == 0x201C || c == 0x2018 || c == 0xAB || c == 0x201E || c == 0x2039;
}

inline bool IsQuoteCp(char32_t c) {
  return c == '"' || c == '\'' || (c >= 0x2018 && c <= 0x201F) || c == 0xAB || c == 0xBB ||
         c == 0x2039 || c == 0x203A;
}

// The same tests on the code point at byte i; false when i is past the end.
// IsDigitAt is ASCII digits only.
inline bool IsUpperAt(absl::string_view s, size_t i) {
  return i < s.size() && IsUpperCp(At(s, i).c);
}

inline bool IsLowerAt(absl::string_view s, size_t i) {
  return i < s.size() && IsLowerCp(At(s, i).c);
}

inline bool IsLetterAt(absl::string_view s, size_t i) {
  return i < s.size() && IsLetterCp(At(s, i).c);
}

inline bool IsDigitAt(absl::string_view s, size_t i) {
  return i < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[i]));
}

inline bool IsAlnumAt(absl::string_view s, size_t i) { return IsDigitAt(s, i) || IsLetterAt(s, i); }

// Index of the code point that ends just before `i`.
inline size_t PrevCp(absl::string_view s, size_t i) {
  if (i == 0) return 0;
  size_t j = i - 1;
  while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80 && i - j < 4) --j;
  return j;
}

// True when a letter ends just before byte i.
inline bool IsLetterBefore(absl::string_view s, size_t i) {
  return i > 0 && IsLetterCp(At(s, PrevCp(s, i)).c);
}

// Number of code points in s.
inline size_t CountCps(absl::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); i += At(s, i).len) ++n;
  return n;
}

}  // namespace healthcontent::importers::citation

#endif  // HEALTHCONTENT_IMPORTERS_CITATION_CODE_POINTS_H_
