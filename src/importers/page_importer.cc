#include "importers/page_importer.h"

#include <optional>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "common/date.h"
#include "common/resource_name.h"
#include "common/utf8.h"
#include "domain/article_rules.h"
#include "importers/reference_parser.h"
#include "importers/slug.h"

namespace healthcontent::importers {
namespace {

// Lines that are page chrome wherever they appear in the body. Matched on the
// lower-cased line: it starts with `starts_with` and contains `contains`
// (either may be empty), or, with `whole_line`, equals `starts_with`.
struct ChromePattern {
  absl::string_view starts_with;
  absl::string_view contains;
  bool whole_line;
};
constexpr ChromePattern kChromeLinePatterns[] = {
    // Newsletter pitch, sign-up prompt and interest picker.
    {"", "delivered to your inbox", false},
    {"subscribe for free", "", false},
    {"i would like to learn more about", "", false},
    // The privacy notice under a sign-up form.
    {"to provide you with the most relevant and helpful information", "", false},
    {"", "notice of privacy practices", false},
    // Promotions of the publisher's own research ("Explore Mayo Clinic studies ...").
    {"explore ", " studies", false},
    // Advertising and booking prompts.
    {"advertisement", "", true},
    {"mayo clinic does not endorse companies or products", "", false},
    {"request an appointment", "", true},
};

// Headings that open a block of chrome running to the next heading.
constexpr absl::string_view kChromeBlockHeadings[] = {
    "products & services",
};

constexpr absl::string_view kBullet = "\u2022";

enum class LineKind { kBlank, kText, kBullet, kNumbered, kDate };

struct Line {
  int number = 0;  // 1-based, as an editor shows it
  LineKind kind = LineKind::kBlank;
  std::string text;  // normalised; bullet or number marker removed
  absl::CivilDay date;
};

// Control characters and tabs become spaces, runs of spaces one space, and
// the ends are trimmed.
std::string NormaliseLine(absl::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  bool space = false;
  for (char c : raw) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// "May 19, 2023", "Sept. 5, 2023", "Feb 01, 2024": nullopt when the line does
// not have that shape; an error when it does but is no real day.
absl::StatusOr<std::optional<absl::CivilDay>> ParseLongDate(absl::string_view text) {
  static constexpr absl::string_view kMonths[12][2] = {
      {"january", "jan"},   {"february", "feb"}, {"march", "mar"},    {"april", "apr"},
      {"may", "may"},       {"june", "jun"},     {"july", "jul"},     {"august", "aug"},
      {"september", "sep"}, {"october", "oct"},  {"november", "nov"}, {"december", "dec"}};
  std::vector<absl::string_view> parts = absl::StrSplit(text, ' ');
  if (parts.size() != 3) return std::nullopt;
  std::string month_word = absl::AsciiStrToLower(parts[0]);
  bool abbreviated = absl::ConsumeSuffix(&parts[0], ".");
  if (abbreviated) month_word.pop_back();
  int month = 0;
  for (int m = 0; m < 12; ++m) {
    bool full = !abbreviated && month_word == kMonths[m][0];
    bool abbr = month_word == kMonths[m][1] || (m == 8 && month_word == "sept");
    if (full || abbr) month = m + 1;
  }
  absl::string_view day_text = parts[1];
  if (month == 0 || !absl::ConsumeSuffix(&day_text, ",")) return std::nullopt;
  if (day_text.empty() || day_text.size() > 2 || parts[2].size() != 4) return std::nullopt;
  int day = 0;
  int year = 0;
  for (char c : day_text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  for (char c : parts[2]) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  (void)absl::SimpleAtoi(day_text, &day);
  (void)absl::SimpleAtoi(parts[2], &year);
  absl::CivilDay civil(year, month, day);
  if (day < 1 || year < 1 || civil.year() != year || civil.month() != month || civil.day() != day) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not a real date"));
  }
  return civil;
}

// Splits the page into classified lines.
absl::StatusOr<std::vector<Line>> ReadLines(absl::string_view text) {
  std::vector<Line> lines;
  int number = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++number;
    if (!IsValidUtf8(raw)) {
      return absl::InvalidArgumentError(absl::StrCat("line ", number, ": not valid UTF-8"));
    }
    Line line;
    line.number = number;
    line.text = NormaliseLine(raw);
    absl::string_view body = line.text;
    if (body.empty()) {
      line.kind = LineKind::kBlank;
    } else if (absl::ConsumePrefix(&body, kBullet)) {
      line.kind = LineKind::kBullet;
      line.text = std::string(absl::StripAsciiWhitespace(body));
      if (line.text.empty()) line.kind = LineKind::kBlank;
    } else {
      line.kind = LineKind::kText;
      size_t digits = 0;
      while (digits < body.size() && digits < 4 &&
             absl::ascii_isdigit(static_cast<unsigned char>(body[digits]))) {
        ++digits;
      }
      if (digits >= 1 && digits <= 3 && body.size() > digits + 2 &&
          (body[digits] == '.' || body[digits] == ')') && body[digits + 1] == ' ') {
        line.kind = LineKind::kNumbered;
        line.text = std::string(body.substr(digits + 2));
      } else {
        auto date = ParseLongDate(body);
        if (!date.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat("line ", number, ": ", date.status().message()));
        }
        if (date->has_value()) {
          line.kind = LineKind::kDate;
          line.date = **date;
        }
      }
    }
    lines.push_back(std::move(line));
  }
  // "a\n" ends with an empty piece that is no line of the page.
  if (!lines.empty() && lines.back().kind == LineKind::kBlank && absl::EndsWith(text, "\n")) {
    lines.pop_back();
  }
  return lines;
}

int CountWords(absl::string_view text) {
  int words = 0;
  for (absl::string_view w : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    (void)w;
    ++words;
  }
  return words;
}

// A short text line without terminal punctuation.
bool IsHeadingLike(const Line& line) {
  if (line.kind != LineKind::kText) return false;
  char last = line.text.back();
  if (last == '.' || last == '!' || last == '?' || last == ':' || last == ';' || last == ',') {
    return false;
  }
  return CountWords(line.text) <= kMaxHeadingWords && line.text.size() <= 300;
}

bool IsChromeLine(const Line& line) {
  std::string lower = absl::AsciiStrToLower(line.text);
  for (const ChromePattern& p : kChromeLinePatterns) {
    if (p.whole_line) {
      if (lower == p.starts_with) return true;
    } else if (absl::StartsWith(lower, p.starts_with) && absl::StrContains(lower, p.contains)) {
      return true;
    }
  }
  return false;
}

bool IsChromeBlockHeading(const Line& line) {
  if (!IsHeadingLike(line)) return false;
  std::string lower = absl::AsciiStrToLower(line.text);
  for (absl::string_view heading : kChromeBlockHeadings) {
    if (lower == heading) return true;
  }
  return false;
}

// "Several types of biological therapy exist, including:"
bool IntroducesTherapyTypes(absl::string_view paragraph) {
  std::string lower = absl::AsciiStrToLower(paragraph);
  return absl::EndsWith(lower, ":") && absl::StrContains(lower, "types of") &&
         (absl::StrContains(lower, "exist") || absl::StrContains(lower, "includ"));
}

v1::Span PlainSpan(absl::string_view text) {
  v1::Span span;
  span.set_text(std::string(text));
  return span;
}

// The bold lead phrase of a bullet: "Getting ... cells." of "Getting ...
// cells. There are ...", or nullopt when the item does not open that way.
std::optional<size_t> LeadPhraseEnd(absl::string_view item) {
  size_t end = item.find(". ");
  if (end == absl::string_view::npos) return std::nullopt;
  absl::string_view lead = item.substr(0, end + 1);
  absl::string_view rest = absl::StripAsciiWhitespace(item.substr(end + 1));
  if (rest.empty() || !absl::ascii_isupper(static_cast<unsigned char>(lead[0]))) {
    return std::nullopt;
  }
  if (CountWords(lead) > kMaxLeadPhraseWords) return std::nullopt;
  if (absl::StrContains(lead, "?") || absl::StrContains(lead, "!")) return std::nullopt;
  return end + 1;
}

// Fills a list block from its items, with lead phrases bold when every item
// has one (a list either uses them throughout or not at all).
void FillList(const std::vector<std::string>& items, v1::BulletList* list) {
  bool lead_phrases = !items.empty();
  for (const std::string& item : items) {
    lead_phrases = lead_phrases && LeadPhraseEnd(item).has_value();
  }
  for (const std::string& item : items) {
    v1::ListItem* out = list->add_items();
    if (lead_phrases) {
      size_t end = *LeadPhraseEnd(item);
      v1::Span* bold = out->add_spans();
      bold->set_text(item.substr(0, end));
      bold->set_bold(true);
      *out->add_spans() = PlainSpan(absl::string_view(item).substr(end));
    } else {
      *out->add_spans() = PlainSpan(item);
    }
  }
}

std::string SpansText(const google::protobuf::RepeatedPtrField<v1::Span>& spans) {
  std::string out;
  for (const auto& span : spans) out += span.text();
  return out;
}

// The summary: the first paragraph, cut after its last full sentence when it
// is over the limit.
std::string SummaryOf(const std::string& paragraph) {
  constexpr size_t kMaxSummary = domain::PublishLimits{}.max_summary;
  if (paragraph.size() <= kMaxSummary) return paragraph;
  size_t cut = paragraph.rfind(". ", kMaxSummary - 1);
  return cut == std::string::npos ? std::string() : paragraph.substr(0, cut + 1);
}

// Builds lead and sections from the body lines (title, date, references and
// footer already taken out).
class BodyReader {
 public:
  BodyReader(const std::vector<const Line*>& body, v1::Article* article)
      : body_(body), article_(article), heading_like_(body.size()), chrome_(body.size()) {
    for (size_t i = 0; i < body.size(); ++i) {
      heading_like_[i] = IsHeadingLike(*body[i]);
      chrome_[i] = IsChromeLine(*body[i]);
    }
    // Boundaries are computed before rules 2 and 3 mark more lines as chrome.
    boundary_.resize(body.size());
    size_t next = body.size();
    for (size_t i = body.size(); i-- > 0;) {
      boundary_[i] = next;
      if (heading_like_[i] && !chrome_[i]) next = i;
    }
  }

