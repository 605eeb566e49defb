#include "http/methods.h"

#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "healthcontent/v1/article_service.pb.h"
#include "healthcontent/v1/change_service.pb.h"
#include "healthcontent/v1/knowledge_service.pb.h"
#include "healthcontent/v1/reference_service.pb.h"
#include "healthcontent/v1/therapy_type_service.pb.h"

namespace healthcontent::http {

bool ParseCodec(absl::string_view name, Codec* codec) {
  if (name == "json") {
    *codec = Codec::kJson;
    return true;
  }
  if (name == "proto") {
    *codec = Codec::kProto;
    return true;
  }
  return false;
}

MethodTable::MethodTable(absl::string_view package) {
  // A file is in the generated pool only when its object file is linked in:
  // naming a message of each service file makes sure it is.
  for (const google::protobuf::Descriptor* linked :
       {v1::GetArticleRequest::descriptor(), v1::GetTherapyTypeRequest::descriptor(),
        v1::GetReferenceRequest::descriptor(), v1::ListChangesRequest::descriptor(),
        v1::RetrieveKnowledgeRequest::descriptor()}) {
    (void)linked;
  }
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  for (absl::string_view service_name : {"ArticleService", "TherapyTypeService", "ReferenceService",
                                         "ChangeService", "KnowledgeService"}) {
    const google::protobuf::ServiceDescriptor* service =
        pool->FindServiceByName(absl::StrCat(package, ".", service_name));
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* descriptor = service->method(i);
      if (descriptor->client_streaming()) continue;  // none today; Connect needs HTTP/2 for them
      auto method = std::make_unique<Method>();
      method->path = absl::StrCat("/", service->full_name(), "/", descriptor->name());
      method->descriptor = descriptor;
      method->no_side_effects = descriptor->options().idempotency_level() ==
                                google::protobuf::MethodOptions::NO_SIDE_EFFECTS;
      method->server_streaming = descriptor->server_streaming();
      by_path_[method->path] = method.get();
      methods_.push_back(std::move(method));
    }
  }
}

const Method* MethodTable::Find(absl::string_view path) const {
  auto it = by_path_.find(path);
  return it == by_path_.end() ? nullptr : it->second;
}

std::unique_ptr<google::protobuf::Message> NewMessage(const google::protobuf::Descriptor* type) {
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type);
  return std::unique_ptr<google::protobuf::Message>(prototype->New());
}

absl::Status Decode(Codec codec, absl::string_view bytes, google::protobuf::Message* message,
                    absl::string_view what) {
  if (codec == Codec::kProto) {
    if (!message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": not a valid binary ", message->GetDescriptor()->full_name()));
    }
    return absl::OkStatus();
  }
  if (bytes.empty()) return absl::OkStatus();  // an empty body is the empty message
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(bytes.data(), bytes.size()), message, options);
  if (!status.ok()) {
    // protobuf's message may end in a multi-line caret diagram: keep the
    // first line.
    std::string reason(status.message());
    reason = reason.substr(0, reason.find('\n'));
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": not a valid JSON ", message->GetDescriptor()->full_name(), ": ", reason));
  }
  return absl::OkStatus();
}

std::string Encode(Codec codec, const google::protobuf::Message& message) {
  if (codec == Codec::kProto) return message.SerializeAsString();
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  // A message we built always prints; a failure would be a bug in protobuf.
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

absl::StatusOr<std::string> Transcode(Codec codec, const google::protobuf::Descriptor* type,
                                      absl::string_view wire) {
  if (codec == Codec::kProto) return std::string(wire);
  std::unique_ptr<google::protobuf::Message> message = NewMessage(type);
  if (!message->ParseFromArray(wire.data(), static_cast<int>(wire.size()))) {
    return absl::InternalError(
        absl::StrCat("the service answered a ", type->full_name(), " that does not parse"));
  }
  return Encode(Codec::kJson, *message);
}

}  // namespace healthcontent::http
