#include "importers/citation/numbers.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "importers/citation/code_points.h"
#include "importers/citation/dates.h"
#include "importers/citation/text.h"

namespace healthcontent::importers::citation {
namespace {

bool IsNumberKeyword(absl::string_view lower) {
  return IsOneOf(
      lower, {"vol",  "vols",   "volume", "v",          "no", "nos",  "nr",     "n°",   "nº",
              "num",  "number", "issue",  "iss",        "pp", "p",    "pg",     "pgs",  "pages",
              "page", "suppl",  "supp",   "supplement", "pt", "part", "passim", "art",  "article",
              "et",   "and",    "spec",   "s",          "bd", "jg",   "heft",   "fasc", "t",
              "tome", "tomo",   "sect",   "section",    "e",  "n"});
}

bool IsMonthOrSeasonWord(absl::string_view word) {
  if (word.empty()) return false;
  size_t start = 0;
  bool any = false;
  for (size_t i = 0; i <= word.size();) {
    size_t len = i < word.size() && IsDashCp(At(word, i).c) ? At(word, i).len : 1;
    if (i == word.size() || word[i] == '/' || IsDashCp(At(word, i).c)) {
      absl::string_view part = word.substr(start, i - start);
      while (!part.empty() && (part.back() == '.' || part.back() == ',')) part.remove_suffix(1);
      if (!part.empty()) {
        if (MonthNumber(part) == 0 && !IsSeason(part)) return false;
        any = true;
      }
      start = i + len;
    }
    i += len;
  }
  return any;
}

absl::string_view StripPunct(absl::string_view w) {
  while (!w.empty() && absl::string_view("()[],.;:").find(w.front()) != npos) w.remove_prefix(1);
  while (!w.empty() && absl::string_view("()[],.;:").find(w.back()) != npos) w.remove_suffix(1);
  return w;
}

// A canonical lower-case roman numeral below 400 ("ix", "xlv"; not "il").
bool IsRomanNumeral(absl::string_view w) {
  static constexpr absl::string_view kOnes[] = {"",  "i",  "ii",  "iii",  "iv",
                                                "v", "vi", "vii", "viii", "ix"};
  static constexpr absl::string_view kTens[] = {"",  "x",  "xx",  "xxx",  "xl",
                                                "l", "lx", "lxx", "lxxx", "xc"};
  static constexpr absl::string_view kHundreds[] = {"", "c", "cc", "ccc"};
  if (w.empty() || w.size() > 12 || w.find_first_not_of("ivxlc") != npos) return false;
  for (int v = 1; v < 400; ++v) {
    std::string r = absl::StrCat(kHundreds[v / 100], kTens[(v / 10) % 10], kOnes[v % 10]);
    if (w == r) return true;
  }
  return false;
}

// Roman page numbers: "ix", "i-iv".
bool IsRomanPages(absl::string_view w) {
  size_t dash = w.find('-');
  if (dash == npos) return IsRomanNumeral(w);
  return IsRomanNumeral(w.substr(0, dash)) && IsRomanNumeral(w.substr(dash + 1));
}

bool IsNumericChunk(absl::string_view chunk, absl::string_view previous) {
  if (!chunk.empty() && chunk.front() == '(' && chunk.find(')') != npos) {
    // "(4)", "(1 Suppl)", "(spring 2000)", "(C10)", not "(SIAM)" or "(IJCNN89)".
    absl::string_view inner = StripPunct(chunk);
    size_t space = inner.find(' ');
    absl::string_view first = inner.substr(0, space);
    return ContainsDigit(chunk) && (space == npos ? IsNumericChunk(first, "") || false : true) &&
           (IsNumericChunk(first, "") || IsMonthOrSeasonWord(StripPunct(first)));
  }
  absl::string_view core = StripPunct(chunk);
  if (core.empty()) return true;
  if (std::all_of(core.begin(), core.end(), [](char c) { return c == '-' || c == '/'; }) ||
      core == "\xE2\x80\x93" || core == "\xE2\x80\x94") {
    return true;  // "43 - 102"
  }
  if (absl::ascii_isdigit(static_cast<unsigned char>(core[0]))) return true;
  // Letter-prefixed numbers: "A27", "CD003297", "e123", "S12", "v.13", "p.367-390", "n°5",
  // "A-SL-66".
  size_t k = 0;
  while (k < core.size() && k < 9 && !absl::ascii_isdigit(static_cast<unsigned char>(core[k]))) ++k;
  if (k < core.size() && k <= 8 && absl::ascii_isdigit(static_cast<unsigned char>(core[k]))) {
    absl::string_view prefix = core.substr(0, k);
    while (!prefix.empty() && (prefix.back() == '.' || prefix.back() == '-'))
      prefix.remove_suffix(1);
    std::string lower = absl::AsciiStrToLower(prefix);
    bool letters = !prefix.empty() && std::all_of(prefix.begin(), prefix.end(), [](char c) {
      return absl::ascii_isalpha(static_cast<unsigned char>(c)) ||
             static_cast<unsigned char>(c) >= 0x80;
    });
    bool capitals = std::all_of(prefix.begin(), prefix.end(), [](char c) {
      return absl::ascii_isupper(static_cast<unsigned char>(c)) || c == '-';
    });
    bool after_colon = !previous.empty() && previous.back() == ':';
    if ((letters && prefix.size() <= 3) || IsNumberKeyword(lower) ||
        (capitals && prefix.size() <= 4 && after_colon)) {
      return true;
    }
  }
  std::string lower = absl::AsciiStrToLower(core);
  if (IsNumberKeyword(lower) || IsMonthOrSeasonWord(core)) return true;
  // NLM tails: "1730-6; discussion 1737-40", "e89; author reply e88", "33 p following 502".
  if (IsOneOf(core, {"discussion", "quiz", "author", "reply", "following", "erratum", "comment",
                     "pas", "NP", "n.p", "sec"})) {
    return true;
  }
  if (IsRomanPages(core) && !previous.empty() &&
      (previous.back() == ',' || previous.back() == ':')) {
    return true;
  }
  if (core.size() >= 2 && IsRomanPages(absl::AsciiStrToLower(core)) &&
      std::all_of(core.begin(), core.end(),
                  [](char c) { return absl::ascii_isupper(static_cast<unsigned char>(c)); })) {
    return true;  // "Harvard Business Review, XLV", "Lunar and Planetary Science XXI"
  }
  if (CountCps(core) == 1 && IsUpperAt(core, 0)) {
    std::string prev = absl::AsciiStrToLower(StripPunct(previous));
    return IsOneOf(prev, {"part", "pt", "section", "sect", "suppl"});
  }
  return false;
}

struct Token {
  enum Type { kWord, kNumber, kAlnum, kRange, kOpen, kClose, kColon, kSemicolon, kComma } type;
  absl::string_view text;
};

std::vector<Token> Tokenize(absl::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size() && out.size() < 200) {
    char c = s[i];
    if (c == ' ' || c == '.' || c == kCut) {
      ++i;
      continue;
    }
    if (c == '(' || c == '[') {
      out.push_back({Token::kOpen, s.substr(i, 1)});
      ++i;
      continue;
    }
    if (c == ')' || c == ']') {
      out.push_back({Token::kClose, s.substr(i, 1)});
      ++i;
      continue;
    }
    if (c == ':' || c == ';' || c == ',') {
      out.push_back({c == ':'   ? Token::kColon
                     : c == ';' ? Token::kSemicolon
                                : Token::kComma,
                     s.substr(i, 1)});
      ++i;
      continue;
    }
    size_t e = i;
    while (e < s.size() && absl::string_view(" ()[]:;,").find(s[e]) == npos && s[e] != kCut) ++e;
    absl::string_view raw = s.substr(i, e - i);
    while (!raw.empty() && raw.back() == '.') raw.remove_suffix(1);
    i = e;
    if (raw.empty()) continue;
    size_t first_digit = 0;
    while (first_digit < raw.size() &&
           !absl::ascii_isdigit(static_cast<unsigned char>(raw[first_digit]))) {
      ++first_digit;
    }
    if (first_digit == raw.size()) {
      out.push_back({Token::kWord, raw});
      continue;
    }
    if (first_digit > 0) {
      // "v.13", "p.367-390", "Suppl.1", "n°5": a keyword glued to its number.
      absl::string_view prefix = raw.substr(0, first_digit);
      absl::string_view stem = prefix;
      while (!stem.empty() && (stem.back() == '.' || stem.back() == ' ')) stem.remove_suffix(1);
      std::string lower = absl::AsciiStrToLower(stem);
      if (stem.size() < prefix.size() || IsOneOf(lower, {"n°", "nº", "no", "vol", "pp", "p"})) {
        if (IsNumberKeyword(lower) || IsOneOf(lower, {"suppl", "n°", "nº"})) {
          out.push_back({Token::kWord, stem});
          raw.remove_prefix(first_digit);
          first_digit = 0;
        }
      }
    }
    // A range has a dash with a digit on both sides.
    size_t dash = npos;
    for (size_t k = 1; k < raw.size(); k += At(raw, k).len) {
      if (IsDashCp(At(raw, k).c)) {
        dash = k;
        break;
      }
    }
    if (dash != npos && ContainsDigit(raw.substr(0, dash)) &&
        ContainsDigit(raw.substr(dash + At(raw, dash).len))) {
      out.push_back({Token::kRange, raw});
    } else if (first_digit == 0) {
      out.push_back({Token::kNumber, raw});
    } else {
      out.push_back({Token::kAlnum, raw});
    }
  }
  return out;
}

// "43 - 102" is one range.
void MergeSpacedRanges(std::vector<Token>* tokens) {
  std::vector<Token>& t = *tokens;
  std::vector<Token> out;
  for (size_t i = 0; i < t.size(); ++i) {
    bool dash = t[i].type == Token::kWord &&
                (t[i].text == "-" || t[i].text == "\xE2\x80\x93" || t[i].text == "\xE2\x80\x94");
    bool value_before =
        !out.empty() && (out.back().type == Token::kNumber || out.back().type == Token::kAlnum);
    bool value_after =
        i + 1 < t.size() && (t[i + 1].type == Token::kNumber || t[i + 1].type == Token::kAlnum);
    if (dash && value_before && value_after) {
      const char* b = out.back().text.data();
      const char* e = t[i + 1].text.data() + t[i + 1].text.size();
      out.back() = {Token::kRange, absl::string_view(b, e - b)};
      ++i;
      continue;
    }
    out.push_back(t[i]);
  }
  t = std::move(out);
}

bool IsYearToken(const Token& t, int* year) {
  if (t.type != Token::kNumber) return false;
  absl::string_view s = t.text;
  if (s.size() == 5 && absl::ascii_islower(static_cast<unsigned char>(s[4]))) s.remove_suffix(1);
  if (s.size() != 4) return false;
  int y = 0;
  if (ReadNumber(s, 0, 4, &y) != 4 || !IsPlausibleYear(y)) return false;
  *year = y;
  return true;
}

bool IsValueToken(const Token& t) {
  return t.type == Token::kNumber || t.type == Token::kAlnum || t.type == Token::kRange;
}

std::string JoinTokens(const std::vector<Token>& tokens, size_t b, size_t e) {
  if (b >= e) return "";
  const char* first = tokens[b].text.data();
  const char* last = tokens[e - 1].text.data() + tokens[e - 1].text.size();
  return std::string(TrimField(absl::string_view(first, last - first)));
}

// Which year-like token of [b, e) is the year: one followed by ";" (Vancouver
// "2001;27:1-5", perhaps with a month between), else the last; npos if none.
// The others are numbers ("Evid Based Complement Alternat Med 2012: 501796,
// 2012", "52 (16): 1756, 1760, 1995").
size_t ChooseYear(const std::vector<Token>& t, size_t b, size_t e) {
  size_t last = npos;
  int depth = 0;
  for (size_t i = b; i < e; ++i) {
    if (t[i].type == Token::kOpen) ++depth;
    if (t[i].type == Token::kClose && depth > 0) --depth;
    int year = 0;
    if (depth > 0 || !IsYearToken(t[i], &year)) continue;
    if (i > b && t[i - 1].type == Token::kColon) continue;
    size_t j = i + 1;
    while (j < e && j - i <= 3 &&
           (t[j].type == Token::kWord || (t[j].type == Token::kNumber && t[j].text.size() <= 2)))
      ++j;
    if (j < e && t[j].type == Token::kSemicolon) return i;
    last = i;
  }
  return last;
}

void ReadNumberTokens(const std::vector<Token>& t, size_t b, size_t e, Numbers* n) {
  size_t year_index = ChooseYear(t, b, e);
  for (size_t i = b; i < e; ++i) {
    const Token& tok = t[i];
    auto next_value = [&](size_t from) -> size_t {
      size_t j = from;
      while (j < e && t[j].type == Token::kComma) ++j;
      return j < e && IsValueToken(t[j]) ? j : npos;
    };
    switch (tok.type) {
      case Token::kWord: {
        std::string kw = absl::AsciiStrToLower(tok.text);
        size_t j = next_value(i + 1);
        if (j == npos) break;
        if (IsOneOf(kw, {"vol", "vols", "volume", "v", "bd", "jg", "t", "tome", "tomo"})) {
          if (n->volume.empty()) n->volume = std::string(t[j].text);
          n->volume_keyword = true;
          i = j;
        } else if (IsOneOf(kw, {"no", "nos", "nr", "n°", "nº", "n", "num", "number", "issue", "iss",
                                "heft", "fasc"})) {
          if (n->issue.empty()) n->issue = std::string(t[j].text);
          i = j;
        } else if (IsOneOf(kw, {"pp", "p", "pg", "pgs", "pages", "page", "s"})) {
          if (n->pages.empty()) n->pages = std::string(t[j].text);
          i = j;
        }
        break;
      }
      case Token::kOpen: {
        size_t close = i + 1;
        int depth = 1;
        for (; close < e; ++close) {
          if (t[close].type == Token::kOpen) ++depth;
          if (t[close].type == Token::kClose && --depth == 0) break;
        }
        int year = 0;
        bool has_year = false, has_keyword = false;
        for (size_t k = i + 1; k < close; ++k) {
          if (IsYearToken(t[k], &year)) has_year = true;
          if (t[k].type == Token::kWord) {
            std::string kw = absl::AsciiStrToLower(t[k].text);
            if (IsOneOf(kw, {"vol", "volume", "pp", "p", "pages", "no"})) has_keyword = true;
          }
        }
        if (has_year) {
          if (n->year == 0) n->year = year;
        } else if (has_keyword) {
          ReadNumberTokens(t, i + 1, close, n);
        } else if (close > i + 1 && n->issue.empty()) {
          n->issue = JoinTokens(t, i + 1, close);
        }
        i = close;
        break;
      }
      case Token::kColon: {
        n->colon = true;
        if (i + 1 < e && (IsValueToken(t[i + 1]) ||
                          (t[i + 1].type == Token::kWord && IsRomanPages(t[i + 1].text)))) {
          if (n->pages.empty()) n->pages = std::string(t[i + 1].text);
          ++i;
        }
        break;
      }
      case Token::kSemicolon:
        if (year_index != npos && year_index < i && i - year_index <= 4) n->year_semicolon = true;
        break;
      case Token::kNumber:
      case Token::kAlnum:
      case Token::kRange: {
        int year = 0;
        if (i == year_index) {
          IsYearToken(tok, &year);
          if (n->year == 0) n->year = year;
          // "2019 Jan 3;380(1)": the month and day before the ";" are the date.
          size_t j = i + 1;
          while (j < e && j - i <= 3 &&
                 (t[j].type == Token::kWord ||
                  (t[j].type == Token::kNumber && t[j].text.size() <= 2))) {
            ++j;
          }
          if (j < e && j > i + 1 && t[j].type == Token::kSemicolon) i = j - 1;
        } else if (tok.type == Token::kRange) {
          if (n->pages.empty()) n->pages = std::string(tok.text);
        } else if (n->volume.empty() && n->pages.empty() && n->issue.empty()) {
          n->volume = std::string(tok.text);
        } else if (n->pages.empty()) {
          size_t j = i + 1;
          while (j < e && t[j].type == Token::kComma) ++j;
          bool issue_next = j < e && (t[j].type == Token::kOpen || t[j].type == Token::kColon);
          if (issue_next && n->issue.empty()) {
            n->issue = std::string(tok.text);
          } else if (!issue_next) {
            n->pages = std::string(tok.text);
          }
        }
        break;
      }
      case Token::kClose:
      case Token::kComma:
        break;
    }
  }
}

}  // namespace

