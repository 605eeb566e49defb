#include "domain/article_diff.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/resource_name.h"
#include "domain/article_rules.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "google/protobuf/util/message_differencer.h"

namespace healthcontent::domain {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::RepeatedPtrField;
using google::protobuf::util::MessageDifferencer;

constexpr int kUnpaired = -1;

// Which element of the older sequence each element of the newer stands for.
struct Pairing {
  Pairing(size_t from_size, size_t to_size)
      : from_of_to(to_size, kUnpaired), from_paired(from_size, false) {}

  void Pair(int from_index, int to_index) {
    from_of_to[to_index] = from_index;
    from_paired[from_index] = true;
  }

  std::vector<int> from_of_to;    // partner in `from` of each `to` element, or kUnpaired
  std::vector<bool> from_paired;  // whether each `from` element has a partner
};

// Pairs elements with equal keys, in order: the k-th `to` element with key K
// pairs with the k-th `from` element with key K.
Pairing PairByKey(const std::vector<std::string>& from_keys,
                  const std::vector<std::string>& to_keys) {
  Pairing pairing(from_keys.size(), to_keys.size());
  // Indices stored in reverse so that back() is the earliest not yet claimed.
  absl::flat_hash_map<std::string, std::vector<int>> unclaimed;
  for (int j = static_cast<int>(from_keys.size()) - 1; j >= 0; --j) {
    unclaimed[from_keys[j]].push_back(j);
  }
  for (int i = 0; i < static_cast<int>(to_keys.size()); ++i) {
    auto it = unclaimed.find(to_keys[i]);
    if (it == unclaimed.end() || it->second.empty()) continue;
    pairing.Pair(it->second.back(), i);
    it->second.pop_back();
  }
  return pairing;
}

template <typename T, typename KeyFn>
std::vector<std::string> Keys(const RepeatedPtrField<T>& elements, KeyFn key) {
  std::vector<std::string> keys;
  keys.reserve(elements.size());
  for (const T& element : elements) keys.push_back(key(element));
  return keys;
}

// Content identity for blocks and list items. None of these messages has a
// map field, so serialization is deterministic.
std::string Bytes(const Message& message) { return message.SerializeAsString(); }

// Visits two paired sequences in reading order, as documented in the header:
// every `to` element in turn (on_to(i)), with each unpaired `from` element
// (on_removed(j)) just before the first `to` element whose nearest paired
// element at or after it has its partner after j.
template <typename OnRemoved, typename OnTo>
void VisitInOrder(const Pairing& pairing, OnRemoved on_removed, OnTo on_to) {
  const int from_size = static_cast<int>(pairing.from_paired.size());
  const int to_size = static_cast<int>(pairing.from_of_to.size());
  // anchor[i]: the partner of the first paired `to` element at or after i.
  // Looking ahead lets removed elements come before added ones, not after.
  std::vector<int> anchor(to_size);
  int next_partner = from_size;
  for (int i = to_size - 1; i >= 0; --i) {
    if (pairing.from_of_to[i] != kUnpaired) next_partner = pairing.from_of_to[i];
    anchor[i] = next_partner;
  }
  int next_from = 0;
  auto emit_removed_before = [&](int end) {
    for (; next_from < end; ++next_from) {
      if (!pairing.from_paired[next_from]) on_removed(next_from);
    }
  };
  for (int i = 0; i < to_size; ++i) {
    emit_removed_before(anchor[i]);
    on_to(i);
  }
  emit_removed_before(from_size);
}

// Appends to `out` the names of those `fields` whose values differ.
void AppendDifferingFields(const Message& from, const Message& to,
                           const std::vector<const FieldDescriptor*>& fields,
                           RepeatedPtrField<std::string>* out) {
  MessageDifferencer differencer;
  for (const FieldDescriptor* field : fields) {
    if (!differencer.CompareWithFields(from, to, {field}, {field})) {
      out->Add(std::string(field->name()));
    }
  }
}

// The top-level Article fields reported in ArticleDiff.changed_fields, in order.
const std::vector<const FieldDescriptor*>& ComparedArticleFields() {
  static const auto* const fields = [] {
    auto* fields = new std::vector<const FieldDescriptor*>;
    for (int number : {v1::Article::kTitleFieldNumber, v1::Article::kSummaryFieldNumber,
                       v1::Article::kPublisherFieldNumber, v1::Article::kLanguageCodeFieldNumber,
                       v1::Article::kLicenseFieldNumber, v1::Article::kSourceUrlFieldNumber,
                       v1::Article::kNextReviewDateFieldNumber}) {
      fields->push_back(v1::Article::descriptor()->FindFieldByNumber(number));
    }
    return fields;
  }();
  return *fields;
}

// Every Reference field but `name` (the identity the diff matches on), in
// declaration order.
const std::vector<const FieldDescriptor*>& ComparedReferenceFields() {
  static const auto* const fields = [] {
    auto* fields = new std::vector<const FieldDescriptor*>;
    const auto* descriptor = v1::Reference::descriptor();
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const FieldDescriptor* field = descriptor->field(i);
      if (field->number() != v1::Reference::kNameFieldNumber) fields->push_back(field);
    }
    return fields;
  }();
  return *fields;
}

