#include "http/http_server.h"

#include <civetweb.h>

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "nlohmann/json.hpp"

namespace healthcontent::http {
namespace {

// civetweb's own diagnostics go to our log, at debug level (they are about
// single connections: a client that timed out, a malformed request line).
int LogCivetweb(const struct mg_connection*, const char* message) {
  LogDebug("http: civetweb", {{"detail", message}});
  return 1;
}

// Errors civetweb answers itself (a malformed or oversized request head,
// before any handler runs) get the same JSON error body as ours.
int CivetwebError(struct mg_connection* connection, int status, const char* message) {
  std::string text = message != nullptr ? message : "";
  if (status == 400 || status == 413 || status == 431) {
    text = "the request line and headers are malformed or larger than the server accepts (16 KiB)";
  }
  nlohmann::json body = {{"code", status == 413 || status == 431 ? "resource_exhausted"
                                  : status < 500                 ? "invalid_argument"
                                                                 : "internal"},
                         {"message", text}};
  const std::string json = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  mg_response_header_start(connection, status);
  mg_response_header_add(connection, "Content-Type", "application/json", -1);
  mg_response_header_add(connection, "Cache-Control", "no-store", -1);
  const std::string length = absl::StrCat(json.size());
  mg_response_header_add(connection, "Content-Length", length.c_str(), -1);
  mg_response_header_send(connection);
  mg_write(connection, json.data(), json.size());
  return 0;
}

class CivetResponse : public HttpResponse {
 public:
  CivetResponse(mg_connection* connection, bool head) : connection_(connection), head_(head) {}

  void Send(int status, const Headers& headers, absl::string_view body) override {
    StartHeaders(status, headers);
    // No Content-Length on 204 and 304 (RFC 9110 8.6).
    if (status != 204 && status != 304) {
      const std::string length = absl::StrCat(body.size());
      mg_response_header_add(connection_, "Content-Length", length.c_str(), -1);
    }
    mg_response_header_send(connection_);
    if (!body.empty() && !head_) mg_write(connection_, body.data(), body.size());
    status_ = status;
  }
  bool Begin(int status, const Headers& headers) override {
    StartHeaders(status, headers);
    mg_response_header_add(connection_, "Transfer-Encoding", "chunked", -1);
    status_ = status;
    return mg_response_header_send(connection_) == 0 && !head_;
  }
  bool Write(absl::string_view chunk) override {
    if (chunk.empty() || head_) return !head_;  // an empty chunk would end the body
    if (mg_send_chunk(connection_, chunk.data(), static_cast<unsigned>(chunk.size())) > 0) {
      return true;
    }
    mg_disable_keep_alive(connection_);  // a half-written chunk: the connection is done
    return false;
  }
  void End() override {
    if (!head_) mg_send_chunk(connection_, "", 0);
  }

  int status() const { return status_; }