size_t NumericTailStart(absl::string_view seg) {
  // Chunks are space-separated words; a bracketed group ("(12 Suppl
  // American):") is one chunk.
  std::vector<std::pair<size_t, size_t>> chunks;
  size_t i = 0;
  while (i < seg.size() && chunks.size() < 200) {
    i = SkipSpaces(seg, i);
    if (i >= seg.size()) break;
    size_t e = i + 1;
    if (seg[i] == '(') {
      size_t close = seg.find(')', i);
      if (close != npos && close - i < 60) e = close + 1;
    }
    while (e < seg.size() && seg[e] != ' ' && seg[e] != '(') ++e;
    chunks.push_back({i, e});
    i = e;
  }
  size_t start = seg.size();
  for (size_t k = chunks.size(); k-- > 0;) {
    absl::string_view chunk = seg.substr(chunks[k].first, chunks[k].second - chunks[k].first);
    absl::string_view previous =
        k > 0 ? seg.substr(chunks[k - 1].first, chunks[k - 1].second - chunks[k - 1].first) : "";
    if (!IsNumericChunk(chunk, previous)) break;
    start = chunks[k].first;
  }
  // A run that starts with a joining word belongs to the text before it.
  while (start < seg.size()) {
    size_t e = WordEnd(seg, start);
    std::string w = absl::AsciiStrToLower(seg.substr(start, e - start));
    if (e == start || !IsOneOf(w, {"and", "et", "e", "s", "t", "n", "v", "p"}) ||
        (e < seg.size() && seg[e] != ' ')) {
      break;
    }
    start = SkipSpaces(seg, e);
  }
  return start;
}

Numbers ReadNumbers(absl::string_view tail) {
  Numbers n;
  std::vector<Token> tokens = Tokenize(tail);
  MergeSpacedRanges(&tokens);
  ReadNumberTokens(tokens, 0, tokens.size(), &n);
  return n;
}

}  // namespace healthcontent::importers::citation
