#include "cli/render.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/cli_common.h"
#include "domain/coding.h"

namespace healthcontent::cli {
namespace {

// Columns `text` takes on a terminal: one per UTF-8 code point (wide
// characters are rare in this content and counted as one).
int DisplayWidth(absl::string_view text) {
  int width = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
  }
  return width;
}

std::string Underlined(absl::string_view heading, char underline) {
  return absl::StrCat(heading, "\n", std::string(std::max(1, DisplayWidth(heading)), underline),
                      "\n");
}

// The spans as one run of text; a link whose text is not its address shows
// the address after it.
std::string SpansText(const google::protobuf::RepeatedPtrField<v1::Span>& spans) {
  std::string text;
  for (const v1::Span& span : spans) {
    absl::StrAppend(&text, span.text());
    if (!span.link_uri().empty() && span.link_uri() != span.text()) {
      absl::StrAppend(&text, " <", span.link_uri(), ">");
    }
  }
  return text;
}

// Paragraphs separated by blank lines, bullet lists as indented "•" items.
std::string RenderBlocks(const google::protobuf::RepeatedPtrField<v1::Block>& blocks) {
  std::string out;
  for (const v1::Block& block : blocks) {
    if (block.has_paragraph()) {
      absl::StrAppend(&out, Wrap(SpansText(block.paragraph().spans()), "", ""), "\n");
    } else if (block.has_bullet_list()) {
      for (const v1::ListItem& item : block.bullet_list().items()) {
        absl::StrAppend(&out, Wrap(SpansText(item.spans()), "  • ", "    "));
      }
      absl::StrAppend(&out, "\n");
    }
  }
  return out;
}

std::string ReferenceText(const v1::Reference& reference) {
  if (!reference.citation().empty()) return reference.citation();
  std::vector<std::string> parts;
  if (reference.authors_size() > 0) {
    parts.push_back(
        absl::StrCat(absl::StrJoin(reference.authors(), ", "), reference.et_al() ? ", et al" : ""));
  }
  for (const std::string* field :
       {&reference.title(), &reference.container_title(), &reference.publisher()}) {
    if (!field->empty()) parts.push_back(*field);
  }
  if (reference.year() != 0) parts.push_back(absl::StrCat(reference.year()));
  if (!reference.doi().empty()) parts.push_back(absl::StrCat("doi:", reference.doi()));
  if (!reference.url().empty()) parts.push_back(reference.url());
  return absl::StrJoin(parts, ". ");
}

std::string ChangeTypeText(v1::ChangeType type) {
  switch (type) {
    case v1::CHANGE_TYPE_CLINICAL_REVIEW:
      return "clinical review";
    case v1::CHANGE_TYPE_EDITORIAL:
      return "editorial";
    default:
      return "";
  }
}

std::string ChangeKindText(v1::Change::Kind kind) {
  switch (kind) {
    case v1::Change::REVISION_PUBLISHED:
      return "published";
    case v1::Change::REVISION_SCHEDULED:
      return "scheduled";
    case v1::Change::REVISION_TOOK_EFFECT:
      return "took effect";
    case v1::Change::ARTICLE_WITHDRAWN:
      return "withdrawn";
    case v1::Change::THERAPY_TYPE_CHANGED:
      return "therapy type changed";
    case v1::Change::ARTICLE_CODES_CHANGED:
      return "codes changed";
    case v1::Change::TRANSLATION_STALE:
      return "translation stale";
    case v1::Change::PRIMARY_RESTORED:
      return "primary restored (sequence jumped)";
    default:
      return "unknown";
  }
}

char DiffSign(v1::DiffKind kind) {
  switch (kind) {
    case v1::DIFF_KIND_ADDED:
      return '+';
    case v1::DIFF_KIND_REMOVED:
      return '-';
    default:
      return '~';
  }
}

std::string DiffKindText(v1::DiffKind kind) {
  switch (kind) {
    case v1::DIFF_KIND_ADDED:
      return "added";
    case v1::DIFF_KIND_REMOVED:
      return "removed";
    case v1::DIFF_KIND_CHANGED:
      return "changed";
    default:
      return "";
  }
}

std::string RenderBlockDiff(const v1::BlockDiff& diff) {
  const std::string sign(1, DiffSign(diff.kind()));
  std::string out;
  if (diff.kind() == v1::DIFF_KIND_CHANGED) {
    absl::StrAppend(&out, "  ~ bullet list:\n");
    for (const v1::ListItem& item : diff.items_added()) {
      absl::StrAppend(&out, Wrap(SpansText(item.spans()), "      + • ", "          "));
    }
    for (const v1::ListItem& item : diff.items_removed()) {
      absl::StrAppend(&out, Wrap(SpansText(item.spans()), "      - • ", "          "));
    }
  } else if (diff.block().has_paragraph()) {
    absl::StrAppend(&out, Wrap(SpansText(diff.block().paragraph().spans()),
                               absl::StrCat("  ", sign, " "), "    "));
  } else if (diff.block().has_bullet_list()) {
    for (const v1::ListItem& item : diff.block().bullet_list().items()) {
      absl::StrAppend(&out,
                      Wrap(SpansText(item.spans()), absl::StrCat("  ", sign, " • "), "      "));
    }
  }
  return out;
}

std::string RenderSectionDiff(const v1::SectionDiff& diff, absl::string_view heading) {
  std::string out = absl::StrCat(heading, " (", DiffKindText(diff.kind()), ")\n");
  for (const v1::BlockDiff& block : diff.blocks()) absl::StrAppend(&out, RenderBlockDiff(block));
  return out;
}

}  // namespace

