#include "domain/readability.h"

#include <hyphen.h>
#include <unicode/brkiter.h>
#include <unicode/filteredbrk.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "domain/language.h"

namespace healthcontent::domain {
namespace {

enum class Rules { kEnglish, kSpanish };

// Abbreviations after which a sentence does not end, besides ICU's own list
// for the locale (its "@ss=standard" data), which lacks these. Case matters.
constexpr const char* kEnglishAbbreviations[] = {"Dr.",  "Drs.", "St.",   "Jr.",  "Sr.",  "No.",
                                                 "Nos.", "Fig.", "Figs.", "Vol.", "vol.", "approx.",
                                                 "e.g.", "i.e.", "cf.",   "Ref.", "Refs."};
constexpr const char* kSpanishAbbreviations[] = {"Dres.",  "núm.", "Núm.", "pág.", "págs.",
                                                 "aprox.", "Ud.",  "Uds.", "Vd.",  "Vds."};

struct LanguageSpec {
  Rules rules;
  const char* subtag;      // BCP-47 primary subtag
  const char* dictionary;  // file in the hyphenation directory
  const char* package;     // the Debian package that installs it
  absl::Span<const char* const> abbreviations;
};

constexpr LanguageSpec kEnglish{Rules::kEnglish, "en", "hyph_en_US.dic", "hyphen-en-us",
                                kEnglishAbbreviations};
constexpr LanguageSpec kSpanish{Rules::kSpanish, "es", "hyph_es_ES.dic", "hyphen-es",
                                kSpanishAbbreviations};

struct HyphenDictDeleter {
  void operator()(HyphenDict* dict) const { hnj_hyphen_free(dict); }
};
using HyphenDictPtr = std::unique_ptr<HyphenDict, HyphenDictDeleter>;

bool IsAsciiIn(UChar32 c, const char* set) {
  return c > 0 && c < 0x80 && std::strchr(set, static_cast<char>(c)) != nullptr;
}

bool IsEnglishVowel(UChar32 c) {
  if (IsAsciiIn(c, "aeiouy")) return true;
  // Loanwords keep their accents: "café", "naïve", "façade" (ç is not a vowel).
  return (c >= 0xE0 && c <= 0xFF && c != 0xE7 && c != 0xF0 && c != 0xF1 && c != 0xF7 && c != 0xF8 &&
          c != 0xFE && c != 0xFF) ||
         c == 0x153 /* œ */;
}

bool IsSpanishStrong(UChar32 c) {
  return IsAsciiIn(c, "aeo") || c == 0xE1 /* á */ || c == 0xE9 /* é */ || c == 0xF3 /* ó */;
}
bool IsSpanishStressedWeak(UChar32 c) { return c == 0xED /* í */ || c == 0xFA /* ú */; }
bool IsSpanishVowel(UChar32 c) {
  return IsSpanishStrong(c) || IsSpanishStressedWeak(c) || IsAsciiIn(c, "iu") || c == 0xFC /* ü */;
}

// Whether the i-th letter of English `w` is a vowel: "y" is a consonant
// first in a word or before a vowel ("yes", "beyond").
bool IsEnglishVowelAt(const std::u32string& w, int i) {
  const int n = static_cast<int>(w.size());
  if (i < 0 || i >= n) return false;
  if (w[i] != U'y') return IsEnglishVowel(w[i]);
  return i > 0 && !(i + 1 < n && w[i + 1] != U'y' && IsEnglishVowel(w[i + 1]));
}

// English: groups of adjacent vowels (IsEnglishVowelAt), plus the vowel pairs
// usually said as two syllables, less a silent e.
//  - Two syllables: "i" before a, o or u and "u" before a or o after a
//    consonant ("ra-di-a-tion", "an-ti-bi-ot-ic", "se-ri-ous", "u-su-al"),
//    except where the i is a glide or silent ("-tion", "-cial", "-sion",
//    "region", "fashion", "million", "onion") or the u follows q or g;
//    a final "ea" or "ia" after a consonant ("ar-e-a", "in-som-ni-a").
//  - Silent: a final e ("make"; not "-ple", "-ble": a consonant before "le"),
//    the e of a final "es" ("lives"; not after s, x, z, c, g, ch, sh or a
//    consonant and l: "tables") and of a final "ed" ("called"; not after t or d), and a
//    vowel-consonant-e before "ly", "ful", "ment", "ness", "less" ("lately",
//    "careful", "statement").
int EnglishVowelGroups(const std::u32string& w) {
  const int n = static_cast<int>(w.size());
  auto at = [&](int i) -> char32_t { return i >= 0 && i < n ? w[i] : 0; };
  auto vowel = [&](int i) { return IsEnglishVowelAt(w, i); };
  auto in = [](char32_t c, std::u32string_view set) { return set.find(c) != set.npos; };
  int syllables = 0;
  for (int i = 0; i < n; ++i) {
    if (vowel(i) && !vowel(i - 1)) ++syllables;
  }
  if (syllables < 2) return std::max(syllables, 1);
  for (int i = 1; i + 1 < n; ++i) {
    if (vowel(i - 1)) continue;  // only the first two vowels of a group
    const char32_t before = w[i - 1], first = w[i], second = w[i + 1];
    if ((first == U'i' && in(second, U"aou") && !in(before, U"cghlnstx")) ||
        (first == U'u' && in(second, U"ao") && !in(before, U"qg"))) {
      ++syllables;
    }
  }
  // "area", "idea"; "insomnia", "anemia" after h, l or n, which the pair rule
  // leaves to "million", "onion".
  if (n >= 3 && at(n - 1) == U'a' && !vowel(n - 3) &&
      (at(n - 2) == U'e' || (at(n - 2) == U'i' && in(at(n - 3), U"hln")))) {
    ++syllables;
  }
  // A lone e (after a consonant) just before the last `tail` letters.
  auto lone_e_before = [&](std::u32string_view tail) {
    const int e = n - 1 - static_cast<int>(tail.size());
    return e >= 1 && w[e] == U'e' && !vowel(e - 1) && std::u32string_view(w).substr(e + 1) == tail;
  };
  auto consonant_then_l = [&](int i) { return at(i) == U'l' && i >= 1 && !vowel(i - 1); };
  if (lone_e_before(U"")) {
    if (!consonant_then_l(n - 2)) --syllables;
  } else if (lone_e_before(U"s")) {
    const char32_t c = at(n - 3);
    const bool sibilant =
        in(c, U"sxzcg") || (c == U'h' && (at(n - 4) == U'c' || at(n - 4) == U's'));
    if (!sibilant && !consonant_then_l(n - 3)) --syllables;
  } else if (lone_e_before(U"d")) {
    if (!in(at(n - 3), U"td")) --syllables;
  } else {
    for (std::u32string_view suffix :
         {U"ly", U"ful", U"fully", U"ment", U"ments", U"ness", U"less"}) {
      const int e = n - 1 - static_cast<int>(suffix.size());
      if (lone_e_before(suffix) && vowel(e - 2)) {
        --syllables;
        break;
      }
    }
  }
  return std::max(syllables, 1);
}

// Spanish: vowel nuclei. Adjacent vowels share one (a diphthong or
// triphthong) unless both are strong (a, e, o: "le-er", "po-e-ta") or one is
// an accented í or ú beside a strong one ("dí-a", "o-í-do", "pa-ís"). "h" does
// not join vowels ("a-ho-ra"). The u of "que", "qui", "gue", "gui" is silent;
// "y" is a vowel only when no vowel follows ("hay", "muy", "y").
int SpanishVowelNuclei(const std::u32string& w) {
  const size_t n = w.size();
  int nuclei = 0;
  UChar32 previous = 0;  // the vowel just before, or 0
  for (size_t i = 0; i < n; ++i) {
    const UChar32 c = static_cast<UChar32>(w[i]);
    const bool next_is_vowel = i + 1 < n && IsSpanishVowel(static_cast<UChar32>(w[i + 1]));
    bool vowel = IsSpanishVowel(c);
    if (c == U'u' && i > 0 &&
        (w[i - 1] == U'q' ||
         (w[i - 1] == U'g' && i + 1 < n &&
          (w[i + 1] == U'e' || w[i + 1] == U'i' || w[i + 1] == 0xE9 || w[i + 1] == 0xED)))) {
      vowel = false;
    }
    if (c == U'y') vowel = !next_is_vowel;
    if (!vowel) {
      previous = 0;
      continue;
    }
    const UChar32 weak_y = c == U'y' ? U'i' : c;
    const bool hiatus =
        previous != 0 && ((IsSpanishStrong(previous) && IsSpanishStrong(weak_y)) ||
                          (IsSpanishStressedWeak(previous) && IsSpanishStrong(weak_y)) ||
                          (IsSpanishStrong(previous) && IsSpanishStressedWeak(weak_y)));
    if (previous == 0 || hiatus) ++nuclei;
    previous = weak_y;
  }
  return nuclei;
}

// Frees what hnj_hyphen_hyphenate3 allocates for non-standard hyphenation
// (neither dictionary has such patterns today, but the API may allocate).
struct NonStandardHyphenation {
  explicit NonStandardHyphenation(int size) : size(size) {}
  ~NonStandardHyphenation() {
    if (rep != nullptr) {
      for (int i = 0; i < size; ++i) std::free(rep[i]);
    }
    std::free(rep);
    std::free(pos);
    std::free(cut);
  }
  int size;
  char** rep = nullptr;
  int* pos = nullptr;
  int* cut = nullptr;
};

}  // namespace

class ReadabilityScorer::Language {
 public:
  static absl::StatusOr<std::unique_ptr<const Language>> Load(const LanguageSpec& spec,
                                                              const std::string& hyphen_dir) {
    const std::string path = absl::StrCat(hyphen_dir, "/", spec.dictionary);
    HyphenDictPtr dictionary(hnj_hyphen_load(path.c_str()));
    if (dictionary == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("hyphenation dictionary ", path,
                       " is missing or unreadable: install the Debian package ", spec.package));
    }
    if (!dictionary->utf8) {
      return absl::FailedPreconditionError(
          absl::StrCat("hyphenation dictionary ", path, " is in ", dictionary->cset,
                       ", not UTF-8: install the Debian package ", spec.package));
    }
    // The dictionaries' minimums (2-3 letters from either end) serve line
    // breaking; every syllable boundary is wanted here. hyphenate3 takes the
    // larger of its arguments and the dictionary's own, so set both.
    for (HyphenDict* level = dictionary.get(); level != nullptr; level = level->nextlevel) {
      level->lhmin = level->rhmin = level->clhmin = level->crhmin = 1;
    }

