#include "http/http_face.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "api/status.h"
#include "common/hash.h"
#include "domain/language.h"
#include "http/connect.h"
#include "http/infobutton.h"

namespace healthcontent::http {
namespace {

constexpr char kRevisionMethod[] = "/healthcontent.v1.ArticleService/GetArticleRevision";
constexpr int kRevisionSharedMaxAge = 300;

grpc::Status Error(grpc::StatusCode code, const std::string& message) {
  return grpc::Status(code, message);
}

// Keeps a google.rpc.BadRequest payload as error details.
grpc::Status FromAbsl(const absl::Status& status) { return api::ToGrpcStatus(status); }

// The media type of a Content-Type header, lower case, without parameters.
std::string MediaType(const std::string* header) {
  if (header == nullptr) return "";
  absl::string_view type = *header;
  type = type.substr(0, type.find(';'));
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(type));
}

std::string NewRequestId() {
  thread_local absl::BitGen rng;
  return absl::StrFormat("%016x", absl::Uniform<uint64_t>(rng));
}

bool ValidRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-';
  });
}

// gRPC's peer string for an address civetweb reports.
std::string PeerString(const std::string& ip) {
  return ip.find(':') == std::string::npos ? absl::StrCat("ipv4:", ip, ":0")
                                           : absl::StrCat("ipv6:[", ip, "]:0");
}

// The etags an If-None-Match header lists ("*" included), unquoted.
std::vector<std::string> IfNoneMatch(const std::string* header) {
  std::vector<std::string> out;
  if (header == nullptr) return out;
  for (absl::string_view tag : absl::StrSplit(*header, ',', absl::SkipWhitespace())) {
    tag = absl::StripAsciiWhitespace(tag);
    absl::ConsumePrefix(&tag, "W/");
    absl::ConsumePrefix(&tag, "\"");
    absl::ConsumeSuffix(&tag, "\"");
    out.emplace_back(tag);
  }
  return out;
}

}  // namespace

// One request being answered: the request, the response, and the headers
// every answer carries.
struct HttpFace::Exchange {
  const HttpRequest& request;
  HttpResponse& response;
  Headers common;    // X-Request-Id, CORS
  CallOptions call;  // metadata and deadline for the gRPC call
  bool has_token = false;
};

HttpFace::HttpFace(std::shared_ptr<grpc::Channel> channel, HttpFaceOptions options)
    : bridge_(std::move(channel)),
      options_(std::move(options)),
      methods_("healthcontent.v1"),
      routes_(methods_) {}

bool HttpFace::OriginAllowed(const std::string& origin) const {
  for (const std::string& allowed : options_.cors_origins) {
    if (allowed == "*" || allowed == origin) return true;
  }
  return false;
}

