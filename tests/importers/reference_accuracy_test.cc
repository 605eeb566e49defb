// Field-level accuracy of ParseCitation on labelled corpora:
//
//  * anystyle core.xml and gold.xml (tests/fixtures/corpus/anystyle/): each
//    <sequence> holds the tagged parts of one citation; the parts joined by
//    spaces are the citation. For doi, url, year, first-author surname, title
//    and container title the parser's value is compared with the tagged one
//    after normalising case, punctuation and whitespace. A sequence counts
//    toward a field only when it carries that label with a value in it (a
//    <date> with a year, an <author> with a name); labels the Reference has no
//    field for (location, note, genre, isbn...) are ignored.
//  * NCI PDQ (tests/fixtures/corpus/nci-pdq/pdq_hp_citations.jsonl): the share
//    of citations that yield authors, title, container title, year, volume
//    and pages, with the year equal to the last four-digit year printed.
//
// Both tests print a table and record the figures with RecordProperty.
// Set HC_REFERENCE_MISSES to a field name (doi, url, year, surname, title,
// container, nci) to print every miss of that field while working on the
// parser.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "importers/reference_parser.h"
#include "testing/test_env.h"

namespace healthcontent::importers {
namespace {

// Floors asserted below. DOI, URL and year must reach 97%. The goal for
// first-author surname, title and container title is 85%; their floors sit
// a little under what the parser measured when they were set (96.4%, 85.6%,
// 86.0% on 2026-11-27, see bench/RESULTS.md) so that a real regression fails
// while a one-citation wobble does not. NCI's 95% is the required figure; the
// parser measured 95.05% (4070/4282). About 4.7% of those strings are books,
// chapters or issue-only journal citations ("Cochrane Database Syst Rev (2):
// CD003297") that print no volume or pages at all, so the reachable ceiling is
// near 95.3%.
constexpr double kDoiFloor = 97.0;
constexpr double kUrlFloor = 97.0;
constexpr double kYearFloor = 97.0;
constexpr double kSurnameFloor = 95.0;
constexpr double kTitleFloor = 84.0;
constexpr double kContainerFloor = 84.0;
constexpr double kNciFloor = 95.0;

std::string MissField() {
  const char* v = std::getenv("HC_REFERENCE_MISSES");
  return v != nullptr ? v : "";
}

// ---------------------------------------------------------------------------
// The anystyle XML: one tag per line inside <sequence>...</sequence>.

struct Part {
  std::string label;
  std::string text;
};
using Sequence = std::vector<Part>;

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::string DecodeEntities(absl::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == absl::string_view::npos || semi - i > 10) {
      out.push_back('&');
      continue;
    }
    absl::string_view name = s.substr(i + 1, semi - i - 1);
    if (name == "amp") {
      out.push_back('&');
    } else if (name == "lt") {
      out.push_back('<');
    } else if (name == "gt") {
      out.push_back('>');
    } else if (name == "quot") {
      out.push_back('"');
    } else if (name == "apos") {
      out.push_back('\'');
    } else if (!name.empty() && name[0] == '#') {
      bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
      char32_t c = static_cast<char32_t>(
          std::strtoul(std::string(name.substr(hex ? 2 : 1)).c_str(), nullptr, hex ? 16 : 10));
      AppendUtf8(c, &out);
    } else {
      out.push_back('&');
      continue;
    }
    i = semi;
  }
  return out;
}

std::vector<Sequence> ReadAnystyle(const std::string& path) {
  std::string xml = testing::ReadFileOrDie(path);
  std::vector<Sequence> out;
  Sequence* current = nullptr;
  for (absl::string_view line : absl::StrSplit(xml, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line == "<sequence>") {
      out.emplace_back();
      current = &out.back();
      continue;
    }
    if (line == "</sequence>") {
      current = nullptr;
      continue;
    }
    if (current == nullptr || line.size() < 2 || line[0] != '<' || line[1] == '/') continue;
    size_t close = line.find('>');
    if (close == absl::string_view::npos) continue;
    std::string label(line.substr(1, close - 1));
    std::string end_tag = absl::StrCat("</", label, ">");
    if (!absl::EndsWith(line, end_tag)) continue;
    absl::string_view text = line.substr(close + 1, line.size() - close - 1 - end_tag.size());
    current->push_back({label, DecodeEntities(text)});
  }
  return out;
}

// ---------------------------------------------------------------------------
// Normalisation.

