// healthcontent-server: flags only; everything else is in server/server.cc.
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "server/server.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "host:port to serve gRPC on (port 0 picks a free port, logged at start)");
ABSL_FLAG(std::string, db, "healthcontent.db",
          "SQLite database file; created and migrated when missing");
ABSL_FLAG(std::string, bootstrap_dir, "",
          "when --db does not exist yet, create it from this data directory (e.g. data/)");
ABSL_FLAG(std::string, auth_tokens_file, "",
          "file of '<role> <sha256-hex of token>' lines (roles reader, publisher, admin); "
          "without it every write is refused");
ABSL_FLAG(bool, require_auth_for_reads, false, "reads also need a reader (or higher) token");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain: serve TLS (with --tls_key); plaintext without it");
ABSL_FLAG(std::string, tls_key, "", "PEM private key for --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA bundle: require client certificates signed by it (mutual TLS)");
ABSL_FLAG(bool, reflection, true, "serve gRPC server reflection (for grpcurl / buf curl)");
ABSL_FLAG(absl::Duration, grace_period, absl::Seconds(10),
          "on SIGTERM/SIGINT, how long in-flight calls may finish before being cancelled");
ABSL_FLAG(int, review_interval, 3,
          "in years: a publish without next_review_date is due for review this long after "
          "its review date");
ABSL_FLAG(double, max_patient_reading_grade, 0,
          "refuse publishes of English patient-audience articles whose Flesch-Kincaid grade "
          "is above this (INVALID_ARGUMENT naming the figure and its counts); health-literacy "
          "guidance asks for 6-8. 0: no limit");
ABSL_FLAG(int, max_message_bytes, 4 << 20,
          "largest request or response message, in bytes (bigger: RESOURCE_EXHAUSTED)");
ABSL_FLAG(int, max_concurrent_streams, 100, "concurrent calls per HTTP/2 connection");
ABSL_FLAG(int64_t, resource_quota_bytes, 256 << 20,
          "memory gRPC may use for call buffers across all connections");
ABSL_FLAG(int, max_threads, 64, "most threads gRPC may run handlers on");
ABSL_FLAG(int, due_soon_window, 90,
          "in days: review_status is DUE_SOON this close to the next review date");
ABSL_FLAG(absl::Duration, schedule_check_interval, absl::Seconds(30),
          "how often to announce scheduled revisions whose review date has arrived");

ABSL_FLAG(int, max_watch_streams, 1000,
          "most WatchChanges streams open at once; more are refused with RESOURCE_EXHAUSTED");
ABSL_FLAG(int, max_watch_streams_per_client, 20,
          "most WatchChanges streams one client address may have open (behind a proxy, see "
          "--trusted_proxies)");
ABSL_FLAG(double, watch_replay_rate, 10000,
          "changes a second that all WatchChanges streams together may replay from the "
          "database when catching up on history (0: unlimited)");
ABSL_FLAG(std::string, trusted_proxies, "",
          "comma-separated addresses or CIDR ranges of reverse proxies (e.g. 127.0.0.1 for a "
          "local nginx) whose X-Forwarded-For names the client for per-client limits");
ABSL_FLAG(int64_t, response_cache_bytes, 64ll << 20,
          "bound of the cache of ready GetArticle, GetArticleRevision and ListArticles "
          "answers; any commit (or a replica's bundle swap) retires every entry; 0: no cache");
ABSL_FLAG(int64_t, memory_limit_bytes, 512ll << 20,
          "resident memory bound: at 90% of it new calls are refused with RESOURCE_EXHAUSTED "
          "until memory is back under 80%; 0: no bound");

ABSL_FLAG(bool, read_only, false,
          "run as a read replica: serve the newest valid content bundle in --bundle_dir "
          "(cut on the primary by `healthcontent bundle`) instead of --db; writes are refused");
ABSL_FLAG(std::string, bundle_dir, "",
          "with --read_only: the folder of bundles; a newer valid bundle is switched to "
          "atomically, a corrupt or half-copied one is refused and logged. On a primary: the "
          "folder its bundler cuts into; while the database is behind the newest bundle there "
          "(restored after a disk loss), writes are refused until `healthcontent recover`");
ABSL_FLAG(absl::Duration, bundle_poll_interval, absl::Seconds(2),
          "with --read_only: how often to look for a newer bundle (SIGHUP looks at once)");
ABSL_FLAG(std::string, primary, "",
          "with --read_only: the primary's address, named in the error a write gets here");

ABSL_FLAG(bool, search, true,
          "keep the search index and serve SearchArticles; false: no index (SearchArticles is "
          "UNAVAILABLE), e.g. for a replica that only serves reads by name");
ABSL_FLAG(std::string, search_index_dir, "",
          "the search index's directory (derived data, rebuilt from the database when "
          "missing or damaged); default: <--db>.search, or on a replica a temporary "
          "directory that is built from the first bundle at each start");
ABSL_FLAG(absl::Duration, search_commit_interval, absl::Milliseconds(100),
          "the search index takes the changes of a burst of publishes together, at most this "
          "often: searches lag publishes by up to this much more, and publishing costs the "
          "readers less CPU; 0: index after every commit");
ABSL_FLAG(std::string, http_listen, "",
          "host:port for the HTTP face: Connect (JSON or binary) for every RPC, GET "
          "/v1/articles/... resource reads with ETag and Cache-Control (port 0 picks a free "
          "port, logged at start); empty: no HTTP listener. Plaintext: terminate TLS in front");
ABSL_FLAG(std::vector<std::string>, http_cors_origins, {},
          "comma-separated browser origins allowed to call the HTTP face "
          "(e.g. https://portal.example), or * for any; empty: none");
ABSL_FLAG(int, http_threads, 64,
          "HTTP worker threads: connections served at once (idle keep-alive ones included)");
