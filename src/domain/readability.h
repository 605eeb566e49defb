// Reading-level figures of an article (healthcontent.v1.Readability): words,
// sentences and syllables of its text, and the reading-ease formula of its
// language (Flesch and Flesch-Kincaid for English, Fernandez-Huerta for
// Spanish).
//
// What is counted: the title, the summary, the lead's blocks, and each
// section's heading and blocks; a paragraph (its spans joined) and a list item
// (likewise) are each one unit of text. Every unit is segmented on its own, so
// a title, heading or list item that does not end in . ? or ! is a sentence of
// its own, and no sentence runs from one unit into the next.
//  - Words: ICU word boundaries in the language's locale; a word is a token
//    holding a letter or a digit ("don't", "e.g", "1,000" and "B12" are one
//    word each; "COVID-19" is two). Punctuation and symbols are not words.
//  - Sentences: ICU sentence boundaries, suppressed after the abbreviations
//    of ICU's list for the language (its "@ss=standard" data: "Mr.", "E.g.",
//    "Sra.", "p.ej.") and of ours that it lacks ("Dr.", "St.", "No.", "Fig.",
//    "e.g.", "i.e."; "núm.", "pág."), so "Dr." or "e.g." does not end one.
//    A sentence counts only when it holds a word.
//  - Syllables, per word: a token without letters (a number) is one. Otherwise
//    the letters, lower-cased, are hyphenated by libhyphen with every minimum
//    at 1; segments holding no vowel are joined to a neighbour. Hyphenation
//    points are syllable boundaries, but the dictionaries leave many out (word
//    ends in English: "bod-y", "ar-e-a"; vowels in hiatus in Spanish: "dí-a",
//    "po-e-sí-a"), so the count is the larger of that and a vowel-group count
//    by the language's rules: English splits some vowel pairs ("ra-di-a-tion")
//    and drops a silent final e, "es" or "ed"; Spanish splits adjacent strong
//    vowels (a, e, o) and an accented í or ú from a strong one, and does not
//    count the u of "que", "qui", "gue", "gui". Every word has at least one
//    syllable.
// All figures are estimates: the formulas were fitted to school texts, and
// syllables come from dictionaries and rules, not pronunciation.
//
// Thread safety: a ReadabilityScorer is immutable once created; every const
// method may be called from many threads at once (each call clones its own
// ICU break iterators; libhyphen only reads a dictionary while hyphenating).
#ifndef HEALTHCONTENT_DOMAIN_READABILITY_H_
#define HEALTHCONTENT_DOMAIN_READABILITY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "healthcontent/v1/article.pb.h"

namespace healthcontent::domain {

// Where Debian's hyphen-en-us and hyphen-es put their dictionaries.
inline constexpr char kDefaultHyphenDir[] = "/usr/share/hyphen";

// The counts behind the formulas.
struct TextCounts {
  int words = 0;
  int sentences = 0;
  int syllables = 0;
};

// Scores articles. Owns the two hyphenation dictionaries (freed with it) and
// ICU break-iterator prototypes; see the thread-safety note above.
class ReadabilityScorer {
 public:
  // Loads hyph_en_US.dic and hyph_es_ES.dic from `hyphen_dir` and ICU's break
  // rules for English and Spanish. FailedPrecondition naming the file and the
  // Debian package that installs it when a dictionary is missing or
  // unreadable (or is not UTF-8), or when ICU lacks its break data.
  static absl::StatusOr<std::unique_ptr<ReadabilityScorer>> Create(
      const std::string& hyphen_dir = kDefaultHyphenDir);

  ReadabilityScorer(const ReadabilityScorer&) = delete;
  ReadabilityScorer& operator=(const ReadabilityScorer&) = delete;
  ~ReadabilityScorer();

  // True when `language_code` (BCP-47) is English or Spanish: its primary
  // subtag (PrimaryLanguage), in any case, is "en" or "es" ("EN", "en-GB",
  // "es-MX").
  static bool Supports(absl::string_view language_code);

  // The figures of `article` in its `language_code`, reading ease and grade
  // rounded to 2 decimals. English (ease_formula FLESCH): Flesch reading ease
  // 206.835 - 1.015 x words/sentence - 84.6 x syllables/word and
  // Flesch-Kincaid grade 0.39 x words/sentence + 11.8 x syllables/word - 15.59.
  // Spanish (FERNANDEZ_HUERTA): Fernandez-Huerta reading ease
  // 206.84 - 60 x syllables/word - 1.02 x words/sentence, and no grade. Any
  // other language, or text without words: an empty message
  // (FORMULA_UNSPECIFIED).
  v1::Readability Score(const v1::Article& article) const;

  // Counts of `units` (UTF-8; each a title, heading, paragraph or list item,
  // segmented on its own) in `language_code`. All zero when the language is
  // not supported.
  TextCounts CountText(absl::string_view language_code, absl::Span<const std::string> units) const;

  // Syllables of one word (UTF-8, as the word boundaries cut it: "don't",
  // "B12") in `language_code`: at least 1, and 1 for a word without letters
  // (a number); 0 when the language is not supported or `word` is empty.
  int CountSyllables(absl::string_view language_code, absl::string_view word) const;

 private:
  class Language;  // one language's dictionary, locale and break iterators

  ReadabilityScorer(std::unique_ptr<const Language> english,
                    std::unique_ptr<const Language> spanish);

  // The language of `language_code`, or nullptr when it is not supported.
  const Language* Find(absl::string_view language_code) const;

  std::unique_ptr<const Language> english_;
  std::unique_ptr<const Language> spanish_;
};

}  // namespace healthcontent::domain

#endif  // HEALTHCONTENT_DOMAIN_READABILITY_H_