// Decodes one UTF-8 code point; *len gets its length.
char32_t DecodeAt(absl::string_view s, size_t i, size_t* len) {
  unsigned char b = static_cast<unsigned char>(s[i]);
  size_t n = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
  if (i + n > s.size()) n = 1;
  char32_t c = n == 1 ? b : (b & (0x7F >> n));
  for (size_t k = 1; k < n; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  *len = n;
  return c;
}

bool IsWordCodePoint(char32_t c) {
  if (c < 0x80) return absl::ascii_isalnum(static_cast<unsigned char>(c));
  if (c < 0xC0) return false;                    // Latin-1 punctuation and signs
  if (c >= 0x2000 && c <= 0x2BFF) return false;  // general punctuation, arrows, symbols
  if (c >= 0x3000 && c <= 0x303F) return false;  // CJK punctuation
  if (c == 0xD7 || c == 0xF7 || c == 0xFFFD) return false;
  return true;
}

// Lower-case words separated by single spaces: all punctuation and inline
// markup ("<italic>") dropped.
std::string NormText(absl::string_view s) {
  std::string out;
  bool space = false;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '<') {
      size_t close = s.find('>', i);
      absl::string_view tag =
          close == absl::string_view::npos ? "" : s.substr(i + 1, close - i - 1);
      tag = absl::StripPrefix(tag, "/");
      if (!tag.empty() && tag.size() <= 8 && std::all_of(tag.begin(), tag.end(), [](char c) {
            return absl::ascii_isalpha(static_cast<unsigned char>(c));
          })) {
        i = close + 1;
        space = true;
        continue;
      }
    }
    size_t len = 1;
    char32_t c = DecodeAt(s, i, &len);
    if (IsWordCodePoint(c)) {
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      if (c < 0x80) {
        out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
      } else {
        if (c >= 0xC0 && c <= 0xDE) c += 0x20;  // Latin-1 capitals
        AppendUtf8(c, &out);
      }
    } else if (!(c >= 0x300 && c <= 0x36F)) {  // combining marks join their letter
      space = true;
    }
    i += len;
  }
  return out;
}

std::string NormContainer(absl::string_view s) {
  std::string n = NormText(s);
  if (absl::StartsWith(n, "in ")) n = n.substr(3);
  return n;
}

std::string RemoveSpaces(absl::string_view s) {
  std::string out;
  for (char c : s) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) out.push_back(c);
  }
  return out;
}

std::string StripTrailingPunct(std::string s) {
  while (!s.empty()) {
    char c = s.back();
    if (absl::string_view(".,;:'\"<>*").find(c) != absl::string_view::npos) {
      s.pop_back();
      continue;
    }
    if (c == ')' || c == ']') {
      char open = c == ')' ? '(' : '[';
      if (std::count(s.begin(), s.end(), open) < std::count(s.begin(), s.end(), c)) {
        s.pop_back();
        continue;
      }
    }
    break;
  }
  return s;
}

// "doi: 10.1163/157006598X00135." -> "10.1163/157006598x00135".
std::string NormDoi(absl::string_view s) {
  std::string t = RemoveSpaces(s);
  size_t k = t.find("10.");
  if (k == std::string::npos) return "";
  return absl::AsciiStrToLower(StripTrailingPunct(t.substr(k)));
}

// "URL: http://www. boston.com/x." -> "www.boston.com/x".
std::string NormUrl(absl::string_view s) {
  std::string t = RemoveSpaces(s);
  std::string lower = absl::AsciiStrToLower(t);
  size_t k = lower.find("http");
  if (k == std::string::npos) k = lower.find("www.");
  if (k == std::string::npos) return "";
  std::string u = absl::AsciiStrToLower(StripTrailingPunct(t.substr(k)));
  for (absl::string_view scheme : {"https://", "http://"}) {
    if (absl::StartsWith(u, scheme)) u = u.substr(scheme.size());
  }
  return u;
}

int GoldYear(absl::string_view date) {
  for (size_t i = 0; i + 4 <= date.size(); ++i) {
    if (i > 0 && absl::ascii_isdigit(static_cast<unsigned char>(date[i - 1]))) continue;
    bool four = true;
    for (size_t k = 0; k < 4; ++k)
      four = four && absl::ascii_isdigit(static_cast<unsigned char>(date[i + k]));
    if (!four ||
        (i + 4 < date.size() && absl::ascii_isdigit(static_cast<unsigned char>(date[i + 4])))) {
      continue;
    }
    int y = std::stoi(std::string(date.substr(i, 4)));
    if (y >= 1500 && y <= 2099) return y;
  }
  return 0;
}

