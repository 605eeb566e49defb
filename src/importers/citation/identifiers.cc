#include "importers/citation/identifiers.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "importers/citation/code_points.h"
#include "importers/citation/dates.h"
#include "importers/citation/text.h"

namespace healthcontent::importers::citation {
namespace {

// Start of the word that ends just before i (skipping spaces), for look-behind.
bool PrecededBy(absl::string_view s, size_t i, absl::string_view lit, size_t* start) {
  size_t p = i;
  while (p > 0 && s[p - 1] == ' ') --p;
  if (p < lit.size()) return false;
  size_t b = p - lit.size();
  if (!absl::EqualsIgnoreCase(s.substr(b, lit.size()), lit)) return false;
  if (b > 0 && IsLetterBefore(s, b) && absl::ascii_isalpha(static_cast<unsigned char>(lit[0]))) {
    return false;
  }
  *start = b;
  return true;
}

bool IsUrlByte(unsigned char c) { return c > 0x20 && c < 0x7F && c != '"' && c != '<' && c != '>'; }

// End of the URL text at i: printable ASCII but quotes and angle brackets,
// and letters or signs beyond ASCII that are not quotation marks ("/˜jason/").
size_t UrlTokenEnd(absl::string_view s, size_t i) {
  while (i < s.size()) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (!IsUrlByte(b)) break;
      ++i;
      continue;
    }
    CodePoint cp = At(s, i);
    if (IsQuoteCp(cp.c) || IsSpaceCp(cp.c) || IsDashCp(cp.c) || cp.c == 0xFFFD) break;
    i += cp.len;
  }
  return i;
}

bool HasFileExtension(absl::string_view token) {
  static constexpr absl::string_view kExtensions[] = {".pdf", ".html", ".htm", ".php", ".aspx",
                                                      ".asp", ".jsp",  ".cfm", ".ps",  ".txt",
                                                      ".xml", ".doc",  ".docx"};
  std::string lower = absl::AsciiStrToLower(token);
  for (absl::string_view ext : kExtensions) {
    if (absl::EndsWith(lower, ext)) return true;
  }
  return false;
}

// True when the token after a space continues a URL that a line break split:
// "http://www. boston.com/...", "https://www.cia.gov/ library/...".
bool ContinuesUrl(absl::string_view url, absl::string_view next) {
  while (!next.empty() && absl::string_view(".,;:)]").find(next.back()) != npos)
    next.remove_suffix(1);
  if (next.empty() || url.empty()) return false;
  for (char c : next) {
    if (!IsUrlByte(static_cast<unsigned char>(c))) return false;
  }
  if (StartsWithAt(next, 0, "http") || StartsWithAt(next, 0, "www.") ||
      StartsWithAt(next, 0, "doi")) {
    return false;
  }
  bool url_has_path = url.find('/', url.find("//") == npos ? 0 : url.find("//") + 2) != npos;
  if (url_has_path && HasFileExtension(next) && next.find('/') == npos) return true;
  bool joinable_end = absl::string_view("/.-_=?&").find(url.back()) != npos;
  bool joinable_start = absl::string_view("-/._").find(next.front()) != npos;
  // ".../community development/assets/pdf/CommunityColleges.pdf"
  if (url_has_path && absl::ascii_islower(static_cast<unsigned char>(next.front())) &&
      next.find('/') != npos && next.find('.') != npos) {
    return true;
  }
  if (!joinable_end && !joinable_start) return false;
  if (!joinable_start && !absl::ascii_islower(static_cast<unsigned char>(next.front())) &&
      !absl::ascii_isdigit(static_cast<unsigned char>(next.front()))) {
    return false;
  }
  return next.find_first_of("./?=&-_%") != npos;
}

// Strips what follows a URL in running text: sentence punctuation and a
// closing bracket that the URL did not open.
absl::string_view TrimUrlEnd(absl::string_view url) {
  while (!url.empty()) {
    char c = url.back();
    if (absl::string_view(".,;:!?'*").find(c) != npos) {
      url.remove_suffix(1);
      continue;
    }
    if (c == ')' || c == ']' || c == '}') {
      char open = c == ')' ? '(' : c == ']' ? '[' : '{';
      if (std::count(url.begin(), url.end(), open) < std::count(url.begin(), url.end(), c)) {
        url.remove_suffix(1);
        continue;
      }
    }
    break;
  }
  return url;
}

bool IsValidDoiShape(absl::string_view doi) {
  if (!absl::StartsWith(doi, "10.") || doi.size() > 300) return false;
  size_t slash = doi.find('/');
  if (slash == npos || slash < 4 || slash + 1 >= doi.size()) return false;
  for (size_t i = 3; i < slash; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(doi[i])) && doi[i] != '.') return false;
  }
  for (size_t i = slash + 1; i < doi.size(); ++i) {
    if (static_cast<unsigned char>(doi[i]) <= 0x20) return false;
  }
  return true;
}

std::string DigitsAt(absl::string_view s, size_t i) {
  size_t e = i;
  while (e < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[e]))) ++e;
  return std::string(s.substr(i, e - i));
}