std::string Wrap(absl::string_view text, absl::string_view first_indent, absl::string_view indent,
                 int width) {
  std::string out;
  std::string line(first_indent);
  int column = DisplayWidth(first_indent);
  bool line_empty = true;
  for (absl::string_view word :
       absl::StrSplit(text, absl::ByAnyChar(" \t\n\r"), absl::SkipEmpty())) {
    const int word_width = DisplayWidth(word);
    if (!line_empty && column + 1 + word_width > width) {
      absl::StrAppend(&out, line, "\n");
      line = std::string(indent);
      column = DisplayWidth(indent);
      line_empty = true;
    }
    if (!line_empty) {
      line.push_back(' ');
      ++column;
    }
    absl::StrAppend(&line, word);
    column += word_width;
    line_empty = false;
  }
  absl::StrAppend(&out, line, "\n");
  return out;
}

std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows) {
  std::vector<int> widths(header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  };
  measure(header);
  for (const auto& row : rows) measure(row);
  std::string out;
  auto add = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      absl::StrAppend(&line, row[i]);
      if (i + 1 < row.size()) {
        line.append(widths[i] - DisplayWidth(row[i]) + 2, ' ');
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    absl::StrAppend(&out, line, "\n");
  };
  add(header);
  for (const auto& row : rows) add(row);
  return out;
}

std::string ReviewStatusText(v1::Article::ReviewStatus status) {
  switch (status) {
    case v1::Article::CURRENT:
      return "current";
    case v1::Article::DUE_SOON:
      return "due soon";
    case v1::Article::OVERDUE:
      return "overdue";
    default:
      return "";
  }
}