void HttpFace::Handle(const HttpRequest& request, HttpResponse& response) {
  Exchange exchange{request, response, {}, {}, false};
  // Request id: the client's when it is usable, else a new one.
  const std::string* given_id = request.Header("x-request-id");
  const std::string request_id =
      given_id != nullptr && ValidRequestId(*given_id) ? *given_id : NewRequestId();
  exchange.common.emplace_back("X-Request-Id", request_id);
  exchange.common.emplace_back("X-Content-Type-Options", "nosniff");
  const std::string* origin = request.Header("origin");
  if (!options_.cors_origins.empty()) exchange.common.emplace_back("Vary", "Origin");
  if (origin != nullptr && OriginAllowed(*origin)) {
    exchange.common.emplace_back("Access-Control-Allow-Origin", *origin);
    exchange.common.emplace_back("Access-Control-Expose-Headers",
                                 "ETag, X-Request-Id, Grpc-Status, Grpc-Message");
  }
  // What the services see: the client (behind trusted proxies), the token,
  // the request id.
  const std::string client =
      ClientAddress(PeerString(request.remote_address), request.JoinedHeader("x-forwarded-for"),
                    options_.trusted_proxies);
  exchange.call.metadata.emplace_back("x-forwarded-for", client);
  exchange.call.metadata.emplace_back("x-request-id", request_id);
  if (const std::string* auth = request.Header("authorization"); auth != nullptr) {
    exchange.call.metadata.emplace_back("authorization", *auth);
    exchange.has_token = true;
  }

  if (request.method == "OPTIONS") return Preflight(exchange);
  if (request.path == "/infobutton/service" && request.method == "GET") return Infobutton(exchange);
  if (request.body_incomplete) {
    return SendError(exchange, Error(grpc::StatusCode::INVALID_ARGUMENT,
                                     "request body: shorter than its Content-Length (the "
                                     "connection ended or timed out); nothing was done"));
  }
  if (request.body_too_large) {
    return SendError(exchange, Error(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                     "request body: larger than the server's limit "
                                     "(--max_message_bytes)"));
  }
  if (const Method* method = methods_.Find(request.path); method != nullptr) {
    if (request.method == "POST") return ConnectPost(exchange, *method);
    if (request.method == "GET") return ConnectGet(exchange, *method);
    Headers headers = exchange.common;
    headers.emplace_back("Allow", method->no_side_effects ? "GET, POST" : "POST");
    headers.emplace_back("Content-Type", "application/json");
    return response.Send(405, headers,
                         ErrorJson(Error(grpc::StatusCode::UNIMPLEMENTED,
                                         absl::StrCat(request.method, " is not allowed on ",
                                                      method->path, "; use POST"))));
  }
  Bindings bindings;
  if (const Method* method = routes_.Match(request.path, &bindings); method != nullptr) {
    if (request.method != "GET") {
      Headers headers = exchange.common;
      headers.emplace_back("Allow", "GET");
      headers.emplace_back("Content-Type", "application/json");
      return response.Send(
          405, headers,
          ErrorJson(Error(grpc::StatusCode::UNIMPLEMENTED,
                          absl::StrCat(request.method, " is not allowed on ", request.path,
                                       "; resource paths are read with GET, writes are "
                                       "Connect POSTs to ",
                                       method->descriptor->service()->full_name(), " methods"))));
    }
    return Rest(exchange, *method, bindings);
  }
  SendError(exchange,
            Error(grpc::StatusCode::NOT_FOUND,
                  absl::StrCat("no such route: ", request.path.substr(0, 200),
                               "; Connect calls are POST /healthcontent.v1.<Service>/<Method>, "
                               "resource reads GET /v1/...")));
}

void HttpFace::Preflight(Exchange& exchange) {
  const std::string* origin = exchange.request.Header("origin");
  Headers headers = exchange.common;
  if (origin == nullptr || !OriginAllowed(*origin)) {
    headers.emplace_back("Content-Type", "application/json");
    return exchange.response.Send(
        403, headers,
        ErrorJson(
            Error(grpc::StatusCode::PERMISSION_DENIED,
                  "origin not allowed: the server allows the origins in --http_cors_origins")));
  }
  headers.emplace_back("Access-Control-Allow-Methods", "GET, POST");
  headers.emplace_back("Access-Control-Allow-Headers",
                       "Content-Type, Authorization, Connect-Protocol-Version, "
                       "Connect-Timeout-Ms, Connect-Content-Encoding, Connect-Accept-Encoding, "
                       "X-Request-Id, If-None-Match, X-User-Agent");
  headers.emplace_back("Access-Control-Max-Age", "7200");
  exchange.response.Send(204, headers, "");
}

