#include "http/connect.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status_names.h"
#include "google/rpc/status.pb.h"
#include "nlohmann/json.hpp"

namespace healthcontent::http {
namespace {

// A detail's JSON form for the "debug" key, or null when its type is not in
// the generated pool (the binary value is what clients decode).
nlohmann::json DetailDebug(absl::string_view type, absl::string_view value) {
  const google::protobuf::Descriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(std::string(type));
  if (descriptor == nullptr) return nullptr;
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor);
  if (prototype == nullptr) return nullptr;
  std::unique_ptr<google::protobuf::Message> message(prototype->New());
  if (!message->ParseFromArray(value.data(), static_cast<int>(value.size()))) return nullptr;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(*message, &json).ok()) return nullptr;
  return nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
}

nlohmann::json ErrorObject(const grpc::Status& status) {
  nlohmann::json error = {{"code", std::string(ConnectCodeName(status.error_code()))}};
  if (!status.error_message().empty()) error["message"] = status.error_message();
  google::rpc::Status rich;
  if (!status.error_details().empty() && rich.ParseFromString(status.error_details())) {
    nlohmann::json details = nlohmann::json::array();
    for (const auto& any : rich.details()) {
      absl::string_view type = any.type_url();
      if (const size_t slash = type.rfind('/'); slash != absl::string_view::npos) {
        type.remove_prefix(slash + 1);
      }
      nlohmann::json detail = {{"type", std::string(type)}, {"value", Base64Unpadded(any.value())}};
      nlohmann::json debug = DetailDebug(type, any.value());
      if (!debug.is_null() && !debug.is_discarded()) detail["debug"] = std::move(debug);
      details.push_back(std::move(detail));
    }
    if (!details.empty()) error["details"] = std::move(details);
  }
  return error;
}

std::string Dump(const nlohmann::json& json) {
  // Invalid UTF-8 in a message is replaced, never an exception.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

absl::string_view ConnectCodeName(grpc::StatusCode code) {
  // Connect spells this one code its own way; every other name is gRPC's in
  // lower case.
  if (code == grpc::StatusCode::CANCELLED) return "canceled";
  return LowerStatusCodeName(static_cast<absl::StatusCode>(code));
}

int HttpStatusForCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    default:
      return 500;  // unknown, internal, data_loss
  }
}

std::string ErrorJson(const grpc::Status& status) { return Dump(ErrorObject(status)); }

std::string EndStreamJson(const grpc::Status& status) {
  if (status.ok()) return "{}";
  return Dump(nlohmann::json{{"error", ErrorObject(status)}});
}

absl::StatusOr<absl::Duration> ParseTimeoutMs(absl::string_view value) {
  int64_t ms = 0;
  if (value.empty() || value.size() > 10 ||
      !std::all_of(value.begin(), value.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(value, &ms)) {
    return absl::InvalidArgumentError(
        absl::StrCat("Connect-Timeout-Ms: must be 1 to 10 digits of milliseconds, got \"",
                     value.substr(0, 32), "\""));
  }
  return absl::Milliseconds(ms);
}

std::string Envelope(uint8_t flags, absl::string_view payload) {
  std::string out;
  out.reserve(5 + payload.size());
  const uint32_t size = static_cast<uint32_t>(payload.size());
  out.push_back(static_cast<char>(flags));
  out.push_back(static_cast<char>((size >> 24) & 0xff));
  out.push_back(static_cast<char>((size >> 16) & 0xff));
  out.push_back(static_cast<char>((size >> 8) & 0xff));
  out.push_back(static_cast<char>(size & 0xff));
  out.append(payload.data(), payload.size());
  return out;
}

absl::StatusOr<std::string> SingleEnvelopedMessage(absl::string_view body) {
  if (body.size() < 5) {
    return absl::InvalidArgumentError(
        "request body: a streaming call needs one enveloped message (5-byte prefix, then "
        "the message)");
  }
  const auto byte = [&](int i) { return static_cast<uint32_t>(static_cast<uint8_t>(body[i])); };
  const uint8_t flags = static_cast<uint8_t>(body[0]);
  const uint32_t size = (byte(1) << 24) | (byte(2) << 16) | (byte(3) << 8) | byte(4);
  if (flags & kEnvelopeCompressed) {
    return absl::UnimplementedError(
        "request body: compressed messages are not supported; send identity");
  }
  if (flags != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("request body: envelope flags must be 0, got ", flags));
  }
  if (body.size() - 5 != size) {
    return absl::InvalidArgumentError(
        absl::StrCat("request body: the envelope says ", size, " bytes but ", body.size() - 5,
                     " follow; a server-streaming call takes exactly one message"));
  }
  return std::string(body.substr(5));
}

std::string Base64Unpadded(absl::string_view bytes) {
  std::string out = absl::Base64Escape(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

absl::StatusOr<std::string> DecodeBase64Any(absl::string_view text) {
  std::string normalized(text);
  for (char& c : normalized) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (!normalized.empty() && normalized.back() == '=') normalized.pop_back();
  while (normalized.size() % 4 != 0) normalized.push_back('=');
  std::string out;
  if (!absl::Base64Unescape(normalized, &out)) {
    return absl::InvalidArgumentError("message: not valid base64");
  }
  return out;
}

}  // namespace healthcontent::http
