// The RPCs the HTTP face serves, read from the protos' descriptors (the
// generated pool), and the two codecs Connect defines for their messages:
// binary protobuf and the proto3 canonical JSON mapping (lowerCamelCase
// names, enums by name) that buf curl prints and data/ holds.
#ifndef HEALTHCONTENT_HTTP_METHODS_H_
#define HEALTHCONTENT_HTTP_METHODS_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace healthcontent::http {

enum class Codec { kProto, kJson };

// "json" or "proto" (a Content-Type's subtype or a GET's encoding=) into
// `*codec`; false for anything else.
bool ParseCodec(absl::string_view name, Codec* codec);

struct Method {
  // "/healthcontent.v1.ArticleService/GetArticle": the gRPC path, which is
  // also the Connect path.
  std::string path;
  const google::protobuf::MethodDescriptor* descriptor = nullptr;
  // Marked `option idempotency_level = NO_SIDE_EFFECTS`: Connect GET allowed.
  bool no_side_effects = false;
  bool server_streaming = false;
};

// Every method of every service in the proto package `package` (e.g.
// "healthcontent.v1") linked into this binary.
class MethodTable {
 public:
  explicit MethodTable(absl::string_view package);

  // The method at `path`, or nullptr.
  const Method* Find(absl::string_view path) const;
  const std::vector<std::unique_ptr<Method>>& methods() const { return methods_; }

 private:
  std::vector<std::unique_ptr<Method>> methods_;
  absl::flat_hash_map<std::string, const Method*> by_path_;
};

// A new, empty message of `type` (from the generated factory).
std::unique_ptr<google::protobuf::Message> NewMessage(const google::protobuf::Descriptor* type);

// Parses `bytes` in `codec` into `message`. InvalidArgument starting with
// "request body:" (or `what`) and saying what is wrong; unknown JSON fields
// are errors, so a misspelt field is never silently ignored.
absl::Status Decode(Codec codec, absl::string_view bytes, google::protobuf::Message* message,
                    absl::string_view what = "request body");

// `message` in `codec`.
std::string Encode(Codec codec, const google::protobuf::Message& message);

// The binary wire bytes `wire` of a message of `type`, re-encoded in
// `codec` (a copy for kProto). Internal if the bytes do not parse.
absl::StatusOr<std::string> Transcode(Codec codec, const google::protobuf::Descriptor* type,
                                      absl::string_view wire);

}  // namespace healthcontent::http

#endif  // HEALTHCONTENT_HTTP_METHODS_H_