ABSL_FLAG(absl::Duration, http_io_timeout, absl::Seconds(30),
          "HTTP: a client slower than this to send its request or to take an answer is "
          "disconnected (slowloris)");
ABSL_FLAG(absl::Duration, http_max_age, absl::Seconds(60),
          "HTTP: how long caches may keep answers that can change (the article in force "
          "today, lists, search); never past the next midnight UTC");
ABSL_FLAG(std::string, article_url_template, "",
          "HTTP: where Infobutton (/infobutton/service) entries link, {slug} replaced by the "
          "article's id, e.g. https://portal.example/articles/{slug}; empty: this server's "
          "/v1/articles/{slug}");
ABSL_FLAG(int, http_max_streams, 32,
          "Connect streams (WatchChanges) open at once over HTTP; each holds a worker thread");

ABSL_FLAG(std::string, metrics_listen, "",
          "host:port to serve Prometheus metrics on, at /metrics (port 0 picks a free port, "
          "logged at start); empty: no metrics endpoint");
ABSL_FLAG(std::string, litestream_metrics, "",
          "primary: Litestream's metrics URL (its addr, e.g. http://127.0.0.1:9091/metrics), "
          "polled every 250 ms for how far its replica of --db is behind; reported as "
          "healthcontent_replication_up, _lag_seconds and _lag_bytes. Empty: not polled");
ABSL_FLAG(healthcontent::LogLevel, log_level, healthcontent::LogLevel::kInfo,
          "lowest level logged: debug, info, warn or error");
ABSL_FLAG(double, rpc_log_sample, 0.01,
          "fraction (0 to 1) of successful reads (Get*, List*, Search*, ...) that get an "
          "\"rpc\" log line; failed calls (at warn), writes, streams and health checks always "
          "do; 1 logs every call. /metrics counts every call either way");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Serves health-education articles over gRPC from a SQLite database.\n"
      "Primary:      healthcontent-server --listen=127.0.0.1:50051 --db=healthcontent.db "
      "--bootstrap_dir=data\n"
      "Read replica: healthcontent-server --listen=127.0.0.1:50061 --read_only "
      "--bundle_dir=bundles --primary=primary:50051");
  absl::ParseCommandLine(argc, argv);
  healthcontent::server::ServerOptions options;
  options.listen = absl::GetFlag(FLAGS_listen);
  options.db_path = absl::GetFlag(FLAGS_db);
  options.bootstrap_dir = absl::GetFlag(FLAGS_bootstrap_dir);
  options.auth_tokens_file = absl::GetFlag(FLAGS_auth_tokens_file);
  options.require_auth_for_reads = absl::GetFlag(FLAGS_require_auth_for_reads);
  options.tls_cert = absl::GetFlag(FLAGS_tls_cert);
  options.tls_key = absl::GetFlag(FLAGS_tls_key);
  options.tls_client_ca = absl::GetFlag(FLAGS_tls_client_ca);
  options.reflection = absl::GetFlag(FLAGS_reflection);
  options.grace_period = absl::GetFlag(FLAGS_grace_period);
  options.review_interval_years = absl::GetFlag(FLAGS_review_interval);
  options.max_patient_reading_grade = absl::GetFlag(FLAGS_max_patient_reading_grade);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  options.resource_quota_bytes = absl::GetFlag(FLAGS_resource_quota_bytes);
  options.max_threads = absl::GetFlag(FLAGS_max_threads);
  options.due_soon_days = absl::GetFlag(FLAGS_due_soon_window);
  options.schedule_check_interval = absl::GetFlag(FLAGS_schedule_check_interval);
  options.watch_limits.max_streams = absl::GetFlag(FLAGS_max_watch_streams);
  options.watch_limits.max_streams_per_client = absl::GetFlag(FLAGS_max_watch_streams_per_client);
  options.watch_limits.replay_rate = absl::GetFlag(FLAGS_watch_replay_rate);
  options.trusted_proxies = absl::GetFlag(FLAGS_trusted_proxies);
  options.memory_limit_bytes = absl::GetFlag(FLAGS_memory_limit_bytes);
  options.response_cache_bytes = absl::GetFlag(FLAGS_response_cache_bytes);
  options.read_only = absl::GetFlag(FLAGS_read_only);
  options.bundle_dir = absl::GetFlag(FLAGS_bundle_dir);
  options.search_index_dir = absl::GetFlag(FLAGS_search_index_dir);
  options.search = absl::GetFlag(FLAGS_search);
  options.search_commit_interval = absl::GetFlag(FLAGS_search_commit_interval);
  options.bundle_poll_interval = absl::GetFlag(FLAGS_bundle_poll_interval);
  options.primary = absl::GetFlag(FLAGS_primary);
  options.metrics_listen = absl::GetFlag(FLAGS_metrics_listen);
  options.litestream_metrics = absl::GetFlag(FLAGS_litestream_metrics);
  options.http_listen = absl::GetFlag(FLAGS_http_listen);
  options.http_cors_origins = absl::GetFlag(FLAGS_http_cors_origins);
  options.http_threads = absl::GetFlag(FLAGS_http_threads);
  options.http_max_streams = absl::GetFlag(FLAGS_http_max_streams);
  options.http_io_timeout = absl::GetFlag(FLAGS_http_io_timeout);
  options.http_max_age = absl::GetFlag(FLAGS_http_max_age);
  options.article_url_template = absl::GetFlag(FLAGS_article_url_template);
  options.log_level = absl::GetFlag(FLAGS_log_level);
  options.rpc_log_sample = absl::GetFlag(FLAGS_rpc_log_sample);
  const int exit_code = healthcontent::server::Server::Run(options);
  healthcontent::FlushLogs();
  return exit_code;
}