void HttpFace::Infobutton(Exchange& exchange) {
  std::vector<std::pair<std::string, std::string>> params;
  if (absl::Status s = ParseQuery(exchange.request.query, &params); !s.ok()) {
    return SendError(exchange, FromAbsl(s));
  }
  const std::string* accept = exchange.request.Header("accept");
  absl::StatusOr<InfobuttonQuery> query =
      ParseInfobuttonQuery(params, accept != nullptr ? *accept : "");
  if (!query.ok()) return SendError(exchange, FromAbsl(query.status()));
  exchange.call.deadline = absl::Now() + options_.default_timeout;
  CallResult result = bridge_.Unary("/healthcontent.v1.KnowledgeService/RetrieveKnowledge",
                                    query->request.SerializeAsString(), exchange.call);
  if (!result.status.ok()) return SendError(exchange, result.status);
  v1::RetrieveKnowledgeResponse response;
  if (!response.ParseFromString(result.response)) {
    return SendError(exchange, Error(grpc::StatusCode::INTERNAL,
                                     "the knowledge service's answer did not parse"));
  }
  // Without --article_url_template the links name this server as the
  // client addressed it: only a plain host[:port] is used, and the answer is
  // private so that no shared cache hands one client's Host to another.
  const std::string* host = exchange.request.Header("host");
  const bool plain_host =
      host != nullptr && !host->empty() && host->size() <= 255 &&
      std::all_of(host->begin(), host->end(), [](char c) {
        return absl::ascii_isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
      });
  const std::string own_base = absl::StrCat("http://", plain_host ? *host : "localhost", "/");
  InfobuttonRenderOptions render;
  render.article_url_template = options_.article_url_template.empty()
                                    ? absl::StrCat(own_base, "v1/articles/{slug}")
                                    : options_.article_url_template;
  render.base = own_base;
  render.feed_id =
      absl::StrCat(own_base, "infobutton/service?", exchange.request.query.substr(0, 2000));
  render.now = options_.now();
  const std::string body = RenderInfobutton(*query, response, render);
  Headers headers = exchange.common;
  headers.emplace_back("Content-Type", std::string(InfobuttonContentType(query->format)));
  headers.emplace_back("Vary", "Accept");
  const bool private_answer =
      exchange.has_token || options_.reads_need_auth || options_.article_url_template.empty();
  headers.emplace_back("Cache-Control",
                       absl::StrCat(private_answer ? "private" : "public",
                                    ", max-age=", absl::ToInt64Seconds(options_.max_age)));
  exchange.response.Send(200, headers, body);
}

void HttpFace::SendError(Exchange& exchange, const grpc::Status& status) {
  Headers headers = exchange.common;
  headers.emplace_back("Content-Type", "application/json");
  headers.emplace_back("Cache-Control", "no-store");
  exchange.response.Send(HttpStatusForCode(status.error_code()), headers, ErrorJson(status));
}

void HttpFace::ConnectPost(Exchange& exchange, const Method& method) {
  const HttpRequest& request = exchange.request;
  const std::string type = MediaType(request.Header("content-type"));
  if (const std::string* version = request.Header("connect-protocol-version");
      version != nullptr && *version != "1") {
    return SendError(exchange, Error(grpc::StatusCode::INVALID_ARGUMENT,
                                     "Connect-Protocol-Version: only 1 is supported"));
  }
  const std::string* encoding =
      request.Header(method.server_streaming ? "connect-content-encoding" : "content-encoding");
  if (encoding != nullptr && *encoding != "identity") {
    return SendError(exchange, Error(grpc::StatusCode::UNIMPLEMENTED,
                                     absl::StrCat("content encoding \"", encoding->substr(0, 32),
                                                  "\" is not supported; supported: identity")));
  }
  if (grpc::Status s = SetDeadline(exchange, method.server_streaming); !s.ok()) {
    return SendError(exchange, s);
  }
  Codec codec;
  const absl::string_view prefix =
      method.server_streaming ? "application/connect+" : "application/";
  absl::string_view subtype = type;
  if (!absl::ConsumePrefix(&subtype, prefix) || !ParseCodec(subtype, &codec)) {
    Headers headers = exchange.common;
    headers.emplace_back("Accept-Post", method.server_streaming
                                            ? "application/connect+json, application/connect+proto"
                                            : "application/json, application/proto");
    headers.emplace_back("Content-Type", "application/json");
    return exchange.response.Send(
        415, headers,
        ErrorJson(Error(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("Content-Type \"", type.substr(0, 64),
                                     "\" is not supported by ", method.path, "; send ",
                                     method.server_streaming
                                         ? "application/connect+json or application/connect+proto"
                                         : "application/json or application/proto"))));
  }
  if (method.server_streaming) return ConnectStream(exchange, method, codec);
  ConnectUnary(exchange, method, codec, request.body, /*is_get=*/false);
}

grpc::Status HttpFace::SetDeadline(Exchange& exchange, bool streaming) const {
  if (const std::string* timeout = exchange.request.Header("connect-timeout-ms");
      timeout != nullptr) {
    absl::StatusOr<absl::Duration> parsed = ParseTimeoutMs(*timeout);
    if (!parsed.ok()) return FromAbsl(parsed.status());
    exchange.call.deadline = absl::Now() + *parsed;
  } else if (!streaming) {
    exchange.call.deadline = absl::Now() + options_.default_timeout;
  }
  return grpc::Status::OK;
}