// PubMed id of a PubMed address, or "".
std::string PmidOfUrl(absl::string_view url) {
  std::string lower = absl::AsciiStrToLower(url);
  if (lower.find("ncbi.nlm.nih.gov") == npos && lower.find("pubmed") == npos) return "";
  for (absl::string_view key : {"list_uids=", "/pubmed/", "pubmed.ncbi.nlm.nih.gov/"}) {
    size_t k = absl::string_view(lower).find(key);
    if (k != npos) {
      std::string digits = DigitsAt(url, k + key.size());
      if (!digits.empty() && digits.size() <= 10) return digits;
    }
  }
  return "";
}

// DOI of a doi.org address, or "".
std::string DoiOfUrl(absl::string_view url) {
  std::string lower = absl::AsciiStrToLower(url);
  size_t host = lower.find("doi.org/");
  if (host == npos) return "";
  std::string doi(url.substr(host + 8));
  for (size_t k; (k = absl::AsciiStrToLower(doi).find("%2f")) != npos;) doi.replace(k, 3, "/");
  return IsValidDoiShape(doi) ? doi : "";
}

// The lead-in that introduces a URL ("Retrieved from", "Available at:",
// "URL:"): start of the words to remove with it, or `url_begin`.
size_t UrlLeadIn(absl::string_view s, size_t url_begin) {
  static constexpr absl::string_view kKeys[] = {
      "retrieved", "available", "url",       "online",     "accessed",   "see",  "en ligne",
      "retirado",  "abgerufen", "verfügbar", "disponible", "disponível", "from", "[internet]"};
  size_t floor = url_begin > 120 ? url_begin - 120 : 0;
  size_t b = url_begin;
  while (b > floor && s[b - 1] != kCut && !(s[b - 1] == ' ' && b >= 2 && s[b - 2] == '.')) --b;
  for (size_t i = b; i < url_begin; ++i) {
    if (IsLetterBefore(s, i)) continue;
    for (absl::string_view key : kKeys) {
      if (WordAt(s, i, key) || (key.back() == ']' && StartsWithAt(s, i, key))) {
        size_t open = 0;
        if (PrecededBy(s, i, "(", &open) || PrecededBy(s, i, "[", &open)) return open;
        return i;
      }
    }
  }
  return url_begin;
}

}  // namespace

void ExtractAccessNotes(std::string* t, v1::Reference* ref) {
  static constexpr absl::string_view kKeys[] = {
      "last accessed", "date accessed", "accessed on",  "accessed",       "retrieved on",
      "retrieved",     "last viewed",   "viewed on",    "viewed",         "cited",
      "consulted on",  "consulted",     "abgerufen am", "zugegriffen am", "consulté le"};
  for (size_t i = 0; i < t->size(); ++i) {
    if (!absl::ascii_isalpha(static_cast<unsigned char>((*t)[i])) || IsLetterBefore(*t, i))
      continue;
    for (absl::string_view key : kKeys) {
      if (!WordAt(*t, i, key)) continue;
      size_t p = SkipSpaces(*t, SkipChars(*t, SkipSpaces(*t, i + key.size()), ":"));
      DayDate d = DateAt(*t, p);
      if (d.end == npos || (d.day == 0 && key == "cited")) break;
      size_t begin = i, end = d.end;
      size_t open = 0;
      if (PrecededBy(*t, i, "[", &open) || PrecededBy(*t, i, "(", &open)) {
        char close = (*t)[open] == '[' ? ']' : ')';
        size_t q = SkipChars(*t, end, ". ");
        if (q < t->size() && (*t)[q] == close) {
          begin = open;
          end = q + 1;
        }
      }
      google::type::Date date;
      if (d.day != 0 && !ref->has_accessed_date() && SetDate(d, &date)) {
        *ref->mutable_accessed_date() = date;
      }
      Cut(t, begin, end);
      i = begin;
      break;
    }
  }
}

void ExtractUrls(std::string* t, v1::Reference* ref) {
  size_t i = 0;
  for (int found = 0; found < 16 && i < t->size(); ++i) {
    bool www = StartsWithAt(*t, i, "www.") && IsAlnumAt(*t, i + 4) &&
               (i == 0 || !IsUrlByte(static_cast<unsigned char>((*t)[i - 1])) ||
                (*t)[i - 1] == '(' || (*t)[i - 1] == '[');
    if (!www && !StartsWithAt(*t, i, "http://") && !StartsWithAt(*t, i, "https://")) continue;
    ++found;
    size_t end = UrlTokenEnd(*t, i);
    std::string url = t->substr(i, end - i);
    for (int joins = 0; joins < 4 && end + 1 < t->size() && (*t)[end] == ' '; ++joins) {
      size_t next_end = UrlTokenEnd(*t, end + 1);
      absl::string_view next = absl::string_view(*t).substr(end + 1, next_end - end - 1);
      if (!ContinuesUrl(url, next)) break;
      url += std::string(next);
      end = next_end;
    }
    absl::string_view trimmed = TrimUrlEnd(url);
    // Where the printed URL ends in the text: drop as many bytes as the trim did.
    size_t text_end = end - (url.size() - trimmed.size());
    std::string value(trimmed);
    if (www) value = "http://" + value;
    size_t begin = UrlLeadIn(*t, i);
    size_t open = 0;
    if (begin == i && (PrecededBy(*t, i, "<", &open) || PrecededBy(*t, i, "(", &open) ||
                       PrecededBy(*t, i, "[", &open))) {
      begin = open;
    }
    if (begin < i &&
        (begin == 0 || (*t)[begin] == '(' || (*t)[begin] == '[' || (*t)[begin] == '<')) {
      char close = (*t)[begin] == '(' ? ')' : (*t)[begin] == '[' ? ']' : '>';
      size_t q = SkipChars(*t, text_end, ". ");
      if (q < t->size() && (*t)[q] == close) text_end = q + 1;
    }
    if (ref->url().empty() && value.size() <= kMaxUrlBytes && value.size() > 11)
      ref->set_url(value);
    if (ref->doi().empty()) ref->set_doi(DoiOfUrl(value));
    if (ref->pmid().empty()) ref->set_pmid(PmidOfUrl(value));
    Cut(t, begin, std::max(text_end, begin));
    i = begin;
  }
}

