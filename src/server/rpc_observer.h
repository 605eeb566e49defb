// Observes every call the gRPC server handles: the unary calls of the raw
// methods (the hot reads, RpcObserverOptions::raw_methods) from their
// handlers (api::UnaryObserver, called by api::Unary; cheaper than an
// interceptor, which costs an allocation and a batch of hooks per call),
// every other call (typed methods, streams, health, reflection, unknown
// methods) as a server interceptor. Either way:
//
//  - metrics: healthcontent_rpc_requests_total{method,code} (calls by final
//    status code: "OK", "NOT_FOUND", ...), healthcontent_rpc_duration_seconds
//    {method} (from the call's arrival to its status) and
//    healthcontent_rpc_in_flight (calls begun and not yet counted);
//  - one log line per call, at info for OK calls (of the reads, a sample,
//    see RpcObserverOptions::log_sample) and at warn for the others:
//      {"time":...,"level":"warn","msg":"rpc",
//       "method":"healthcontent.v1.ArticleService/GetArticle",
//       "resource":"articles/x","code":"NOT_FOUND","latency_ms":"0.412",
//       "peer":"ipv4:127.0.0.1:50412","request_id":"5f0c9a1e3b7d2468"}
//  - a request id: the client's `x-request-id` when it is 1-64 characters of
//    [A-Za-z0-9._-], else 16 random hex digits; it goes into the log line and
//    back to the client in the initial metadata as `x-request-id`. The raw
//    methods' OK calls that are not logged (sampled away) send none back
//    unless the client sent one: a generated id no log line carries would
//    lead nowhere, and a unique header per call is a cost HPACK cannot
//    compress. Intercepted calls always send one.
//
// `method` is "<package>.<Service>/<Method>", or "unknown" for every method
// the server does not have, so clients cannot make up label values (a
// CallbackGenericService registered on the server would count as unknown).
// `resource` is the request's string field `name`, else `parent`, cut to 200
// bytes; it is read only from the server's own methods (/healthcontent.*),
// whose requests are their generated messages, and from the raw methods
// named in the options, whose requests are grpc::ByteBuffer; other services
// (health, reflection) have none.
//
// Each call is counted and logged exactly once (streams included): when the
// server sends its status, or, if the call ends first (the client cancelled,
// the deadline passed), when it ends; a status sent after that is not
// counted. A call that ends so, or that the handler finishes as CANCELLED,
// counts as DEADLINE_EXCEEDED when its deadline is past or less than 50 ms
// away, else as CANCELLED. Of the client's metadata only x-request-id is
// read: tokens (`authorization`) never reach the log.
//
// Use:
//   ASSIGN_OR_RETURN(std::unique_ptr<RpcObserver> observer, RpcObserver::Create(options));
//   std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
//   creators.push_back(std::move(observer));
//   builder.experimental().SetInterceptorCreators(std::move(creators));
// The server owns the observer; options.metrics must outlive the server.
// Thread-safe.
#ifndef HEALTHCONTENT_SERVER_RPC_OBSERVER_H_
#define HEALTHCONTENT_SERVER_RPC_OBSERVER_H_

#include <grpcpp/support/server_interceptor.h>
#include <grpcpp/support/status.h>

#include <memory>
#include <set>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "api/unary_call.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "server/metrics.h"

namespace healthcontent::server {

struct RpcObserverOptions {
  // The fraction, in [0, 1], of the OK calls of `sampled_methods` that are
  // logged, picked at random: 0 logs none, 1 all. Every other call is always
  // logged: failed calls, and OK calls of the other methods (writes, streams,
  // health, reflection).
  double log_sample = 1.0;
  // Full names of the methods whose OK calls log_sample thins, e.g.
  // "/healthcontent.v1.ArticleService/GetArticle": the reads, which come in
  // tens of thousands a second, while the metrics count every one.
  std::set<std::string> sampled_methods;
  // Full names of the methods registered as raw callback methods, e.g.
  // "/healthcontent.v1.ArticleService/GetArticle": their requests reach the
  // observer as grpc::ByteBuffer, not as messages. Every raw method of the
  // server's own services must be listed (reading a ByteBuffer as a message
  // would be undefined behavior), and each must be in the generated
  // descriptor pool.
  std::set<std::string> raw_methods;
  // Where the metrics go; not owned. Null: logs and request ids only.
  Metrics* metrics = nullptr;
};

class RpcObserver final : public grpc::experimental::ServerInterceptorFactoryInterface,
                          public api::UnaryObserver {
 public:
  // InvalidArgument when log_sample is outside [0, 1] or a raw method is not
  // a method of the generated descriptor pool.
  static absl::StatusOr<std::unique_ptr<RpcObserver>> Create(RpcObserverOptions options);
  ~RpcObserver() override;

  // Called by gRPC as each call begins: null (no interceptor) for a unary
  // call of a raw method, whose handler calls Begin and End instead.
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

  // api::UnaryObserver.
  void Begin(grpc::CallbackServerContext& context, const char* method_path,
             api::CallFacts& facts) override;
  void End(grpc::CallbackServerContext& context, api::RequestRef request, api::CallFacts& facts,
           grpc::StatusCode code) override;

 private:
  class Call;
  struct Method;

  explicit RpcObserver(RpcObserverOptions options);
  // The method's metrics and how to read its request, made on its first call.
  Method* FindMethod(absl::string_view path);
  std::unique_ptr<Method> NewMethod(absl::string_view path) const;
  // Reads the request's resource (its `name` or `parent`) into `facts`.
  static void ReadResource(const Method& method, api::RequestRef request, api::CallFacts& facts);
  // Counts and logs a finished call once; `context` is null when it may be
  // gone (the call is then logged without its peer).
  void Finish(const grpc::ServerContextBase* context, const api::CallFacts& facts,
              grpc::StatusCode code);
  // Counts a finished call (Record) and returns its duration in seconds.
  // `code` becomes the one counted: CANCELLED turns DEADLINE_EXCEEDED when
  // the client ran out of time.
  double Count(const grpc::ServerContextBase* context, const api::CallFacts& facts,
               grpc::StatusCode& code);
  // Whether a call of `method` that ended with `code` gets a log line.
  bool ShouldLog(const Method& method, grpc::StatusCode code) const;
  // Writes a finished call's log line.
  void LogCall(const grpc::ServerContextBase* context, const Method& method,
               const api::CallFacts& facts, grpc::StatusCode code, double seconds) const;
  // Counts a finished call.
  void Record(const Method& method, grpc::StatusCode code, double seconds);
  // Whether to log an OK call of a sampled method.
  bool SampleOk() const;

  const double log_sample_;
  const std::set<std::string> raw_methods_;
  const std::set<std::string> sampled_methods_;
  // Null without metrics.
  prometheus::Family<prometheus::Counter>* requests_ = nullptr;
  prometheus::Family<prometheus::Histogram>* durations_ = nullptr;
  prometheus::Gauge* in_flight_ = nullptr;

  std::unique_ptr<Method> unknown_method_;
  // The raw and sampled methods, made at construction and never changed
  // after: found without a lock (the hot reads come through here twice a
  // call). Every other method is made on its first call, under the mutex.
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> known_methods_;
  absl::Mutex methods_mu_;
  absl::flat_hash_map<std::string, std::unique_ptr<Method>> methods_ ABSL_GUARDED_BY(methods_mu_);
  // Serializes creating the counter of a (method, code) pair.
  absl::Mutex counters_mu_;
};

}  // namespace healthcontent::server

#endif  // HEALTHCONTENT_SERVER_RPC_OBSERVER_H_