// ---------------------------------------------------------------------------
// The family name of the first person in an author string, by the shape of
// the name: "Papiez MA" and "Romero, C." and "Pérez-Higueras JJ, Arias A"
// give the first word(s), "H. Fischer" and "Catherine Wah, Steve Branson"
// the last, "ACKET Claude" the word in capitals.

bool IsInitialWord(absl::string_view w) {
  w = absl::StripSuffix(w, ",");
  if (w.empty() || w.size() > 6) return false;
  int letters = 0, upper = 0, lower = 0;
  for (char c : w) {
    if (absl::ascii_isupper(static_cast<unsigned char>(c))) ++upper;
    if (absl::ascii_islower(static_cast<unsigned char>(c))) ++lower;
    if (absl::ascii_isalpha(static_cast<unsigned char>(c))) ++letters;
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  if (upper == 0) return false;
  if (lower == 0) return letters <= 4 && (letters <= 3 || w.find('.') != absl::string_view::npos);
  return lower == 1 && upper == 1 && w.back() == '.';  // "Th."
}

bool IsAllCapsWord(absl::string_view w) {
  int upper = 0;
  for (size_t i = 0; i < w.size();) {
    size_t len = 1;
    char32_t c = DecodeAt(w, i, &len);
    if ((c >= 'a' && c <= 'z') || (c >= 0xDF && c <= 0xFF)) return false;
    if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE)) ++upper;
    i += len;
  }
  return upper >= 2;
}

std::vector<std::string> Words(absl::string_view s) {
  std::vector<std::string> out;
  for (absl::string_view w : absl::StrSplit(s, ' ', absl::SkipEmpty())) {
    std::string word(w);
    while (!word.empty() && absl::string_view(",;:").find(word.back()) != absl::string_view::npos) {
      word.pop_back();
    }
    if (!word.empty()) out.push_back(word);
  }
  return out;
}

std::string Surname(absl::string_view author) {
  std::string s(absl::StripAsciiWhitespace(author));
  std::string lower = absl::AsciiStrToLower(s);
  size_t cut = s.size();
  for (absl::string_view stop : {";", " and ", " & ", " et al", " und ", "(", " et "}) {
    size_t k = absl::string_view(lower).find(stop);
    if (k != std::string::npos && k < cut) cut = k;
  }
  s = s.substr(0, cut);
  std::vector<std::string> words;
  size_t comma = s.find(',');
  if (comma != std::string::npos) {
    std::vector<std::string> before = Words(s.substr(0, comma));
    std::vector<std::string> after = Words(s.substr(comma + 1));
    if (before.empty()) return "";
    if (before.size() == 1) return NormText(before[0]);
    if (IsInitialWord(before.back())) {
      before.pop_back();
      return NormText(absl::StrJoin(before, " "));
    }
    if (IsInitialWord(before.front())) return NormText(before.back());
    if (!after.empty() && IsInitialWord(after.front())) return NormText(absl::StrJoin(before, " "));
    return NormText(before.back());
  }
  words = Words(s);
  while (!words.empty() && absl::StartsWith(absl::AsciiStrToLower(words.back()), "jr"))
    words.pop_back();
  if (words.empty()) return "";
  if (words.size() == 1) return NormText(words[0]);
  if (IsInitialWord(words.back())) {
    while (!words.empty() && IsInitialWord(words.back())) words.pop_back();
    return NormText(absl::StrJoin(words, " "));
  }
  if (IsInitialWord(words.front())) return NormText(words.back());
  int caps = 0;
  std::string caps_word;
  for (const std::string& w : words) {
    if (IsAllCapsWord(w)) {
      ++caps;
      caps_word = w;
    }
  }
  if (caps == 1) return NormText(caps_word);
  return NormText(words.back());
}

// ---------------------------------------------------------------------------

struct Tally {
  int correct = 0;
  int total = 0;
  double Percent() const { return total == 0 ? 0.0 : 100.0 * correct / total; }
};

enum Field { kDoi, kUrl, kYear, kSurname, kTitle, kContainer, kFieldCount };
constexpr const char* kFieldNames[] = {"doi", "url", "year", "surname", "title", "container"};
constexpr const char* kFieldLabels[] = {
    "DOI", "URL", "year", "first-author surname", "title", "container title"};

const std::string* FirstOf(const Sequence& seq, std::initializer_list<absl::string_view> labels) {
  for (const Part& part : seq) {
    for (absl::string_view label : labels) {
      if (part.label == label) return &part.text;
    }
  }
  return nullptr;
}