bool SameBlocks(const RepeatedPtrField<v1::Block>& from, const RepeatedPtrField<v1::Block>& to) {
  if (from.size() != to.size()) return false;
  for (int i = 0; i < from.size(); ++i) {
    if (Bytes(from[i]) != Bytes(to[i])) return false;
  }
  return true;
}

// Items only in `to_list` / only in `from_list`, compared by content.
void DiffItems(const v1::BulletList& from_list, const v1::BulletList& to_list, v1::BlockDiff* out) {
  Pairing pairing = PairByKey(Keys(from_list.items(), Bytes), Keys(to_list.items(), Bytes));
  for (int i = 0; i < to_list.items_size(); ++i) {
    if (pairing.from_of_to[i] == kUnpaired) *out->add_items_added() = to_list.items(i);
  }
  for (int j = 0; j < from_list.items_size(); ++j) {
    if (!pairing.from_paired[j]) *out->add_items_removed() = from_list.items(j);
  }
}

v1::BlockDiff* AddBlockDiff(v1::DiffKind kind, const v1::Block& block, v1::SectionDiff* out) {
  v1::BlockDiff* diff = out->add_blocks();
  diff->set_kind(kind);
  *diff->mutable_block() = block;
  return diff;
}

// Appends to `out` the block diffs between two block sequences (a section's
// or the lead's), as documented in the header.
void DiffBlocks(const RepeatedPtrField<v1::Block>& from, const RepeatedPtrField<v1::Block>& to,
                v1::SectionDiff* out) {
  Pairing pairing = PairByKey(Keys(from, Bytes), Keys(to, Bytes));

  // Bullet lists left unpaired pair up by their ordinal among such lists: an
  // edited list is one CHANGED entry rather than a REMOVED and an ADDED one.
  std::vector<bool> edited_list(to.size(), false);
  std::vector<int> from_lists;
  for (int j = 0; j < from.size(); ++j) {
    if (!pairing.from_paired[j] && from[j].has_bullet_list()) from_lists.push_back(j);
  }
  size_t next_from_list = 0;
  for (int i = 0; i < to.size() && next_from_list < from_lists.size(); ++i) {
    if (pairing.from_of_to[i] != kUnpaired || !to[i].has_bullet_list()) continue;
    pairing.Pair(from_lists[next_from_list++], i);
    edited_list[i] = true;
  }

  VisitInOrder(
      pairing, [&](int j) { AddBlockDiff(v1::DIFF_KIND_REMOVED, from[j], out); },
      [&](int i) {
        int partner = pairing.from_of_to[i];
        if (partner == kUnpaired) {
          AddBlockDiff(v1::DIFF_KIND_ADDED, to[i], out);
        } else if (edited_list[i]) {
          DiffItems(from[partner].bullet_list(), to[i].bullet_list(),
                    AddBlockDiff(v1::DIFF_KIND_CHANGED, to[i], out));
        }
      });
}

