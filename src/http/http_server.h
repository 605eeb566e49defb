// An HTTP/1.1 listener on civetweb (Debian's libcivetweb, already linked for
// the metrics endpoint): a fixed pool of worker threads, each serving one
// connection at a time, with socket timeouts against slow clients, bounded
// headers and bodies, and chunked responses for streams. Everything
// civetweb-specific stays in this file; handlers see HttpRequest and
// HttpResponse.
//
// Why civetweb: it has the knobs an exposed listener needs (thread count,
// accept queue, request and keep-alive timeouts, header size) and chunked
// writes, and it is already in the process; cpp-httplib 0.11 fixes its
// limits at build time and has no whole-request deadline, and Boost.Beast
// would mean writing the server loop ourselves.
//
// Plaintext only: Debian 12's civetweb 1.15 loads OpenSSL by name at run
// time and crashes its worker on the first TLS handshake with OpenSSL 3, so
// TLS for HTTP is terminated in front (deploy/nginx/http_face.conf.template).
#ifndef HEALTHCONTENT_HTTP_HTTP_SERVER_H_
#define HEALTHCONTENT_HTTP_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

struct mg_context;
struct mg_connection;

namespace healthcontent::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  // The path, percent-decoded, without the query.
  std::string path;
  // The raw query string (after '?'), empty when none.
  std::string query;
  // The peer's IP address.
  std::string remote_address;
  // Header names in lower case, in arrival order.
  Headers headers;
  std::string body;
  // The body was longer than the server's max_body_bytes; `body` holds none
  // of it, and the connection is closed after the answer.
  bool body_too_large = false;
  // The body ended before its Content-Length, or reading it timed out:
  // `body` is partial and must not be acted on.
  bool body_incomplete = false;
  // A HEAD request: routed as GET, answered without the body.
  bool head = false;

  // The first header called `name` (lower case), or nullptr.
  const std::string* Header(absl::string_view name) const;
  // Every header line called `name`, joined with ", " in arrival order (as
  // RFC 9110 combines repeated fields); "" when there is none.
  std::string JoinedHeader(absl::string_view name) const;
};

// The answer to one request: either one Send, or Begin, Writes and End for
// a streamed (chunked) body.
class HttpResponse {
 public:
  virtual ~HttpResponse() = default;
  virtual void Send(int status, const Headers& headers, absl::string_view body) = 0;
  // False once the client is gone (then stop writing).
  virtual bool Begin(int status, const Headers& headers) = 0;
  virtual bool Write(absl::string_view chunk) = 0;
  virtual void End() = 0;
};

using HttpHandler = std::function<void(const HttpRequest&, HttpResponse&)>;

struct HttpServerOptions {
  // host:port; port 0 picks a free one (HttpServer::port()).
  std::string listen;
  // Worker threads: connections served at once (an open stream holds one).
  int threads = 64;
  // Accepted connections waiting for a worker beyond that.
  int accept_queue = 256;
  // Socket read/write timeout: a client that sends its request, or takes
  // an answer, slower than this is disconnected (slowloris).
  absl::Duration io_timeout = absl::Seconds(30);
  // An idle keep-alive connection is closed after this.
  absl::Duration keep_alive_timeout = absl::Seconds(10);
  // Request line plus headers, in bytes.
  int max_header_bytes = 16 << 10;
  // Request body, in bytes.
  int64_t max_body_bytes = 4 << 20;
};

class HttpServer {
 public:
  // Starts listening and serving `handler` on the worker threads.
  // InvalidArgument or Unavailable (the port is taken) naming the problem.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                           HttpHandler handler);
  // Stops accepting, closes connections and joins the workers.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }

 private:
  HttpServer(HttpServerOptions options, HttpHandler handler)
      : options_(std::move(options)), handler_(std::move(handler)) {}
  static int Dispatch(struct mg_connection* connection, void* self);

  const HttpServerOptions options_;
  const HttpHandler handler_;
  mg_context* context_ = nullptr;
  int port_ = 0;
};

}  // namespace healthcontent::http

#endif  // HEALTHCONTENT_HTTP_HTTP_SERVER_H_