  void Read() {
    MarkChrome();
    std::vector<std::string> items;
    LineKind items_kind = LineKind::kBlank;
    auto flush_items = [&]() {
      if (items.empty()) return;
      v1::Block* block = Blocks()->Add();
      FillList(items, block->mutable_bullet_list());
      items.clear();
    };
    for (size_t i = 0; i < body_.size(); ++i) {
      const Line& line = *body_[i];
      if (chrome_[i] || line.kind == LineKind::kBlank) continue;
      if (line.kind == LineKind::kBullet || line.kind == LineKind::kNumbered) {
        if (line.kind != items_kind) flush_items();
        items_kind = line.kind;
        items.push_back(line.text);
        continue;
      }
      flush_items();
      items_kind = LineKind::kBlank;
      if (heading_like_[i] && HasContentAfter(i)) {
        v1::Section* section = article_->add_sections();
        section->set_heading(line.text);
        continue;
      }
      *Blocks()->Add()->mutable_paragraph()->add_spans() = PlainSpan(line.text);
    }
    flush_items();
  }

 private:
  google::protobuf::RepeatedPtrField<v1::Block>* Blocks() {
    if (article_->sections().empty()) return article_->mutable_lead();
    return article_->mutable_sections()->rbegin()->mutable_blocks();
  }