std::string RenderArticle(const v1::Article& article) {
  if (article.not_modified()) {
    return absl::StrCat(article.name(), " revision ", article.revision_id(),
                        ": not modified (etag ", article.etag(), ")\n");
  }
  constexpr absl::string_view kLabelIndent = "               ";  // width of "Therapy types: "
  std::string out = Underlined(article.title(), '=');
  auto field = [&](absl::string_view label, absl::string_view value) {
    if (value.empty()) return;
    std::string first = absl::StrFormat("%-15s", absl::StrCat(label, ":"));
    absl::StrAppend(&out, Wrap(value, first, kLabelIndent));
  };
  field("Name", article.name());
  field("Revision", absl::StrCat(article.revision_id(),
                                 article.scheduled() ? " (scheduled: not in force yet)" : ""));
  field("Reviewed", DateText(article.review_date()));
  std::string status = ReviewStatusText(article.review_status());
  field("Next review", absl::StrCat(DateText(article.next_review_date()),
                                    status.empty() ? "" : " (", status, status.empty() ? "" : ")"));
  field("Publisher",
        absl::StrCat(article.publisher(), article.language_code().empty() ? "" : " (",
                     article.language_code(), article.language_code().empty() ? "" : ")"));
  if (article.language_fallback()) {
    field("Language",
          absl::StrCat(article.language_code(), ": none of the languages asked for is available"));
  }
  if (article.has_translation_of()) {
    field("Translates", absl::StrCat(article.translation_of().article(), " as reviewed ",
                                     article.translation_of().revision_id(),
                                     article.translation_status() == v1::Article::TRANSLATION_STALE
                                         ? " (stale: the source has a newer clinical review)"
                                         : ""));
  }
  if (article.audience() == v1::AUDIENCE_PROFESSIONAL) field("Audience", "health professionals");
  if (article.has_readability()) {
    const v1::Readability& r = article.readability();
    field("Reading level",
          absl::StrCat(r.has_flesch_kincaid_grade()
                           ? absl::StrFormat("grade %.1f, ", r.flesch_kincaid_grade())
                           : "",
                       absl::StrFormat("ease %.1f", r.reading_ease()),
                       r.ease_formula() == v1::Readability::FERNANDEZ_HUERTA ? " (Fernandez-Huerta)"
                                                                             : " (Flesch)",
                       "; ", r.words(), " words, ", r.sentences(), " sentences, ", r.syllables(),
                       " syllables"));
  }
  field("Also called", absl::StrJoin(article.also_called(), ", "));
  std::vector<std::string> therapy_types;
  for (const v1::TherapyType& therapy_type : article.therapy_types()) {
    therapy_types.push_back(therapy_type.display_name().empty() ? therapy_type.name()
                                                                : therapy_type.display_name());
  }
  field("Therapy types", absl::StrJoin(therapy_types, ", "));
  field("Source", article.source_url());
  absl::StrAppend(&out, "\n");

  // The summary often repeats the first lead paragraph word for word.
  const bool summary_in_lead = article.lead_size() > 0 && article.lead(0).has_paragraph() &&
                               SpansText(article.lead(0).paragraph().spans()) == article.summary();
  if (!article.summary().empty() && !summary_in_lead) {
    absl::StrAppend(&out, Wrap(article.summary(), "", ""), "\n");
  }
  absl::StrAppend(&out, RenderBlocks(article.lead()));
  for (const v1::Section& section : article.sections()) {
    absl::StrAppend(&out, Underlined(section.heading(), '-'), "\n", RenderBlocks(section.blocks()));
  }
  if (article.references_size() > 0) {
    absl::StrAppend(&out, Underlined("References", '-'), "\n");
    for (int i = 0; i < article.references_size(); ++i) {
      std::string number = absl::StrCat("[", i + 1, "] ");
      absl::StrAppend(&out, Wrap(ReferenceText(article.references(i)), number,
                                 std::string(number.size(), ' ')));
    }
    absl::StrAppend(&out, "\n");
  }
  if (!article.license().empty()) absl::StrAppend(&out, Wrap(article.license(), "", ""));
  // No trailing blank line.
  while (absl::EndsWith(out, "\n\n")) out.pop_back();
  return out;
}