    const icu::Locale locale(spec.subtag);
    UErrorCode status = U_ZERO_ERROR;
    // ICU's abbreviation list for the locale, as "@ss=standard" loads it, and ours.
    std::unique_ptr<icu::FilteredBreakIteratorBuilder> filter(
        icu::FilteredBreakIteratorBuilder::createInstance(locale, status));
    for (const char* abbreviation : spec.abbreviations) {
      if (U_SUCCESS(status)) {
        filter->suppressBreakAfter(icu::UnicodeString::fromUTF8(abbreviation), status);
      }
    }
    std::unique_ptr<icu::BreakIterator> sentences;
    if (U_SUCCESS(status)) {
      sentences.reset(
          filter->build(icu::BreakIterator::createSentenceInstance(locale, status), status));
    }
    std::unique_ptr<icu::BreakIterator> words(
        icu::BreakIterator::createWordInstance(locale, status));
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status) || sentences == nullptr || words == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat("ICU break iterators for ", spec.subtag,
                                                        ": ", u_errorName(status),
                                                        " (is ICU's data installed?)"));
    }
    return std::unique_ptr<const Language>(new Language(
        spec.rules, std::move(dictionary), locale, std::move(sentences), std::move(words), nfc));
  }

  // Syllables of one word token.
  int Syllables(const icu::UnicodeString& token) const {
    icu::UnicodeString lower(token);
    lower.toLower(locale_);
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString normal = nfc_->normalize(lower, status);
    const icu::UnicodeString& text = U_SUCCESS(status) ? normal : lower;
    // Letters only: apostrophes ("don't"), inner dots ("e.g") and digits
    // ("B12") are not pronounced as syllables of their own.
    std::u32string letters;
    icu::UnicodeString letters16;
    for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
      const UChar32 c = text.char32At(i);
      if (u_isalpha(c)) {
        letters.push_back(static_cast<char32_t>(c));
        letters16.append(c);
      }
    }
    if (letters.empty()) return text.isEmpty() ? 0 : 1;  // a number
    const int by_rules =
        rules_ == Rules::kEnglish ? EnglishVowelGroups(letters) : SpanishVowelNuclei(letters);
    return std::max({DictionarySyllables(letters, letters16), by_rules, 1});
  }

  TextCounts Count(absl::Span<const std::string> units) const {
    // Clones, so that concurrent calls share nothing mutable.
    std::unique_ptr<icu::BreakIterator> sentences(sentence_prototype_->clone());
    std::unique_ptr<icu::BreakIterator> words(word_prototype_->clone());
    TextCounts counts;
    std::vector<int32_t> word_starts;
    for (const std::string& unit : units) {
      if (unit.empty()) continue;
      const icu::UnicodeString text = icu::UnicodeString::fromUTF8(unit);
      word_starts.clear();
      words->setText(text);
      for (int32_t start = words->first(), end = words->next(); end != icu::BreakIterator::DONE;
           start = end, end = words->next()) {
        const int32_t kind = words->getRuleStatus();
        if (kind < UBRK_WORD_NUMBER || kind >= UBRK_WORD_IDEO_LIMIT) continue;
        word_starts.push_back(start);
        counts.syllables += Syllables(text.tempSubStringBetween(start, end));
      }
      counts.words += static_cast<int>(word_starts.size());
      // A sentence counts when a word starts in it.
      sentences->setText(text);
      auto next_word = word_starts.begin();
      sentences->first();
      for (int32_t end = sentences->next(); end != icu::BreakIterator::DONE;
           end = sentences->next()) {
        if (next_word != word_starts.end() && *next_word < end) {
          ++counts.sentences;
          while (next_word != word_starts.end() && *next_word < end) ++next_word;
        }
      }
    }
    return counts;
  }

  Rules rules() const { return rules_; }

 private:
  Language(Rules rules, HyphenDictPtr dictionary, icu::Locale locale,
           std::unique_ptr<icu::BreakIterator> sentences, std::unique_ptr<icu::BreakIterator> words,
           const icu::Normalizer2* nfc)
      : rules_(rules),
        dictionary_(std::move(dictionary)),
        locale_(std::move(locale)),
        sentence_prototype_(std::move(sentences)),
        word_prototype_(std::move(words)),
        nfc_(nfc) {}

  // Segments between the dictionary's hyphenation points that hold a vowel;
  // a segment without one ("cell-s", "salu-d") belongs to its neighbour.
  int DictionarySyllables(const std::u32string& letters,
                          const icu::UnicodeString& letters16) const {
    std::string utf8;
    letters16.toUTF8String(utf8);
    const int size = static_cast<int>(utf8.size());
    std::vector<char> hyphens(utf8.size() + 5, '0');
    NonStandardHyphenation extra(size);
    // Only reads the dictionary (see the header's thread-safety note). For a
    // UTF-8 dictionary, hyphens[i] then belongs to the i-th code point.
    if (hnj_hyphen_hyphenate3(dictionary_.get(), utf8.c_str(), size, hyphens.data(), nullptr,
                              &extra.rep, &extra.pos, &extra.cut, 1, 1, 1, 1) != 0) {
      return 0;
    }
    int segments = 0;
    bool has_vowel = false;
    for (size_t i = 0; i < letters.size(); ++i) {
      has_vowel = has_vowel ||
                  (rules_ == Rules::kEnglish ? IsEnglishVowelAt(letters, static_cast<int>(i))
                                             : IsSpanishVowel(static_cast<UChar32>(letters[i])));
      if ((hyphens[i] & 1) != 0 && has_vowel) {
        ++segments;
        has_vowel = false;
      }
    }
    if (has_vowel) ++segments;
    return segments;
  }

  const Rules rules_;
  const HyphenDictPtr dictionary_;
  const icu::Locale locale_;
  const std::unique_ptr<const icu::BreakIterator> sentence_prototype_;
  const std::unique_ptr<const icu::BreakIterator> word_prototype_;
  const icu::Normalizer2* const nfc_;  // ICU's singleton
};