void DiffSections(const v1::Article& from, const v1::Article& to, v1::ArticleDiff* out) {
  auto heading = [](const v1::Section& section) { return section.heading(); };
  Pairing pairing = PairByKey(Keys(from.sections(), heading), Keys(to.sections(), heading));
  auto add = [out](v1::DiffKind kind, const std::string& heading) {
    v1::SectionDiff* diff = out->add_sections();
    diff->set_kind(kind);
    diff->set_heading(heading);
    return diff;
  };
  VisitInOrder(
      pairing, [&](int j) { add(v1::DIFF_KIND_REMOVED, from.sections(j).heading()); },
      [&](int i) {
        const v1::Section& section = to.sections(i);
        int partner = pairing.from_of_to[i];
        if (partner == kUnpaired) {
          add(v1::DIFF_KIND_ADDED, section.heading());
        } else if (!SameBlocks(from.sections(partner).blocks(), section.blocks())) {
          DiffBlocks(from.sections(partner).blocks(), section.blocks(),
                     add(v1::DIFF_KIND_CHANGED, section.heading()));
        }
      });
}

void DiffTherapyTypes(const v1::Article& from, const v1::Article& to, v1::ArticleDiff* out) {
  auto name = [](const v1::TherapyType& type) { return type.name(); };
  Pairing pairing = PairByKey(Keys(from.therapy_types(), name), Keys(to.therapy_types(), name));
  for (int i = 0; i < to.therapy_types_size(); ++i) {
    if (pairing.from_of_to[i] == kUnpaired)
      out->add_therapy_types_added(to.therapy_types(i).name());
  }
  for (int j = 0; j < from.therapy_types_size(); ++j) {
    if (!pairing.from_paired[j]) out->add_therapy_types_removed(from.therapy_types(j).name());
  }
}

// A reference's identity: its name, or the name the server would assign it.
std::string ReferenceKey(const v1::Reference& reference) {
  if (!reference.name().empty()) return reference.name();
  return ReferenceName(ReferenceIdForKey(ReferenceMatchKey(reference)));
}

void DiffReferences(const v1::Article& from, const v1::Article& to, v1::ArticleDiff* out) {
  Pairing pairing =
      PairByKey(Keys(from.references(), ReferenceKey), Keys(to.references(), ReferenceKey));
  VisitInOrder(
      pairing,
      [&](int j) {
        v1::ReferenceDiff* diff = out->add_references();
        diff->set_kind(v1::DIFF_KIND_REMOVED);
        diff->set_name(ReferenceKey(from.references(j)));
        *diff->mutable_before() = from.references(j);
      },
      [&](int i) {
        const v1::Reference& after = to.references(i);
        int partner = pairing.from_of_to[i];
        if (partner == kUnpaired) {
          v1::ReferenceDiff* diff = out->add_references();
          diff->set_kind(v1::DIFF_KIND_ADDED);
          diff->set_name(ReferenceKey(after));
          *diff->mutable_after() = after;
          return;
        }
        const v1::Reference& before = from.references(partner);
        RepeatedPtrField<std::string> changed;
        AppendDifferingFields(before, after, ComparedReferenceFields(), &changed);
        if (changed.empty()) return;
        v1::ReferenceDiff* diff = out->add_references();
        diff->set_kind(v1::DIFF_KIND_CHANGED);
        diff->set_name(ReferenceKey(after));
        *diff->mutable_before() = before;
        *diff->mutable_after() = after;
        *diff->mutable_changed_fields() = std::move(changed);
      });
}

}  // namespace

v1::ArticleDiff DiffArticles(const v1::Article& from, const v1::Article& to) {
  v1::ArticleDiff diff;
  diff.set_name(to.name());
  diff.set_from_revision(from.revision_id());
  diff.set_to_revision(to.revision_id());
  AppendDifferingFields(from, to, ComparedArticleFields(), diff.mutable_changed_fields());
  if (!SameBlocks(from.lead(), to.lead())) {
    diff.mutable_lead()->set_kind(v1::DIFF_KIND_CHANGED);
    DiffBlocks(from.lead(), to.lead(), diff.mutable_lead());
  }
  DiffSections(from, to, &diff);
  DiffTherapyTypes(from, to, &diff);
  DiffReferences(from, to, &diff);
  return diff;
}

}  // namespace healthcontent::domain