  bool HasContentAfter(size_t i) const {
    for (size_t j = i + 1; j < boundary_[i]; ++j) {
      if (!chrome_[j] && body_[j]->kind != LineKind::kBlank) return true;
    }
    return false;
  }

  // Rules 2 and 3 (rule 1 is applied in the constructor).
  void MarkChrome() {
    for (size_t i = 0; i < body_.size(); ++i) {
      if (!IsChromeBlockHeading(*body_[i])) continue;
      for (size_t j = i; j < boundary_[i]; ++j) chrome_[j] = true;
    }
    // A heading over nothing but chrome is the chrome's own heading.
    for (size_t i = 0; i < body_.size(); ++i) {
      if (chrome_[i] || !heading_like_[i]) continue;
      bool any = false;
      bool all_chrome = true;
      for (size_t j = i + 1; j < boundary_[i]; ++j) {
        if (body_[j]->kind == LineKind::kBlank) continue;
        any = true;
        all_chrome = all_chrome && chrome_[j];
      }
      if (any && all_chrome) chrome_[i] = true;
    }
  }

  const std::vector<const Line*>& body_;
  v1::Article* article_;
  std::vector<bool> heading_like_;
  std::vector<bool> chrome_;
  // For each line, the next line that bounds a section: a heading-like line
  // that is not chrome by pattern (or the end).
  std::vector<size_t> boundary_;
};

// Lists the types from every list introduced like "Several types of ...
// exist, including:", in order, each once; each new one is also appended to
// `listed` (when set) with its display name as the page prints it.
void AddTherapyTypes(const google::protobuf::RepeatedPtrField<v1::Block>& blocks,
                     v1::Article* article, std::vector<v1::TherapyType>* listed) {
  absl::flat_hash_set<std::string> seen;
  for (const auto& tt : article->therapy_types()) seen.insert(tt.name());
  for (int i = 0; i + 1 < blocks.size(); ++i) {
    if (!blocks[i].has_paragraph() || !blocks[i + 1].has_bullet_list()) continue;
    if (!IntroducesTherapyTypes(SpansText(blocks[i].paragraph().spans()))) continue;
    for (const v1::ListItem& item : blocks[i + 1].bullet_list().items()) {
      std::string printed = SpansText(item.spans());
      std::string slug = TherapyTypeSlug(printed);
      if (slug.empty()) continue;
      std::string name = TherapyTypeName(slug);
      if (!seen.insert(name).second) continue;
      article->add_therapy_types()->set_name(name);
      if (listed != nullptr) {
        v1::TherapyType& type = listed->emplace_back();
        type.set_name(name);
        type.set_display_name(std::move(printed));
      }
    }
  }
}

}  // namespace