void HttpFace::ConnectGet(Exchange& exchange, const Method& method) {
  if (!method.no_side_effects || method.server_streaming) {
    Headers headers = exchange.common;
    headers.emplace_back("Allow", "POST");
    headers.emplace_back("Content-Type", "application/json");
    return exchange.response.Send(
        405, headers,
        ErrorJson(Error(
            grpc::StatusCode::UNIMPLEMENTED,
            absl::StrCat(method.path, method.server_streaming
                                          ? " is a stream: use POST with application/connect+json"
                                          : " has side effects: use POST"))));
  }
  std::vector<std::pair<std::string, std::string>> query;
  if (absl::Status s = ParseQuery(exchange.request.query, &query); !s.ok()) {
    return SendError(exchange, FromAbsl(s));
  }
  const std::string* message = nullptr;
  const std::string* encoding = nullptr;
  bool base64 = false;
  for (const auto& [key, value] : query) {
    if (key == "message") message = &value;
    if (key == "encoding") encoding = &value;
    if (key == "base64") base64 = value == "1";
    if (key == "compression" && !value.empty() && value != "identity") {
      return SendError(exchange, Error(grpc::StatusCode::UNIMPLEMENTED,
                                       "compression: only identity is supported"));
    }
    if (key == "connect" && value != "v1") {
      return SendError(exchange,
                       Error(grpc::StatusCode::INVALID_ARGUMENT, "connect: only v1 is supported"));
    }
  }
  Codec codec;
  if (encoding == nullptr || !ParseCodec(*encoding, &codec)) {
    Headers headers = exchange.common;
    headers.emplace_back("Content-Type", "application/json");
    return exchange.response.Send(
        415, headers,
        ErrorJson(Error(grpc::StatusCode::INVALID_ARGUMENT,
                        "encoding: a Connect GET needs encoding=json or encoding=proto")));
  }
  if (message == nullptr) {
    return SendError(exchange, Error(grpc::StatusCode::INVALID_ARGUMENT,
                                     "message: a Connect GET needs the request in message="));
  }
  std::string bytes = *message;
  if (base64) {
    absl::StatusOr<std::string> decoded = DecodeBase64Any(*message);
    if (!decoded.ok()) return SendError(exchange, FromAbsl(decoded.status()));
    bytes = *std::move(decoded);
  }
  if (grpc::Status s = SetDeadline(exchange, /*streaming=*/false); !s.ok()) {
    return SendError(exchange, s);
  }
  ConnectUnary(exchange, method, codec, bytes, /*is_get=*/true);
}

void HttpFace::ConnectUnary(Exchange& exchange, const Method& method, Codec codec,
                            const std::string& body_bytes, bool is_get) {
  std::unique_ptr<google::protobuf::Message> request = NewMessage(method.descriptor->input_type());
  if (absl::Status s =
          Decode(codec, body_bytes, request.get(), is_get ? "message" : "request body");
      !s.ok()) {
    return SendError(exchange, FromAbsl(s));
  }
  AnswerUnary(exchange, method, *request, codec, is_get);
}

void HttpFace::Rest(Exchange& exchange, const Method& method, const Bindings& bindings) {
  std::unique_ptr<google::protobuf::Message> request = NewMessage(method.descriptor->input_type());
  for (const auto& [field, value] : bindings) {
    if (absl::Status s =
            SetFieldFromText(request.get(), field, value, absl::StrCat("path ", field));
        !s.ok()) {
      return SendError(exchange, FromAbsl(s));
    }
  }
  std::vector<std::pair<std::string, std::string>> query;
  if (absl::Status s = ParseQuery(exchange.request.query, &query); !s.ok()) {
    return SendError(exchange, FromAbsl(s));
  }
  for (const auto& [key, value] : query) {
    for (const auto& [bound, unused] : bindings) {
      if (key == bound) {
        return SendError(
            exchange, Error(grpc::StatusCode::INVALID_ARGUMENT,
                            absl::StrCat("query parameter ", key, ": already given by the path")));
      }
    }
    if (absl::Status s = SetFieldFromText(request.get(), key, value,
                                          absl::StrCat("query parameter ", key.substr(0, 64)));
        !s.ok()) {
      return SendError(exchange, FromAbsl(s));
    }
  }
  exchange.call.deadline = absl::Now() + options_.default_timeout;
  AnswerUnary(exchange, method, *request, Codec::kJson, /*is_get=*/true);
}