std::string RenderArticleTable(const std::vector<v1::Article>& articles) {
  std::vector<std::vector<std::string>> rows;
  for (const v1::Article& article : articles) {
    rows.push_back({article.name(), DateText(article.review_date()),
                    DateText(article.next_review_date()), ReviewStatusText(article.review_status()),
                    article.title()});
  }
  return RenderTable({"NAME", "REVIEWED", "NEXT REVIEW", "STATUS", "TITLE"}, rows);
}

std::string RenderRevisions(const std::vector<v1::ArticleRevision>& revisions) {
  std::vector<std::vector<std::string>> rows;
  for (const v1::ArticleRevision& revision : revisions) {
    std::string state = revision.in_force() ? "in force" : revision.scheduled() ? "scheduled" : "";
    rows.push_back(
        {revision.revision_id(), state, ChangeTypeText(revision.change_type()),
         TimestampText(revision.publish_time()),
         revision.change_summary().empty() ? revision.title() : revision.change_summary()});
  }
  return RenderTable({"REVISION", "STATE", "CHANGE", "PUBLISHED", "SUMMARY"}, rows);
}

std::string RenderDiff(const v1::ArticleDiff& diff) {
  std::string out =
      absl::StrCat(diff.name(), ": ", diff.from_revision(), " -> ", diff.to_revision(), "\n");
  const bool lead_changed = diff.has_lead() && diff.lead().kind() != v1::DIFF_KIND_UNSPECIFIED;
  if (diff.changed_fields_size() == 0 && !lead_changed && diff.sections_size() == 0 &&
      diff.therapy_types_added_size() == 0 && diff.therapy_types_removed_size() == 0 &&
      diff.references_size() == 0) {
    return absl::StrCat(out, "no differences\n");
  }
  if (diff.changed_fields_size() > 0) {
    absl::StrAppend(&out, Wrap(absl::StrJoin(diff.changed_fields(), ", "),
                               "Changed fields: ", "                "));
  }
  if (diff.therapy_types_added_size() > 0) {
    absl::StrAppend(
        &out, Wrap(absl::StrJoin(diff.therapy_types_added(), ", "), "Therapy types added: ", "  "));
  }
  if (diff.therapy_types_removed_size() > 0) {
    absl::StrAppend(&out, Wrap(absl::StrJoin(diff.therapy_types_removed(), ", "),
                               "Therapy types removed: ", "  "));
  }
  if (lead_changed) absl::StrAppend(&out, "\n", RenderSectionDiff(diff.lead(), "Lead"));
  for (const v1::SectionDiff& section : diff.sections()) {
    absl::StrAppend(
        &out, "\n",
        RenderSectionDiff(section, absl::StrCat("Section \"", section.heading(), "\"")));
  }
  if (diff.references_size() > 0) {
    absl::StrAppend(&out, "\nReferences\n");
    for (const v1::ReferenceDiff& reference : diff.references()) {
      const std::string first = absl::StrCat("  ", std::string(1, DiffSign(reference.kind())), " ",
                                             reference.name(), " ");
      if (reference.kind() == v1::DIFF_KIND_CHANGED) {
        absl::StrAppend(
            &out, Wrap(absl::StrCat("changed: ", absl::StrJoin(reference.changed_fields(), ", ")),
                       first, "      "));
      } else {
        const v1::Reference& cited =
            reference.kind() == v1::DIFF_KIND_REMOVED ? reference.before() : reference.after();
        absl::StrAppend(&out, Wrap(ReferenceText(cited), first, "      "));
      }
    }
  }
  return out;
}

std::string RenderSearchResults(const std::vector<v1::SearchResult>& results) {
  if (results.empty()) return "no matches\n";
  std::string out;
  for (size_t i = 0; i < results.size(); ++i) {
    const v1::SearchResult& result = results[i];
    const std::string number = absl::StrCat(i + 1, ". ");
    const std::string indent(number.size(), ' ');
    absl::StrAppend(&out, Wrap(result.article().title(), number, indent));
    // The rank is the number; bm25 scores mean nothing to a reader (they are
    // in --json for scripts).
    absl::StrAppend(&out, indent, result.article().name(), "\n");
    if (!result.snippet().empty()) absl::StrAppend(&out, Wrap(result.snippet(), indent, indent));
    if (i + 1 < results.size()) absl::StrAppend(&out, "\n");
  }
  return out;
}

