// The healthcontent gRPC server: storage, services, health, reflection and
// graceful shutdown, assembled from ServerOptions.
#ifndef HEALTHCONTENT_SERVER_SERVER_H_
#define HEALTHCONTENT_SERVER_SERVER_H_

#include <grpcpp/channel.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "api/change_service.h"
#include "api/service_context.h"
#include "common/log.h"

namespace healthcontent::server {

struct ServerOptions {
  // host:port to listen on; port 0 picks a free one (see Server::port()).
  // Empty: no port, in-process channels only (tests).
  std::string listen = "127.0.0.1:50051";
  // SQLite database file; created and migrated when missing.
  std::string db_path = "healthcontent.db";
  // When the database file does not exist yet, load this data directory into
  // it before serving. Empty: start with an empty database.
  std::string bootstrap_dir;
  // Tokens file (`<role> <sha256-hex>` lines). Empty: no tokens, so every
  // write is refused.
  std::string auth_tokens_file;
  bool require_auth_for_reads = false;
  // TLS: PEM files of the server's certificate chain and private key. Both
  // or neither; without them the server speaks plaintext (h2c).
  std::string tls_cert;
  std::string tls_key;
  // mTLS: PEM of the CA that client certificates must chain to. Needs
  // tls_cert/tls_key; clients without a valid certificate are refused.
  std::string tls_client_ca;
  // Serve grpc.reflection so grpcurl / buf curl can discover the API.
  bool reflection = true;
  // How long SIGTERM/SIGINT waits for in-flight calls before cancelling them.
  absl::Duration grace_period = absl::Seconds(10);
  // Default next review date: review date + this many years.
  int review_interval_years = 3;
  // Refuse English patient-audience publishes above this Flesch-Kincaid
  // grade (0: no limit).
  double max_patient_reading_grade = 0;
  // Largest request or response message accepted, in bytes; a bigger
  // request is refused with RESOURCE_EXHAUSTED.
  int max_message_bytes = 4 << 20;
  // Concurrent calls one HTTP/2 connection may have open.
  int max_concurrent_streams = 100;
  // Memory gRPC may use for buffers across all connections, and the threads
  // it may run handlers on; beyond them calls queue or fail, never crash.
  int64_t resource_quota_bytes = 256 << 20;
  int max_threads = 64;
  // Review status is DUE_SOON this many days before the next review date.
  int due_soon_days = 90;
  // WatchChanges admission and replay (api/change_service.h): streams open
  // at once in all and per client address, and the changes a second all
  // streams together may replay from the database.
  api::WatchLimits watch_limits;
  // Comma-separated addresses and CIDR ranges of reverse proxies (nginx)
  // whose X-Forwarded-For names the client that per-client limits count
  // (common/client_address.h). Empty: the peer address is the client.
  std::string trusted_proxies;
  // Resident memory bound (server/memory_guard.h): at 90% of it new calls
  // are refused with RESOURCE_EXHAUSTED until RSS is under 80%. Zero or
  // less: no bound (freed memory is still returned to the OS).
  int64_t memory_limit_bytes = 512ll << 20;
  // The search index takes the changes of a burst of commits together, at
  // most this often (search/index_follower.h): searches lag publishes by up
  // to this much more, and each publish costs the readers less CPU.
  absl::Duration search_commit_interval = absl::Milliseconds(100);
  // Bound of the cache of ready GetArticle, GetArticleRevision and
  // ListArticles answers (api/response_cache.h); 0: no cache. It counts in
  // the resident memory above.
  int64_t response_cache_bytes = 64ll << 20;
  // How often to check whether scheduled revisions have come into force
  // (also checked at start). Zero: never (tests drive it themselves).
  absl::Duration schedule_check_interval = absl::Seconds(30);

  // Read replica: serve the newest valid content bundle in bundle_dir
  // (storage/bundle.h) read-only instead of db_path, and switch to newer
  // ones as they appear (polled every bundle_poll_interval, and on SIGHUP).
  // Writes are FAILED_PRECONDITION naming `primary` (when given).
  bool read_only = false;
  std::string bundle_dir;
  // The search index's directory. Empty: `<db_path>.search` on a primary;
  // on a replica a temporary directory, removed at exit (the index is
  // built from the first bundle at each start).
  std::string search_index_dir;
  // False: no search index is kept and SearchArticles is UNAVAILABLE.
  bool search = true;
  absl::Duration bundle_poll_interval = absl::Seconds(2);
  std::string primary;