void HttpFace::AnswerUnary(Exchange& exchange, const Method& method,
                           const google::protobuf::Message& request_message, Codec codec,
                           bool is_get) {
  // Validators. An article's served form holds fields computed against
  // today (review_status, scheduled), so its HTTP ETag is the stored etag
  // plus the UTC day: "<etag>.<YYYYMMDD>". A conditional GET of an article
  // from today asks the service (it answers not_modified without the body);
  // other answers are compared by a digest of the body.
  const absl::Time now = options_.now();
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone());
  const std::string day_suffix = absl::FormatCivilTime(today);  // YYYY-MM-DD
  const std::vector<std::string> if_none_match =
      is_get ? IfNoneMatch(exchange.request.Header("if-none-match")) : std::vector<std::string>();
  std::unique_ptr<google::protobuf::Message> request(request_message.New());
  request->CopyFrom(request_message);
  const google::protobuf::FieldDescriptor* inm_field =
      request->GetDescriptor()->FindFieldByName("if_none_match");
  if (inm_field != nullptr && inm_field->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
      request->GetReflection()->GetString(*request, inm_field).empty()) {
    for (const std::string& tag : if_none_match) {
      absl::string_view stored = tag;
      if (absl::ConsumeSuffix(&stored, absl::StrCat(".", day_suffix))) {
        request->GetReflection()->SetString(request.get(), inm_field, std::string(stored));
        break;
      }
    }
  }
  // Accept-Language fills `language_codes` of a request that takes them
  // and names none (GetArticle, RetrieveKnowledge): the answer then varies
  // with that header.
  const google::protobuf::FieldDescriptor* languages_field =
      request->GetDescriptor()->FindFieldByName("language_codes");
  const bool takes_languages =
      languages_field != nullptr && languages_field->is_repeated() &&
      languages_field->type() == google::protobuf::FieldDescriptor::TYPE_STRING;
  if (takes_languages && request->GetReflection()->FieldSize(*request, languages_field) == 0) {
    if (const std::string* accept = exchange.request.Header("accept-language"); accept != nullptr) {
      for (std::string& tag : domain::ParseAcceptLanguage(*accept)) {
        request->GetReflection()->AddString(request.get(), languages_field, std::move(tag));
      }
    }
  }
  CallResult result = bridge_.Unary(method.path, request->SerializeAsString(), exchange.call);
  if (auto it = result.headers.find("x-request-id"); it != result.headers.end()) {
    for (auto& [name, value] : exchange.common) {
      if (name == "X-Request-Id") value = it->second;
    }
  }
  if (!result.status.ok()) return SendError(exchange, result.status);

  const google::protobuf::Descriptor* output = method.descriptor->output_type();
  std::unique_ptr<google::protobuf::Message> response = NewMessage(output);
  if (!response->ParseFromString(result.response)) {
    return SendError(exchange,
                     Error(grpc::StatusCode::INTERNAL, "the service's answer did not parse"));
  }
  Headers headers = exchange.common;
  headers.emplace_back("Content-Type",
                       codec == Codec::kJson ? "application/json" : "application/proto");
  if (takes_languages) headers.emplace_back("Vary", "Accept-Language");
  if (const google::protobuf::FieldDescriptor* language = output->FindFieldByName("language_code");
      language != nullptr && language->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
      !response->GetReflection()->GetString(*response, language).empty()) {
    headers.emplace_back("Content-Language",
                         response->GetReflection()->GetString(*response, language));
  }
  if (!is_get) {
    return exchange.response.Send(200, headers, Encode(codec, *response));
  }
  const google::protobuf::Reflection* reflection = response->GetReflection();
  const google::protobuf::FieldDescriptor* etag_field = output->FindFieldByName("etag");
  const google::protobuf::FieldDescriptor* not_modified = output->FindFieldByName("not_modified");
  const bool article = etag_field != nullptr &&
                       etag_field->type() == google::protobuf::FieldDescriptor::TYPE_STRING &&
                       !reflection->GetString(*response, etag_field).empty() &&
                       not_modified != nullptr;
  std::string body;
  std::string etag;
  if (article) {
    etag = absl::StrCat(reflection->GetString(*response, etag_field), ".", day_suffix);
  } else {
    body = Encode(codec, *response);
    etag = Sha256Hex(body).substr(0, 20);
  }
  // Freshness: never past the next UTC midnight, when scheduled revisions
  // take effect and computed fields change. A revision addressed by its
  // review date may be kept until then by anyone (its stored content never
  // changes), shared caches only s-maxage so that a withdrawal shows soon.
  const bool private_answer = exchange.has_token || options_.reads_need_auth;
  const std::string scope = private_answer ? "private" : "public";
  const int64_t until_midnight =
      absl::ToInt64Seconds(absl::FromCivil(today + 1, absl::UTCTimeZone()) - now);
  if (method.path == kRevisionMethod) {
    std::string control = absl::StrCat(scope, ", max-age=", until_midnight);
    if (!private_answer) {
      absl::StrAppend(&control,
                      ", s-maxage=", std::min<int64_t>(kRevisionSharedMaxAge, until_midnight));
    }
    headers.emplace_back("Cache-Control", control);
  } else {
    const int64_t max_age =
        std::min<int64_t>(absl::ToInt64Seconds(options_.max_age), until_midnight);
    headers.emplace_back("Cache-Control", max_age > 0 ? absl::StrCat(scope, ", max-age=", max_age)
                                                      : absl::StrCat(scope, ", no-cache"));
  }
  headers.emplace_back("ETag", absl::StrCat("\"", etag, "\""));
  // 304 only answers a conditional request (RFC 9110 15.4.5).
  const bool matched =
      !if_none_match.empty() &&
      ((article && reflection->GetBool(*response, not_modified)) ||
       std::any_of(if_none_match.begin(), if_none_match.end(),
                   [&](const std::string& tag) { return tag == etag || tag == "*"; }));
  if (matched) {
    headers.erase(std::remove_if(headers.begin(), headers.end(),
                                 [](const auto& h) { return h.first == "Content-Type"; }),
                  headers.end());
    return exchange.response.Send(304, headers, "");
  }
  if (body.empty()) body = Encode(codec, *response);
  exchange.response.Send(200, headers, body);
}

