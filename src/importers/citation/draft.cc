#include "importers/citation/draft.h"

#include "importers/citation/code_points.h"
#include "importers/citation/text.h"

namespace healthcontent::importers::citation {

void SetText(absl::string_view value, std::string* out) {
  value = TrimField(value);
  if (value.size() <= kMaxTextBytes) *out = std::string(value);
}

void SetShort(absl::string_view value, std::string* out) {
  value = TrimField(value);
  if (value.size() <= kMaxShortBytes) *out = std::string(value);
}

void SetTitle(absl::string_view title, v1::Reference* ref) {
  title = TrimField(title);
  // Quotes around the whole title are not part of it.
  if (title.size() >= 2 && IsQuoteCp(At(title, 0).c)) {
    size_t last = PrevCp(title, title.size());
    if (IsQuoteCp(At(title, last).c)) {
      absl::string_view inner = title.substr(At(title, 0).len, last - At(title, 0).len);
      bool inner_quote = false;
      for (size_t i = 0; i < inner.size(); i += At(inner, i).len) {
        CodePoint cp = At(inner, i);
        if (IsQuoteCp(cp.c) && cp.c != 0x2019 && cp.c != '\'') inner_quote = true;
      }
      if (!inner_quote) title = TrimField(inner);
    }
  }
  SetText(title, ref->mutable_title());
}

void AddNames(const NameList& list, google::protobuf::RepeatedPtrField<std::string>* out) {
  for (absl::string_view name : list.names) {
    absl::string_view trimmed = TrimField(name);
    // Keep the stop of a trailing initial: "Romero, C." not "Romero, C".
    if (trimmed.size() < name.size() && name[trimmed.size()] == '.' &&
        IsUpperAt(trimmed, PrevCp(trimmed, trimmed.size()))) {
      trimmed = name.substr(0, trimmed.size() + 1);
    }
    if (!trimmed.empty() && trimmed.size() <= kMaxNameBytes) out->Add(std::string(trimmed));
  }
}

void ApplyPublisher(const PublisherPart& pub, Draft* d) {
  if (d->ref->publisher().empty()) SetText(pub.publisher, d->ref->mutable_publisher());
  if (d->year == 0) d->year = pub.year;
  if (d->ref->pages().empty()) SetShort(pub.pages, d->ref->mutable_pages());
  if (d->ref->volume().empty()) SetShort(pub.volume, d->ref->mutable_volume());
}

}  // namespace healthcontent::importers::citation
