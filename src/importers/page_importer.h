// Imports a captured patient-education page (plain text, as a browser's
// "save as text" gives it; tests/fixtures/seed_page.txt is one) into a
// PublishArticleRevisionRequest. Pure: no I/O, nothing is stored.
//
// How the text is read, line by line (leading/trailing blanks of each line
// ignored, runs of spaces collapsed, "\r\n" accepted):
//
//   title        The first line when it reads as a heading (a short line
//                without terminal punctuation). Captures that put the page's
//                <h1> last instead start straight with the lead; then the
//                last line is the title. Either way a last line repeating the
//                title is not content.
//   lead         Paragraphs before the first heading. The first one is also
//                the summary.
//   heading      A short line (at most kMaxHeadingWords words) without
//                terminal punctuation (. ! ? : ; ,) that content follows.
//   paragraph    Any other line; one line is one paragraph.
//   bullet list  Consecutive "•" lines (blank lines between them allowed);
//                numbered "1." lines in the body are list items too. When
//                every item of a list opens with a short sentence (at most
//                kMaxLeadPhraseWords words, ending in ".") followed by more
//                text, that sentence is the item's bold lead phrase.
//   therapy types  The list right after a paragraph like "Several types of
//                ... exist, including:" (mentions "types of", says "exist" or
//                "includ...", ends with ":"): each item is listed as
//                therapyTypes/{TherapyTypeSlug(item)} (see importers/slug.h).
//   review date  The first line that is just a date, "May 19, 2023" (month
//                names full or abbreviated, "Sept." too). It ends the body.
//   references   The numbered lines ("1. ...") following the review date,
//                each parsed by ParseCitation.
//   footer       Anything else after the review date is page footer.
//
// Page chrome is dropped by three rules, applied to the body:
//   1. A line matching one of the chrome patterns (kChromeLinePatterns in
//      page_importer.cc: newsletter pitches and sign-up prompts, privacy
//      notices, "Explore ... studies" promotions, "Advertisement").
//   2. A chrome block heading ("Products & Services") and everything after it
//      up to the next heading.
//   3. A heading whose section holds nothing but chrome ("Clinical trials"
//      above a promotion).
#ifndef HEALTHCONTENT_IMPORTERS_PAGE_IMPORTER_H_
#define HEALTHCONTENT_IMPORTERS_PAGE_IMPORTER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "healthcontent/v1/article_service.pb.h"

namespace healthcontent::importers {

// Pages larger than this are refused before they are read.
inline constexpr size_t kMaxPageImportBytes = 2 << 20;
// A heading has at most this many words.
inline constexpr int kMaxHeadingWords = 12;
// A bullet's bold lead phrase has at most this many words.
inline constexpr int kMaxLeadPhraseWords = 12;

struct PageImportOptions {
  // The article's slug; empty: SlugFromText(title).
  std::string slug;
  // Organisation that wrote and reviewed the page, e.g. "Mayo Clinic".
  std::string publisher;
  // BCP-47 language of the page.
  std::string language_code = "en";
  // Captured pages print no next review date. 0 (the default) leaves it
  // unset, so the server applies its own --review_interval; N > 0 sets it N
  // years after the review date (domain::DefaultNextReviewDate).
  int next_review_years = 0;
  // Copied to the request's change_summary.
  std::string change_summary;
};

// The request that publishes the page as a CHANGE_TYPE_CLINICAL_REVIEW
// revision. The result always passes domain::ValidatePublishRequest.
// Stateless and thread-safe.
//
// Errors (InvalidArgument, naming the line where it helps):
//   "line 1: no title: ..."                 neither the first nor the last line
//                                           reads as a title, or the page is empty
//   "no review date: ..."                   no date line in the whole page
//   "line N: ... is not a real date"        a date line such as "February 30, 2023"
//   "line N: not valid UTF-8"
//   "line N: more than 500 references"     (the publish limit)
//   "line N: no slug can be made from the title ..."  set options.slug
//   "page is N bytes; the limit is ..."     over kMaxPageImportBytes
// and ValidatePublishRequest's own complaints (e.g. a bad options.slug).
//
// When `listed_therapy_types` is set and the import succeeds, it is replaced
// by the therapy types the page lists, in the order of the request's
// article.therapy_types: each with its name and its display_name as the page
// prints it ("Chimeric antigen receptor (CAR) T-cell therapy"), so a caller
// can create the ones its catalogue lacks. The display name is not checked
// here (ValidateUpsertTherapyType does that).
absl::StatusOr<v1::PublishArticleRevisionRequest> ImportPage(
    absl::string_view text, const PageImportOptions& options,
    std::vector<v1::TherapyType>* listed_therapy_types = nullptr);

}  // namespace healthcontent::importers

#endif  // HEALTHCONTENT_IMPORTERS_PAGE_IMPORTER_H_
