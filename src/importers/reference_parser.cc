#include "importers/reference_parser.h"

#include <string>
#include <utility>

#include "importers/citation/body.h"
#include "importers/citation/code_points.h"
#include "importers/citation/dates.h"
#include "importers/citation/draft.h"
#include "importers/citation/identifiers.h"
#include "importers/citation/lead.h"
#include "importers/citation/text.h"

namespace healthcontent::importers {
namespace {

using citation::At;
using citation::Clean;
using citation::Draft;
using citation::ExtractAccessNotes;
using citation::ExtractBoilerplate;
using citation::ExtractDois;
using citation::ExtractIds;
using citation::ExtractUrls;
using citation::IsAlnumAt;
using citation::LastYear;
using citation::ReadBody;
using citation::ReadLeadingDate;
using citation::ReadLeadingNames;
using citation::SkipCitationNumber;
using citation::ValidUtf8;

// Reads `input` (valid UTF-8) into *ref: the parts with a shape of their own
// are taken out first, then the names and date that lead, then the body.
void Parse(absl::string_view input, v1::Reference* ref) {
  std::string text = Clean(input);
  ExtractAccessNotes(&text, ref);
  ExtractUrls(&text, ref);
  ExtractDois(&text, ref);
  ExtractIds(&text, ref);
  ExtractBoilerplate(&text);
  // Nothing to read (empty, spaces, punctuation): the kind stays unspecified.
  bool readable = false;
  for (size_t i = 0; i < text.size() && !readable; i += At(text, i).len) {
    readable = IsAlnumAt(text, i);
  }
  if (!readable && ref->url().empty() && ref->doi().empty()) return;

  Draft d(ref);
  absl::string_view s = text;
  size_t p = SkipCitationNumber(s);
  p = ReadLeadingNames(s, p, &d);
  p = ReadLeadingDate(s, p, &d);
  ReadBody(s.substr(p), &d);

  if (d.year == 0) d.year = LastYear(s.substr(p));
  if (d.year != 0) ref->set_year(d.year);
  ref->set_kind(d.kind);
}

}  // namespace

v1::Reference ParseCitation(absl::string_view citation) {
  v1::Reference ref;
  std::string valid = ValidUtf8(citation);
  Parse(valid, &ref);
  ref.set_citation(std::move(valid));
  return ref;
}

}  // namespace healthcontent::importers