absl::StatusOr<v1::PublishArticleRevisionRequest> ImportPage(
    absl::string_view text, const PageImportOptions& options,
    std::vector<v1::TherapyType>* listed_therapy_types) {
  if (text.size() > kMaxPageImportBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("page is ", text.size(), " bytes; the limit is ", kMaxPageImportBytes));
  }
  absl::StatusOr<std::vector<Line>> read = ReadLines(text);
  if (!read.ok()) return read.status();
  const std::vector<Line>& lines = *read;

  std::vector<size_t> nonblank;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].kind != LineKind::kBlank) nonblank.push_back(i);
  }
  if (nonblank.empty()) return absl::InvalidArgumentError("line 1: no title: the page is empty");

  // The title: the first line, or (captures that put the <h1> last) the last.
  size_t first = nonblank.front();
  size_t last = nonblank.back();
  size_t title_index;
  bool title_first;
  if (IsHeadingLike(lines[first])) {
    title_index = first;
    title_first = true;
  } else if (last != first && IsHeadingLike(lines[last])) {
    title_index = last;
    title_first = false;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "line ", lines[first].number, ": no title: neither the first line nor the last (line ",
        lines[last].number, ") is a short line without terminal punctuation"));
  }
  const std::string& title = lines[title_index].text;

  // The review date ends the body.
  size_t date_index = lines.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].kind == LineKind::kDate) {
      date_index = i;
      break;
    }
  }
  if (date_index == lines.size()) {
    return absl::InvalidArgumentError(absl::StrCat("no review date: none of lines 1-",
                                                   lines.back().number,
                                                   " is a date like \"May 19, 2023\""));
  }

  v1::PublishArticleRevisionRequest request;
  v1::Article* article = request.mutable_article();
  article->set_title(title);

  std::vector<const Line*> body;
  for (size_t i = title_first ? title_index + 1 : 0; i < date_index; ++i) {
    if (i != title_index) body.push_back(&lines[i]);
  }
  BodyReader(body, article).Read();

  // The reference list follows the date; the rest is footer.
  for (size_t i = date_index + 1; i < lines.size(); ++i) {
    if (lines[i].kind == LineKind::kBlank) continue;
    if (lines[i].kind != LineKind::kNumbered) break;
    // Parsing is the costly part of a reference; stop where publishing would.
    constexpr int kMaxReferences = domain::PublishLimits{}.max_references;
    if (article->references_size() == kMaxReferences) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", lines[i].number, ": more than ", kMaxReferences, " references"));
    }
    v1::Reference* ref = article->add_references();
    *ref = ParseCitation(lines[i].text);
    if (ref->citation().empty()) ref->set_citation(lines[i].text);
  }

  if (!article->lead().empty() && article->lead(0).has_paragraph()) {
    article->set_summary(SummaryOf(SpansText(article->lead(0).paragraph().spans())));
  }
  std::vector<v1::TherapyType> listed;
  AddTherapyTypes(article->lead(), article, &listed);
  for (const v1::Section& section : article->sections()) {
    AddTherapyTypes(section.blocks(), article, &listed);
  }

  std::string slug = options.slug.empty() ? SlugFromText(title) : options.slug;
  if (slug.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("line ", lines[title_index].number,
                                                   ": no slug can be made from the title \"", title,
                                                   "\"; set PageImportOptions.slug"));
  }
  article->set_name(ArticleName(slug));
  *article->mutable_review_date() = ToProtoDate(lines[date_index].date);
  if (options.next_review_years > 0) {
    *article->mutable_next_review_date() = ToProtoDate(
        domain::DefaultNextReviewDate(lines[date_index].date, options.next_review_years));
  }
  article->set_publisher(options.publisher);
  article->set_language_code(options.language_code);
  request.set_change_type(v1::CHANGE_TYPE_CLINICAL_REVIEW);
  request.set_change_summary(options.change_summary);

  absl::Status valid = domain::ValidatePublishRequest(request);
  if (!valid.ok()) return valid;
  if (listed_therapy_types != nullptr) *listed_therapy_types = std::move(listed);
  return request;
}

}  // namespace healthcontent::importers
