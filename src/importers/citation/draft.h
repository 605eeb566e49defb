// The state of one citation parse, shared by its steps (lead.h, body.h,
// container.h), and the setters through which every step writes a text field.
//
// Contract: the steps write fields straight into *Draft::ref and keep in the
// Draft what is settled only at the end: the publication year (the first
// step to find one sets it; later steps leave a non-zero year alone), how
// the leading names ended and the kind. The setters trim the value
// (TrimField) and leave the field unchanged when the value is longer than
// the publish validation allows (kMaxTextBytes, kMaxShortBytes,
// kMaxNameBytes), so a parsed Reference is always publishable. A Draft
// belongs to one parse on one thread.
#ifndef HEALTHCONTENT_IMPORTERS_CITATION_DRAFT_H_
#define HEALTHCONTENT_IMPORTERS_CITATION_DRAFT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "healthcontent/v1/reference.pb.h"
#include "importers/citation/names.h"
#include "importers/citation/publishers.h"

namespace healthcontent::importers::citation {

struct Draft {
  explicit Draft(v1::Reference* reference) : ref(reference) {}

  v1::Reference* ref;        // not owned; the fields found so far
  int year = 0;              // the publication year; 0 until a step finds one
  bool comma_style = false;  // the names ended with a comma: "Feferman, S., Title, Journal"
  v1::Reference::Kind kind = v1::Reference::OTHER;
};

// *out = the trimmed value, unless it is longer than kMaxTextBytes (titles,
// container titles, publishers).
void SetText(absl::string_view value, std::string* out);

// *out = the trimmed value, unless it is longer than kMaxShortBytes (volume,
// issue, pages).
void SetShort(absl::string_view value, std::string* out);

// Sets ref->title: trimmed, without quotes around the whole title (unless
// other quotes stand inside it).
void SetTitle(absl::string_view title, v1::Reference* ref);

// Appends each name of the list to *out, trimmed but keeping the stop of a
// trailing initial ("Romero, C."); a name longer than kMaxNameBytes is left out.
void AddNames(const NameList& list, google::protobuf::RepeatedPtrField<std::string>* out);

// Records what a publisher part holds, each field only while it is still
// empty (the year only while it is 0).
void ApplyPublisher(const PublisherPart& pub, Draft* d);

}  // namespace healthcontent::importers::citation

#endif  // HEALTHCONTENT_IMPORTERS_CITATION_DRAFT_H_