absl::StatusOr<std::unique_ptr<ReadabilityScorer>> ReadabilityScorer::Create(
    const std::string& hyphen_dir) {
  auto english = Language::Load(kEnglish, hyphen_dir);
  if (!english.ok()) return english.status();
  auto spanish = Language::Load(kSpanish, hyphen_dir);
  if (!spanish.ok()) return spanish.status();
  return std::unique_ptr<ReadabilityScorer>(
      new ReadabilityScorer(*std::move(english), *std::move(spanish)));
}

ReadabilityScorer::ReadabilityScorer(std::unique_ptr<const Language> english,
                                     std::unique_ptr<const Language> spanish)
    : english_(std::move(english)), spanish_(std::move(spanish)) {}

ReadabilityScorer::~ReadabilityScorer() = default;

bool ReadabilityScorer::Supports(absl::string_view language_code) {
  const absl::string_view primary = PrimaryLanguage(language_code);
  return absl::EqualsIgnoreCase(primary, kEnglish.subtag) ||
         absl::EqualsIgnoreCase(primary, kSpanish.subtag);
}

const ReadabilityScorer::Language* ReadabilityScorer::Find(absl::string_view language_code) const {
  const absl::string_view primary = PrimaryLanguage(language_code);
  if (absl::EqualsIgnoreCase(primary, kEnglish.subtag)) return english_.get();
  if (absl::EqualsIgnoreCase(primary, kSpanish.subtag)) return spanish_.get();
  return nullptr;
}