 private:
  void StartHeaders(int status, const Headers& headers) {
    mg_response_header_start(connection_, status);
    for (const auto& [name, value] : headers) {
      mg_response_header_add(connection_, name.c_str(), value.c_str(),
                             static_cast<int>(value.size()));
    }
  }
  mg_connection* connection_;
  const bool head_;
  int status_ = 0;
};

}  // namespace

const std::string* HttpRequest::Header(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::string HttpRequest::JoinedHeader(absl::string_view name) const {
  std::string joined;
  for (const auto& [key, value] : headers) {
    if (key != name) continue;
    if (!joined.empty()) joined += ", ";
    joined += value;
  }
  return joined;
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options,
                                                              HttpHandler handler) {
  if (options.listen.empty()) return absl::InvalidArgumentError("--http_listen: empty");
  if (options.threads < 1) return absl::InvalidArgumentError("--http_threads: must be at least 1");
  std::unique_ptr<HttpServer> server(new HttpServer(options, std::move(handler)));
  mg_init_library(0);
  const std::string ports = options.listen;
  const std::string threads = absl::StrCat(options.threads);
  const std::string queue = absl::StrCat(options.accept_queue);
  const std::string io_ms = absl::StrCat(absl::ToInt64Milliseconds(options.io_timeout));
  const std::string keep_alive_ms =
      absl::StrCat(absl::ToInt64Milliseconds(options.keep_alive_timeout));
  const std::string header_bytes = absl::StrCat(options.max_header_bytes);
  std::vector<const char*> config = {
      "listening_ports",
      ports.c_str(),
      "num_threads",
      threads.c_str(),
      "connection_queue",
      queue.c_str(),
      "request_timeout_ms",
      io_ms.c_str(),
      "enable_keep_alive",
      "yes",
      "keep_alive_timeout_ms",
      keep_alive_ms.c_str(),
      "max_request_size",
      header_bytes.c_str(),
      "decode_url",
      "yes",
      // Headers and body go out in separate writes: without this, Nagle's
      // algorithm and the client's delayed ACK add 40 ms to every answer.
      "tcp_nodelay",
      "1",
      // CORS is the face's (per --http_cors_origins), not civetweb's "*".
      "access_control_allow_origin",
      "",
  };
  config.push_back(nullptr);

  mg_callbacks callbacks;
  std::memset(&callbacks, 0, sizeof(callbacks));
  callbacks.log_message = LogCivetweb;
  callbacks.http_error = CivetwebError;
  char error_text[256] = {0};
  mg_init_data init;
  std::memset(&init, 0, sizeof(init));
  init.callbacks = &callbacks;
  init.user_data = server.get();
  init.configuration_options = config.data();
  mg_error_data error;
  std::memset(&error, 0, sizeof(error));
  error.text = error_text;
  error.text_buffer_size = sizeof(error_text);
  server->context_ = mg_start2(&init, &error);
  if (server->context_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("--http_listen ", options.listen, ": cannot serve HTTP: ", error_text));
  }
  mg_set_request_handler(server->context_, "/", &HttpServer::Dispatch, server.get());
  mg_server_port bound[4];
  const int n = mg_get_server_ports(server->context_, 4, bound);
  if (n > 0) server->port_ = bound[0].port;
  return server;
}

HttpServer::~HttpServer() {
  if (context_ != nullptr) mg_stop(context_);
}

int HttpServer::Dispatch(struct mg_connection* connection, void* self_pointer) {
  const HttpServer* self = static_cast<const HttpServer*>(self_pointer);
  const mg_request_info* info = mg_get_request_info(connection);
  HttpRequest request;
  request.method = info->request_method != nullptr ? info->request_method : "";
  if (request.method == "HEAD") {
    request.method = "GET";
    request.head = true;
  }
  request.path = info->local_uri_raw != nullptr ? info->local_uri_raw : "";
  request.query = info->query_string != nullptr ? info->query_string : "";
  request.remote_address = info->remote_addr;
  for (int i = 0; i < info->num_headers; ++i) {
    request.headers.emplace_back(absl::AsciiStrToLower(info->http_headers[i].name),
                                 info->http_headers[i].value);
  }
  // The body, up to the limit.
  const int64_t limit = self->options_.max_body_bytes;
  if (info->content_length > limit) {
    request.body_too_large = true;
  } else {
    char buffer[16 << 10];
    while (true) {
      const int n = mg_read(connection, buffer, sizeof(buffer));
      if (n < 0) request.body_incomplete = true;  // a read error or timeout
      if (n <= 0) break;
      if (static_cast<int64_t>(request.body.size()) + n > limit) {
        request.body_too_large = true;
        request.body.clear();
        break;
      }
      request.body.append(buffer, static_cast<size_t>(n));
    }
  }
  if (!request.body_too_large && info->content_length >= 0 &&
      static_cast<int64_t>(request.body.size()) != info->content_length) {
    request.body_incomplete = true;  // the client closed before sending it all
  }
  if (request.body_too_large || request.body_incomplete) mg_disable_keep_alive(connection);
  CivetResponse response(connection, request.head);
  self->handler_(request, response);
  return response.status() == 0 ? 500 : response.status();
}

}  // namespace healthcontent::http