  // The HTTP face (http/http_face.h): host:port for HTTP/1.1 (Connect,
  // resource GETs); port 0 picks a free one (see Server::http_port()).
  // Empty: no HTTP listener. Plaintext only: with tls_cert set, Start
  // refuses it (terminate TLS in front, see http/http_server.h).
  std::string http_listen;
  // Browser origins allowed by CORS ("*" for any); empty: none.
  std::vector<std::string> http_cors_origins;
  // HTTP worker threads (connections served at once) and, of those, how
  // many may hold a Connect stream.
  int http_threads = 64;
  int http_max_streams = 32;
  // A client slower than this to send its request or take an answer is
  // disconnected (slowloris).
  absl::Duration http_io_timeout = absl::Seconds(30);
  // Infobutton entries' links, "{slug}" replaced (http/http_face.h).
  std::string article_url_template;
  // Cache lifetime of HTTP answers that can change (http/http_face.h).
  absl::Duration http_max_age = absl::Seconds(60);

  // Observability. host:port to serve Prometheus metrics on, at /metrics;
  // port 0 picks a free one (see Server::metrics_port()). Empty: no HTTP
  // endpoint (the metrics are still kept).
  std::string metrics_listen;
  // Primary: Litestream's metrics endpoint (http://HOST:PORT/metrics, its
  // `addr`), polled for how far its replica of db_path is behind; reported as
  // healthcontent_replication_{up,lag_seconds,lag_bytes}. Empty: not polled.
  std::string litestream_metrics;
  // Log lines below this level are dropped (Server::Run applies it: the
  // level is process-wide).
  LogLevel log_level = LogLevel::kInfo;
  // The fraction, in [0, 1], of the successful anonymous reads that get an
  // "rpc" log line; every other call (failures, writes, streams, health) always
  // gets one. The metrics count every call either way.
  double rpc_log_sample = 0.01;
  // The clock the services serve by (what "today" is); empty: absl::Now.
  // Not a flag: tests inject one to move the day.
  std::function<absl::Time()> clock;
};

// Applies the transport limits of `options` to `builder`: message sizes,
// streams per connection, keepalive enforcement and the resource quota.
// The benchmark's bare "ceiling" server uses it too, so the two are compared
// on the same settings.
void ApplyTransportSettings(const ServerOptions& options, grpc::ServerBuilder* builder);

// Process-wide settings for serving; main() of the server (through Run) and
// of the benchmark's ceiling server call it, so both run on the same terms.
// It turns off Abseil's mutex deadlock detection: Debian builds Abseil
// without NDEBUG, which leaves the detector on, and it then records the lock
// order of every absl::Mutex acquisition (gRPC takes several per call) in a
// global graph. Tests keep the detector.
void ConfigureProcessForServing();

class Server {
 public:
  // Opens storage, loads the bootstrap directory when the database is new,
  // builds and starts the server, and marks it SERVING.
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options);

  // Blocks SIGTERM/SIGINT, starts, serves until one arrives, then shuts down
  // gracefully. Returns the process exit code (0 on a clean shutdown).
  static int Run(const ServerOptions& options);

  ~Server();

  // The bound port (useful with port 0); 0 when not listening.
  int port() const { return port_; }
  // The bound metrics port; 0 without --metrics_listen.
  int metrics_port() const;
  // The response cache (null with --response_cache_bytes=0): for tests and
  // diagnostics.
  const api::ResponseCache* response_cache() const;
  // The bound HTTP port; 0 without --http_listen.
  int http_port() const;
  // Brings the search index up to the data's newest change before
  // returning (it otherwise follows within moments). For tests and tools.
  absl::Status CatchUpSearchIndex();

  // A channel to this server that skips the network.
  std::shared_ptr<grpc::Channel> InProcessChannel();

  // Marks health NOT_SERVING, stops accepting calls, waits up to `grace` for
  // in-flight calls, then cancels the rest. Idempotent.
  void Shutdown(absl::Duration grace);

  // The change feed's service (tests read its stream counters).
  const api::ChangeService& change_service() const;

  // The services' shared context (tests read its data and clock).
  api::ServiceContext* services() { return &services_; }

  // Replica: switches to the newest valid bundle newer than the one served,
  // if there is one; true when it switched. Refused bundles (corrupt, half
  // copied) are logged once and never retried. Calls in flight finish on the
  // bundle they started with. Thread-safe; the watcher calls it.
  bool CheckBundles();
  // Replica: wakes the watcher to check for bundles now (SIGHUP).
  void RequestBundleCheck();
  // Replica: the directory name of the bundle served; empty before the first.
  std::string BundleName() const;

 private:
  Server() = default;
  void StartScheduler(absl::Duration interval);
  void SetServing(bool serving);
  // Starts the search index's follower (see ServerOptions::search_index_dir).
  absl::Status StartSearch(const ServerOptions& options);
  storage::ArticleStore::Options StoreOptions() const;

  struct Parts;
  std::unique_ptr<Parts> parts_;
  ServerOptions options_;
  api::ServiceContext services_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace healthcontent::server

#endif  // HEALTHCONTENT_SERVER_SERVER_H_