int ReadabilityScorer::CountSyllables(absl::string_view language_code,
                                      absl::string_view word) const {
  const Language* language = Find(language_code);
  if (language == nullptr) return 0;
  return language->Syllables(icu::UnicodeString::fromUTF8(
      icu::StringPiece(word.data(), static_cast<int32_t>(word.size()))));
}

TextCounts ReadabilityScorer::CountText(absl::string_view language_code,
                                        absl::Span<const std::string> units) const {
  const Language* language = Find(language_code);
  if (language == nullptr) return {};
  return language->Count(units);
}

namespace {

double Round2(double value) { return std::round(value * 100.0) / 100.0; }

// The units of text that the header's contract counts, in reading order.
void AppendBlocks(const google::protobuf::RepeatedPtrField<v1::Block>& blocks,
                  std::vector<std::string>* units) {
  auto joined = [](const google::protobuf::RepeatedPtrField<v1::Span>& spans) {
    std::string text;
    for (const v1::Span& span : spans) text += span.text();
    return text;
  };
  for (const v1::Block& block : blocks) {
    if (block.has_paragraph()) units->push_back(joined(block.paragraph().spans()));
    for (const v1::ListItem& item : block.bullet_list().items()) {
      units->push_back(joined(item.spans()));
    }
  }
}

}  // namespace