std::string RenderKnowledge(const v1::RetrieveKnowledgeResponse& response) {
  std::string out;
  for (int i = 0; i < response.results_size(); ++i) {
    const v1::CriterionResult& result = response.results(i);
    const v1::Coding& coding = result.criterion().coding();
    const domain::CodeSystemInfo* system = domain::FindCodeSystem(coding.system());
    if (i > 0) absl::StrAppend(&out, "\n");
    absl::StrAppend(&out, system != nullptr ? system->name : coding.system(), " ", coding.code(),
                    " on ", DateText(response.as_of()), "\n");
    if (result.system_not_held()) {
      absl::StrAppend(&out, "  no matches: nothing here is coded in ",
                      system != nullptr ? system->name : coding.system(), "\n");
      continue;
    }
    if (result.matches().empty()) {
      absl::StrAppend(&out, "  no matches\n");
      continue;
    }
    if (result.language_fallback()) {
      absl::StrAppend(&out, "  (none in the preferred languages; showing every language)\n");
    }
    for (int j = 0; j < result.matches_size(); ++j) {
      const v1::KnowledgeMatch& match = result.matches(j);
      const std::string number = absl::StrCat("  ", j + 1, ". ");
      const std::string indent(number.size(), ' ');
      absl::StrAppend(&out, Wrap(match.title(), number, indent));
      std::string how;
      switch (match.match_type()) {
        case v1::MATCH_TYPE_EXACT:
          how = "coded " + match.matched_coding().code();
          break;
        case v1::MATCH_TYPE_THERAPY_TYPE:
          how = absl::StrCat("through ", match.therapy_type(), " (coded ",
                             match.matched_coding().code(), ")");
          break;
        case v1::MATCH_TYPE_ANCESTOR:
          how = absl::StrCat("through the broader code ", match.matched_coding().code(),
                             match.therapy_type().empty() ? "" : " of ", match.therapy_type());
          break;
        default:
          how = "matched";
      }
      absl::StrAppend(&out, indent, match.article(), "  reviewed ", DateText(match.review_date()),
                      ", ", match.language_code(), ", ", how, "\n");
    }
  }
  return out;
}

std::string RenderChange(const v1::Change& change) {
  std::vector<std::string> parts = {absl::StrCat("#", change.sequence()),
                                    TimestampText(change.commit_time()),
                                    ChangeKindText(change.kind())};
  if (change.revision_id().empty()) {
    parts.push_back(change.resource());
  } else {
    parts.push_back(absl::StrCat(change.resource(), "/revisions/", change.revision_id()));
  }
  std::string effective = DateText(change.effective_date());
  if (!effective.empty() && effective != change.revision_id()) {
    parts.push_back(absl::StrCat("effective ", effective));
  }
  return absl::StrCat(absl::StrJoin(parts, "  "), "\n");
}

std::string RenderTherapyTypes(const std::vector<v1::TherapyType>& therapy_types) {
  std::vector<std::vector<std::string>> rows;
  for (const v1::TherapyType& therapy_type : therapy_types) {
    std::string shown = therapy_type.display_name();
    if (therapy_type.aliases_size() > 0) {
      absl::StrAppend(&shown, " (also: ", absl::StrJoin(therapy_type.aliases(), ", "), ")");
    }
    rows.push_back({therapy_type.name(), absl::StrCat(therapy_type.article_count()), shown});
  }
  return RenderTable({"NAME", "ARTICLES", "DISPLAY NAME"}, rows);
}

}  // namespace healthcontent::cli