void HttpFace::ConnectStream(Exchange& exchange, const Method& method, Codec codec) {
  absl::StatusOr<std::string> payload = SingleEnvelopedMessage(exchange.request.body);
  std::unique_ptr<google::protobuf::Message> request = NewMessage(method.descriptor->input_type());
  grpc::Status early;
  if (!payload.ok()) {
    early = FromAbsl(payload.status());
  } else if (absl::Status s = Decode(codec, *payload, request.get()); !s.ok()) {
    early = FromAbsl(s);
  }
  Headers headers = exchange.common;
  headers.emplace_back("Content-Type", codec == Codec::kJson ? "application/connect+json"
                                                             : "application/connect+proto");
  headers.emplace_back("Cache-Control", "no-store");
  headers.emplace_back("X-Accel-Buffering", "no");  // nginx: pass each message on at once
  if (!exchange.response.Begin(200, headers)) return;
  if (early.ok() && open_streams_.fetch_add(1) >= options_.max_streams) {
    open_streams_.fetch_sub(1);
    early = Error(grpc::StatusCode::RESOURCE_EXHAUSTED,
                  absl::StrCat("this server already has ", options_.max_streams,
                               " streams open over HTTP, its limit (--http_max_streams); retry "
                               "later or poll ListChanges"));
  } else if (early.ok()) {
    const google::protobuf::Descriptor* output = method.descriptor->output_type();
    CallResult result =
        bridge_.ServerStream(method.path, request->SerializeAsString(), exchange.call,
                             options_.stream_idle_timeout, [&](const std::string& wire) {
                               absl::StatusOr<std::string> encoded = Transcode(codec, output, wire);
                               if (!encoded.ok()) return false;
                               return exchange.response.Write(Envelope(0, *encoded));
                             });
    open_streams_.fetch_sub(1);
    early = result.status;
  }
  exchange.response.Write(Envelope(kEnvelopeEndStream, EndStreamJson(early)));
  exchange.response.End();
}

}  // namespace healthcontent::http
