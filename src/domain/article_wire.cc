#include "domain/article_wire.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

namespace healthcontent::domain {
namespace {

using google::protobuf::internal::WireFormatLite;

bool Dropped(int field, const ServedFields& fields) {
  switch (field) {
    case v1::Article::kEtagFieldNumber:
      return !fields.etag.empty();
    case v1::Article::kNotModifiedFieldNumber:
    case v1::Article::kScheduledFieldNumber:
    case v1::Article::kReviewStatusFieldNumber:
    case v1::Article::kTranslationStatusFieldNumber:
    case v1::Article::kLanguageFallbackFieldNumber:
      return true;
    case v1::Article::kLeadFieldNumber:
    case v1::Article::kSectionsFieldNumber:
    case v1::Article::kReferencesFieldNumber:
      return fields.basic_view;
    default:
      return false;
  }
}

void AppendVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

void AppendVarintField(int field, uint64_t value, std::string* out) {
  AppendVarint(WireFormatLite::MakeTag(field, WireFormatLite::WIRETYPE_VARINT), out);
  AppendVarint(value, out);
}

}  // namespace

void AppendLengthDelimitedField(int field, absl::string_view value, std::string* out) {
  AppendVarint(WireFormatLite::MakeTag(field, WireFormatLite::WIRETYPE_LENGTH_DELIMITED), out);
  AppendVarint(value.size(), out);
  out->append(value.data(), value.size());
}

absl::Status AppendServedArticle(absl::string_view stored, const ServedFields& fields,
                                 std::string* out) {
  out->reserve(out->size() + stored.size() + 8);
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(stored.data()),
                                            static_cast<int>(stored.size()));
  // Kept fields are copied in runs: with nothing dropped, one append.
  size_t run_start = 0;
  size_t position = 0;
  while (position < stored.size()) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0) return absl::DataLossError("stored revision: bad field tag");
    bool ok = true;
    switch (WireFormatLite::GetTagWireType(tag)) {
      case WireFormatLite::WIRETYPE_VARINT: {
        uint64_t ignored;
        ok = in.ReadVarint64(&ignored);
        break;
      }
      case WireFormatLite::WIRETYPE_FIXED64:
        ok = in.Skip(8);
        break;
      case WireFormatLite::WIRETYPE_FIXED32:
        ok = in.Skip(4);
        break;
      case WireFormatLite::WIRETYPE_LENGTH_DELIMITED: {
        uint32_t length;
        ok = in.ReadVarint32(&length) && in.Skip(static_cast<int>(length));
        break;
      }
      default:  // groups do not occur in proto3
        ok = false;
    }
    if (!ok) {
      return absl::DataLossError(absl::StrCat("stored revision: field ",
                                              WireFormatLite::GetTagFieldNumber(tag),
                                              " is truncated or malformed"));
    }
    const size_t next = static_cast<size_t>(in.CurrentPosition());
    if (Dropped(static_cast<int>(WireFormatLite::GetTagFieldNumber(tag)), fields)) {
      out->append(stored.data() + run_start, position - run_start);
      run_start = next;
    }
    position = next;
  }
  out->append(stored.data() + run_start, stored.size() - run_start);
  if (fields.scheduled) AppendVarintField(v1::Article::kScheduledFieldNumber, 1, out);
  if (fields.review_status != v1::Article::REVIEW_STATUS_UNSPECIFIED) {
    AppendVarintField(v1::Article::kReviewStatusFieldNumber,
                      static_cast<uint64_t>(fields.review_status), out);
  }
  if (fields.translation_status != v1::Article::TRANSLATION_STATUS_UNSPECIFIED) {
    AppendVarintField(v1::Article::kTranslationStatusFieldNumber,
                      static_cast<uint64_t>(fields.translation_status), out);
  }
  if (fields.language_fallback) {
    AppendVarintField(v1::Article::kLanguageFallbackFieldNumber, 1, out);
  }
  if (!fields.etag.empty()) {
    AppendLengthDelimitedField(v1::Article::kEtagFieldNumber, fields.etag, out);
  }
  return absl::OkStatus();
}

std::string ServedEtag(absl::string_view stored, v1::Article::TranslationStatus status) {
  return status == v1::Article::TRANSLATION_STALE ? absl::StrCat(stored, "-stale")
                                                  : std::string(stored);
}

}  // namespace healthcontent::domain