void ExtractDois(std::string* t, v1::Reference* ref) {
  for (size_t i = 0; i + 3 < t->size(); ++i) {
    if (!StartsWithAt(*t, i, "10.") || (i > 0 && IsAlnumAt(*t, PrevCp(*t, i)))) continue;
    size_t p = i + 3;
    while (p < t->size() && (IsDigitAt(*t, p) || ((*t)[p] == '.' && IsDigitAt(*t, p + 1)))) ++p;
    if (p - i < 7 || p >= t->size() || (*t)[p] != '/') continue;
    size_t end = p + 1;
    while (end < t->size()) {
      CodePoint cp = At(*t, end);
      if (cp.c <= 0x20 || cp.c == kCut || cp.c == '"' || cp.c == '<' || cp.c == '>' ||
          (cp.c >= 0x80 && IsQuoteCp(cp.c))) {
        break;
      }
      end += cp.len;
    }
    absl::string_view doi = TrimUrlEnd(absl::string_view(*t).substr(i, end - i));
    size_t doi_end = i + doi.size();
    size_t begin = i;
    size_t b = i;
    while (b > 0 && ((*t)[b - 1] == ' ' || (*t)[b - 1] == ':' || (*t)[b - 1] == '>')) --b;
    size_t start = 0;
    if (PrecededBy(*t, b, "doi", &start)) begin = start;
    size_t open = 0;
    if (PrecededBy(*t, begin, "(", &open) || PrecededBy(*t, begin, "[", &open)) {
      char close = (*t)[open] == '(' ? ')' : ']';
      if (doi_end < t->size() && (*t)[doi_end] == close) {
        begin = open;
        ++doi_end;
      }
    }
    if (ref->doi().empty() && IsValidDoiShape(doi)) ref->set_doi(std::string(doi));
    Cut(t, begin, doi_end);
    i = begin;
  }
}

void ExtractIds(std::string* t, v1::Reference* ref) {
  for (size_t i = 0; i < t->size(); ++i) {
    if (IsLetterBefore(*t, i)) continue;
    size_t key_end = npos;
    bool pmid = false;
    for (absl::string_view key : {"pmid", "pmcid", "isbn-13", "isbn-10", "isbn", "issn"}) {
      if (WordAt(*t, i, key)) {
        key_end = i + key.size();
        pmid = key == "pmid";
        break;
      }
    }
    if (key_end == npos) continue;
    size_t p = SkipSpaces(*t, SkipChars(*t, SkipSpaces(*t, key_end), ":"));
    if (StartsWithAt(*t, p, "pmc")) p += 3;
    size_t end = p;
    while (end < t->size() && (IsDigitAt(*t, end) || (*t)[end] == '-' || (*t)[end] == 'X' ||
                               (*t)[end] == 'x' || ((*t)[end] == ' ' && IsDigitAt(*t, end + 1)))) {
      ++end;
    }
    if (end == p) continue;
    if (pmid && ref->pmid().empty()) {
      std::string digits = DigitsAt(*t, p);
      if (!digits.empty() && digits.size() <= 10) ref->set_pmid(digits);
    }
    size_t begin = i, start = 0;
    if (pmid && PrecededBy(*t, i, "pubmed", &start)) begin = start;
    Cut(t, begin, end);
    i = begin;
  }
}

void ExtractBoilerplate(std::string* t) {
  // clang-format off
  static constexpr absl::string_view kPhrases[] = {
      "also available online", "available online with free registration",
      "available online with free subscription", "available online", "[epub ahead of print]",
      "epub ahead of print", "[internet]", "[online]", "[en ligne]"};
  // clang-format on
  for (size_t i = 0; i < t->size(); ++i) {
    if (IsLetterBefore(*t, i)) continue;
    for (absl::string_view phrase : kPhrases) {
      if (StartsWithAt(*t, i, phrase) && !IsLetterAt(*t, i + phrase.size())) {
        Cut(t, i, i + phrase.size());
        break;
      }
    }
  }
}

}  // namespace healthcontent::importers::citation