v1::Readability ReadabilityScorer::Score(const v1::Article& article) const {
  const Language* language = Find(article.language_code());
  if (language == nullptr) return {};
  std::vector<std::string> units = {article.title(), article.summary()};
  AppendBlocks(article.lead(), &units);
  for (const v1::Section& section : article.sections()) {
    units.push_back(section.heading());
    AppendBlocks(section.blocks(), &units);
  }
  const TextCounts counts = language->Count(units);
  v1::Readability readability;
  if (counts.words == 0) return readability;
  readability.set_words(counts.words);
  readability.set_sentences(counts.sentences);
  readability.set_syllables(counts.syllables);
  const double words_per_sentence = static_cast<double>(counts.words) / counts.sentences;
  const double syllables_per_word = static_cast<double>(counts.syllables) / counts.words;
  if (language->rules() == Rules::kEnglish) {
    readability.set_reading_ease(
        Round2(206.835 - 1.015 * words_per_sentence - 84.6 * syllables_per_word));
    readability.set_flesch_kincaid_grade(
        Round2(0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59));
    readability.set_ease_formula(v1::Readability::FLESCH);
  } else {
    readability.set_reading_ease(
        Round2(206.84 - 60.0 * syllables_per_word - 1.02 * words_per_sentence));
    readability.set_ease_formula(v1::Readability::FERNANDEZ_HUERTA);
  }
  return readability;
}

}  // namespace healthcontent::domain