void Score(const Sequence& seq, std::array<Tally, kFieldCount>* tally) {
  std::vector<std::string> texts;
  for (const Part& part : seq) texts.push_back(part.text);
  std::string citation = absl::StrJoin(texts, " ");
  v1::Reference ref = ParseCitation(citation);
  const std::string misses = MissField();
  auto count = [&](Field f, const std::string& gold, const std::string& got) {
    (*tally)[f].total++;
    if (gold == got) {
      (*tally)[f].correct++;
    } else if (misses == kFieldNames[f]) {
      std::printf("MISS %s\n  cite: %s\n  gold: %s\n  got:  %s\n", kFieldNames[f], citation.c_str(),
                  gold.c_str(), got.c_str());
    }
  };
  if (const std::string* doi = FirstOf(seq, {"doi"}); doi != nullptr && !NormDoi(*doi).empty()) {
    count(kDoi, NormDoi(*doi), absl::AsciiStrToLower(ref.doi()));
  }
  if (const std::string* url = FirstOf(seq, {"url"}); url != nullptr && !NormUrl(*url).empty()) {
    count(kUrl, NormUrl(*url), NormUrl(ref.url()));
  }
  int year = 0;
  for (const Part& part : seq) {
    if (part.label == "date" && (year = GoldYear(part.text)) != 0) break;
  }
  if (year != 0) count(kYear, std::to_string(year), std::to_string(ref.year()));
  if (const std::string* author = FirstOf(seq, {"author"});
      author != nullptr && !Surname(*author).empty()) {
    count(kSurname, Surname(*author), ref.authors().empty() ? "" : Surname(ref.authors(0)));
  }
  if (const std::string* title = FirstOf(seq, {"title"});
      title != nullptr && !NormText(*title).empty()) {
    count(kTitle, NormText(*title), NormText(ref.title()));
  }
  if (const std::string* container = FirstOf(seq, {"journal", "container-title"});
      container != nullptr && !NormContainer(*container).empty()) {
    count(kContainer, NormContainer(*container), NormContainer(ref.container_title()));
  }
}

TEST(ReferenceAccuracyTest, AnystyleFieldAccuracy) {
  const std::string dir = testing::SourceDir() + "/tests/fixtures/corpus/anystyle/";
  std::array<Tally, kFieldCount> per_file[2];
  const char* files[] = {"core.xml", "gold.xml"};
  int sequences = 0;
  auto start = std::chrono::steady_clock::now();
  for (int f = 0; f < 2; ++f) {
    std::vector<Sequence> seqs = ReadAnystyle(dir + files[f]);
    ASSERT_GT(seqs.size(), 1000u) << files[f];
    for (const Sequence& seq : seqs) Score(seq, &per_file[f]);
    sequences += static_cast<int>(seqs.size());
  }
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  std::printf("\nReference parser accuracy on anystyle (%d sequences, %.0f ms)\n", sequences, ms);
  std::printf("%-22s %16s %16s %18s\n", "field", "core.xml", "gold.xml", "both");
  std::array<Tally, kFieldCount> both;
  for (int k = 0; k < kFieldCount; ++k) {
    both[k] = {per_file[0][k].correct + per_file[1][k].correct,
               per_file[0][k].total + per_file[1][k].total};
    auto cell = [](const Tally& t) {
      return absl::StrFormat("%d/%d %.1f%%", t.correct, t.total, t.Percent());
    };
    std::printf("%-22s %16s %16s %18s\n", kFieldLabels[k], cell(per_file[0][k]).c_str(),
                cell(per_file[1][k]).c_str(), cell(both[k]).c_str());
    RecordProperty(absl::StrCat("anystyle_", kFieldNames[k], "_percent"),
                   absl::StrFormat("%.1f", both[k].Percent()));
    RecordProperty(absl::StrCat("anystyle_", kFieldNames[k], "_correct"),
                   absl::StrCat(both[k].correct, "/", both[k].total));
  }
  std::fflush(stdout);

  EXPECT_GE(both[kDoi].Percent(), kDoiFloor);
  EXPECT_GE(both[kUrl].Percent(), kUrlFloor);
  EXPECT_GE(both[kYear].Percent(), kYearFloor);
  EXPECT_GE(both[kSurname].Percent(), kSurnameFloor);
  EXPECT_GE(both[kTitle].Percent(), kTitleFloor);
  EXPECT_GE(both[kContainer].Percent(), kContainerFloor);
}

// ---------------------------------------------------------------------------
// NCI PDQ.

