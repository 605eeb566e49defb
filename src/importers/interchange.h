// The interchange format: protobuf JSON of the write requests.
//
// data/therapy-types/*.json hold UpsertTherapyTypeRequest and
// data/articles/{slug}/{YYYY-MM-DD}.json hold PublishArticleRevisionRequest,
// each one message per file in canonical proto3 JSON (lowerCamelCase names).
#ifndef HEALTHCONTENT_IMPORTERS_INTERCHANGE_H_
#define HEALTHCONTENT_IMPORTERS_INTERCHANGE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "healthcontent/v1/article_service.pb.h"
#include "healthcontent/v1/therapy_type_service.pb.h"

namespace healthcontent::importers {

// Files larger than this are refused before parsing.
inline constexpr size_t kMaxInterchangeFileBytes = 8 << 20;

// Parses protobuf JSON into `out`. InvalidArgument names `source` (a file
// name) and the parser's complaint, which includes the JSON path.
absl::Status ParseInterchangeJson(absl::string_view json, absl::string_view source,
                                  google::protobuf::Message* out);

// Canonical text of a message: 2-space indented protobuf JSON with a final
// newline. What `export` writes; parse + format round-trips byte for byte.
std::string FormatInterchangeJson(const google::protobuf::Message& message);

// Reads a whole file (at most kMaxInterchangeFileBytes). NotFound /
// InvalidArgument name the path.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace healthcontent::importers

#endif  // HEALTHCONTENT_IMPORTERS_INTERCHANGE_H_
