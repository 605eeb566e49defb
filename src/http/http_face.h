// The HTTP face: what `--http_listen` serves, for portals and browsers that
// speak HTTP/1.1 and JSON. Every answer comes from the gRPC services over
// the in-process channel (http/grpc_bridge.h), so auth, validation, limits,
// metrics and logs are those of gRPC, and no handler exists twice.
//
// Routes:
//   POST /healthcontent.v1.<Service>/<Method>   Connect unary (application/json
//        or application/proto) or, for WatchChanges, a Connect server stream
//        (application/connect+json or +proto).
//   GET  /healthcontent.v1.<Service>/<Method>?encoding=json&message=...
//        Connect GET, for methods marked NO_SIDE_EFFECTS.
//   GET  /v1/...   resource-style reads from the protos' google.api.http
//        rules (http/rest_routes.h); query parameters set request fields.
//   GET  /infobutton/service?mainSearchCriteria.v.c=...   HL7 Infobutton
//        requests answered as MedlinePlus Connect does (http/infobutton.h),
//        through KnowledgeService.RetrieveKnowledge.
//   OPTIONS        CORS preflight, for the origins allowed by the options.
//
// Caching (GETs and HEADs of reads): every OK answer has an ETag (for an
// article its etag and the UTC day, "<etag>.<YYYY-MM-DD>", because the
// served form carries review_status and scheduled, computed for today; else
// a digest of the body) and If-None-Match gets 304. Nothing is fresh past
// the next UTC midnight, when scheduled revisions take effect and those
// fields change. A revision addressed by its review date may be kept until
// then (its stored content never changes), by shared caches only 5 minutes
// (`s-maxage=300`) so that a withdrawn article leaves them soon; everything
// else `max_age` (60 s). Answers are `private` when the request carried a
// token or reads need one; errors are `no-store`.
#ifndef HEALTHCONTENT_HTTP_HTTP_FACE_H_
#define HEALTHCONTENT_HTTP_HTTP_FACE_H_

#include <grpcpp/channel.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/client_address.h"
#include "http/grpc_bridge.h"
#include "http/http_server.h"
#include "http/methods.h"
#include "http/rest_routes.h"

namespace healthcontent::http {

struct HttpFaceOptions {
  // Origins allowed to call from a browser (CORS), exactly as browsers send
  // them ("https://portal.example"), or "*" for any. Empty: none.
  std::vector<std::string> cors_origins;
  // Proxies whose X-Forwarded-For names the client (see
  // common/client_address.h); the client travels to the services as
  // X-Forwarded-For from the in-process peer, which they trust.
  TrustedProxies trusted_proxies;
  // --require_auth_for_reads: every answer is `private`.
  bool reads_need_auth = false;
  // Connect streams (WatchChanges) open at once over HTTP; each holds a
  // worker thread, so keep it under the server's thread count. More are
  // refused with resource_exhausted.
  int max_streams = 32;
  // A stream with no message for this long ends with unavailable (a gone
  // HTTP/1.1 client is only noticed at a write; proxies such as nginx cut
  // idle connections after 60 s by default anyway).
  absl::Duration stream_idle_timeout = absl::Seconds(50);
  // How long answers that can change (the article in force today, lists,
  // search) may be cached; never past the next UTC midnight.
  absl::Duration max_age = absl::Seconds(60);
  // Infobutton entries link here, "{slug}" replaced by the article's id
  // (e.g. "https://portal.example/articles/{slug}"). Empty: this server's
  // own resource GET, http://<Host>/v1/articles/{slug}.
  std::string article_url_template;
  // Calls without Connect-Timeout-Ms get this deadline (streams: none).
  absl::Duration default_timeout = absl::Seconds(30);
  // The clock (for the next-midnight cap on max-age).
  std::function<absl::Time()> now = [] { return absl::Now(); };
};

class HttpFace {
 public:
  HttpFace(std::shared_ptr<grpc::Channel> channel, HttpFaceOptions options);

  // Answers one request (the HttpServer's handler). Thread-safe.
  void Handle(const HttpRequest& request, HttpResponse& response);

  const RestRoutes& routes() const { return routes_; }

 private:
  struct Exchange;
  void ConnectUnary(Exchange& exchange, const Method& method, Codec codec,
                    const std::string& body_bytes, bool is_get);
  void ConnectStream(Exchange& exchange, const Method& method, Codec codec);
  void ConnectPost(Exchange& exchange, const Method& method);
  void ConnectGet(Exchange& exchange, const Method& method);
  void Rest(Exchange& exchange, const Method& method, const Bindings& bindings);
  void Preflight(Exchange& exchange);
  // The call's deadline from Connect-Timeout-Ms, else default_timeout
  // (streams: none). InvalidArgument for a malformed header.
  grpc::Status SetDeadline(Exchange& exchange, bool streaming) const;
  void Infobutton(Exchange& exchange);
  // Runs a unary call of `method` with `request` and answers it in `codec`
  // (with the GET caching rules when `is_get`).
  void AnswerUnary(Exchange& exchange, const Method& method,
                   const google::protobuf::Message& request, Codec codec, bool is_get);
  void SendError(Exchange& exchange, const grpc::Status& status);
  bool OriginAllowed(const std::string& origin) const;

  GrpcBridge bridge_;
  const HttpFaceOptions options_;
  const MethodTable methods_;
  const RestRoutes routes_;
  std::atomic<int> open_streams_{0};
};

}  // namespace healthcontent::http

#endif  // HEALTHCONTENT_HTTP_HTTP_FACE_H_