// The value of a top-level string member of one JSON object line.
std::string JsonString(absl::string_view line, absl::string_view key) {
  std::string needle = absl::StrCat("\"", key, "\":");
  size_t k = line.find(needle);
  if (k == absl::string_view::npos) return "";
  size_t i = line.find('"', k + needle.size());
  if (i == absl::string_view::npos) return "";
  std::string out;
  for (++i; i < line.size() && line[i] != '"'; ++i) {
    if (line[i] != '\\' || i + 1 >= line.size()) {
      out.push_back(line[i]);
      continue;
    }
    char e = line[++i];
    switch (e) {
      case 'n':
        out.push_back('\n');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'u': {
        if (i + 4 >= line.size()) return out;
        char32_t c = std::strtoul(std::string(line.substr(i + 1, 4)).c_str(), nullptr, 16);
        i += 4;
        if (c >= 0xD800 && c <= 0xDBFF && i + 6 < line.size() && line[i + 1] == '\\' &&
            line[i + 2] == 'u') {
          char32_t low = std::strtoul(std::string(line.substr(i + 3, 4)).c_str(), nullptr, 16);
          c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        }
        AppendUtf8(c, &out);
        break;
      }
      default:
        out.push_back(e);
    }
  }
  return out;
}

int LastFourDigitYear(absl::string_view s) {
  int found = 0;
  for (size_t i = 0; i + 4 <= s.size(); ++i) {
    if (i > 0 && absl::ascii_isdigit(static_cast<unsigned char>(s[i - 1]))) continue;
    bool four = true;
    for (size_t k = 0; k < 4; ++k)
      four = four && absl::ascii_isdigit(static_cast<unsigned char>(s[i + k]));
    if (!four || (i + 4 < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[i + 4]))))
      continue;
    int y = std::stoi(std::string(s.substr(i, 4)));
    if (y >= 1500 && y <= 2099) found = y;
  }
  return found;
}

TEST(ReferenceAccuracyTest, NciPdqCitationsYieldJournalFields) {
  std::string jsonl = testing::ReadFileOrDie(
      testing::SourceDir() + "/tests/fixtures/corpus/nci-pdq/pdq_hp_citations.jsonl");
  Tally all, authors, title, container, year, volume, pages, year_last;
  const bool show = MissField() == "nci";
  for (absl::string_view line : absl::StrSplit(jsonl, '\n', absl::SkipEmpty())) {
    std::string text = JsonString(line, "text");
    v1::Reference ref = ParseCitation(text);
    bool ok_authors = ref.authors_size() > 0, ok_title = !ref.title().empty(),
         ok_container = !ref.container_title().empty(), ok_year = ref.year() != 0,
         ok_volume = !ref.volume().empty(), ok_pages = !ref.pages().empty(),
         ok_last = ref.year() == LastFourDigitYear(text);
    bool ok = ok_authors && ok_title && ok_container && ok_year && ok_volume && ok_pages && ok_last;
    for (auto [tally, good] : {std::pair<Tally*, bool>{&all, ok},
                               {&authors, ok_authors},
                               {&title, ok_title},
                               {&container, ok_container},
                               {&year, ok_year},
                               {&volume, ok_volume},
                               {&pages, ok_pages},
                               {&year_last, ok_last}}) {
      tally->total++;
      if (good) tally->correct++;
    }
    if (show && !ok) {
      std::printf(
          "MISS nci\n  cite: %s\n  got:  authors=%d title=[%s] container=[%s] year=%d "
          "volume=[%s] issue=[%s] pages=[%s]\n",
          text.c_str(), ref.authors_size(), ref.title().c_str(), ref.container_title().c_str(),
          ref.year(), ref.volume().c_str(), ref.issue().c_str(), ref.pages().c_str());
    }
  }
  ASSERT_GT(all.total, 4000);
  std::printf("\nReference parser on NCI PDQ citations (%d strings)\n", all.total);
  for (auto [name, t] : {std::pair<const char*, Tally>{"all six fields + last year", all},
                         {"authors", authors},
                         {"title", title},
                         {"container title", container},
                         {"year", year},
                         {"volume", volume},
                         {"pages", pages},
                         {"year = last year printed", year_last}}) {
    std::printf("%-28s %5d/%d %5.1f%%\n", name, t.correct, t.total, t.Percent());
  }
  std::fflush(stdout);
  RecordProperty("nci_complete_percent", absl::StrFormat("%.1f", all.Percent()));
  RecordProperty("nci_complete_correct", absl::StrCat(all.correct, "/", all.total));
  EXPECT_GE(all.Percent(), kNciFloor);
}

}  // namespace
}  // namespace healthcontent::importers
