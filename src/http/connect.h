// The Connect protocol's wire pieces (connectrpc.com/docs/protocol), free of
// any HTTP server: error codes and their HTTP statuses, the JSON error body,
// timeouts, and the envelopes of streaming calls.
#ifndef HEALTHCONTENT_HTTP_CONNECT_H_
#define HEALTHCONTENT_HTTP_CONNECT_H_

#include <grpcpp/support/status.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace healthcontent::http {

// The Connect name of a gRPC code: "invalid_argument", "canceled", ...; a
// code outside the canonical ones is "unknown" (common/status_names.h).
absl::string_view ConnectCodeName(grpc::StatusCode code);

// The HTTP status the Connect spec gives a code (invalid_argument 400,
// unauthenticated 401, not_found 404, resource_exhausted 429,
// unimplemented 501, canceled 499, deadline_exceeded 504, ...).
int HttpStatusForCode(grpc::StatusCode code);

// The Connect error object of a failed call, as JSON text:
//   {"code":"invalid_argument","message":"...","details":[{"type":
//    "google.rpc.BadRequest","value":"<unpadded base64>","debug":{...}}]}
// `details` come from the status's error details (a serialized
// google.rpc.Status, as gRPC carries it in grpc-status-details-bin); each
// keeps its binary value and, when its type is known, a JSON "debug" copy.
// Precondition: !status.ok().
std::string ErrorJson(const grpc::Status& status);

// The EndStreamResponse that closes a streaming response: "{}" after
// success, {"error":{...}} after a failure.
std::string EndStreamJson(const grpc::Status& status);

// A Connect-Timeout-Ms value: 1 to 10 ASCII digits. InvalidArgument naming
// the header otherwise.
absl::StatusOr<absl::Duration> ParseTimeoutMs(absl::string_view value);

// Envelope flags.
inline constexpr uint8_t kEnvelopeCompressed = 0x01;
inline constexpr uint8_t kEnvelopeEndStream = 0x02;

// One enveloped message: flags, 4-byte big-endian length, payload.
std::string Envelope(uint8_t flags, absl::string_view payload);

// The single message of a server-streaming request body (one envelope,
// uncompressed, nothing after it). InvalidArgument saying what is wrong.
absl::StatusOr<std::string> SingleEnvelopedMessage(absl::string_view body);

// Unpadded standard base64, as Connect writes binary values.
std::string Base64Unpadded(absl::string_view bytes);

// Decodes the `message` of a Connect GET with base64=1: URL-safe or
// standard alphabet, padded or not.
absl::StatusOr<std::string> DecodeBase64Any(absl::string_view text);

}  // namespace healthcontent::http

#endif  // HEALTHCONTENT_HTTP_CONNECT_H_
