#include "server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "api/article_service.h"
#include "api/auth.h"
#include "api/change_service.h"
#include "api/knowledge_service.h"
#include "api/reference_service.h"
#include "api/response_cache.h"
#include "api/serving_state.h"
#include "api/therapy_type_service.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "google/rpc/error_details.pb.h"
#include "grpc/health/v1/health.pb.h"
#include "http/http_face.h"
#include "http/http_server.h"
#include "importers/data_dir.h"
#include "importers/interchange.h"
#include "search/index_follower.h"
#include "server/bundle_watcher.h"
#include "server/credentials.h"
#include "server/gauges.h"
#include "server/memory_guard.h"
#include "server/metrics.h"
#include "server/periodic_thread.h"
#include "server/replication_monitor.h"
#include "server/rpc_observer.h"
#include "storage/bundle.h"
#include "storage/dataset.h"
#include "storage/recovery.h"
#include "storage/storage.h"

namespace healthcontent::server {

// Everything the services borrow, owned here and destroyed after the server.
struct Server::Parts {
  // The data served, its change announcements and the clock; first, so it
  // outlives every part that borrows it.
  std::unique_ptr<api::ServingState> serving;
  // A primary's one dataset; on a replica, null (the serving state holds
  // the current bundle's).
  std::shared_ptr<storage::Dataset> primary_data;
  // Keeps the search index in step with the data served.
  std::unique_ptr<search::IndexFollower> search;
  // A replica's search index directory when --search_index_dir is not
  // given: made at start, removed at the end.
  std::string temporary_search_dir;
  // Set once health can be reported (the gRPC server is built).
  std::atomic<bool> health_ready{false};
  std::unique_ptr<MemoryGuard> memory_guard;
  std::unique_ptr<api::ResponseCache> response_cache;
  std::unique_ptr<api::Authorizer> authorizer;
  std::unique_ptr<api::ArticleService> article_service;
  std::unique_ptr<api::TherapyTypeService> therapy_type_service;
  std::unique_ptr<api::KnowledgeService> knowledge_service;
  std::unique_ptr<api::ReferenceService> reference_service;
  std::unique_ptr<api::ChangeService> change_service;

  // Primary: applies scheduled revisions on their day (the services also
  // catch up on a read; this announces them to the change feed).
  std::unique_ptr<PeriodicThread> scheduler;
  // Replica: serves the newest valid bundle, switching to newer ones.
  std::unique_ptr<BundleWatcher> bundles;

  // Primary with --litestream_metrics: how far Litestream's replica is behind.
  std::unique_ptr<ReplicationMonitor> replication;

  // The HTTP face and its listener (stopped in Shutdown, before the gRPC
  // server it calls).
  std::unique_ptr<http::HttpFace> http_face;
  std::unique_ptr<http::HttpServer> http_server;

  // Last, so destroyed first of the parts: its HTTP server stops before
  // anything a gauge callback reads goes away. The gRPC server (and with it
  // the RpcObserver that counts into it) is gone before any part.
  std::unique_ptr<Metrics> metrics;
};

namespace {

// The health service name that is SERVING while SearchArticles can answer
// (the search index exists; it is built at the first start).
constexpr char kSearchHealthName[] = "healthcontent.search";

const char* const kServiceNames[] = {
    "healthcontent.v1.ArticleService",   "healthcontent.v1.TherapyTypeService",
    "healthcontent.v1.KnowledgeService", "healthcontent.v1.ReferenceService",
    "healthcontent.v1.ChangeService",
};

// Reflection serves descriptors from the generated pool, which holds only the
// protos linked into the binary. Touching these keeps the health messages
// (so grpc.health.v1.Health can be described) and google.rpc.BadRequest (so
// clients can decode error details) from being dropped by the linker.
void LinkDescriptorsForReflection() {
  grpc::health::v1::HealthCheckRequest::descriptor();
  google::rpc::BadRequest::descriptor();
}

// Linking grpc++_reflection registers its plugin for every server; this
// option takes it out again for --reflection=false.
class WithoutReflection : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->erase(std::remove_if(plugins->begin(), plugins->end(),
                                  [](const auto& plugin) {
                                    return plugin->name() == "proto_server_reflection";
                                  }),
                   plugins->end());
  }
};

}  // namespace

void ConfigureProcessForServing() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

void ApplyTransportSettings(const ServerOptions& options, grpc::ServerBuilder* builder) {
  builder->SetMaxReceiveMessageSize(options.max_message_bytes);
  builder->SetMaxSendMessageSize(options.max_message_bytes);
  builder->AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options.max_concurrent_streams);
  // Keepalive enforcement: clients may ping at most every 10 s without data
  // (more is a ping strike; two strikes close the connection), and the
  // server pings idle connections every 60 s to find dead peers.
  builder->AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  builder->AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60000);
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  grpc::ResourceQuota quota("healthcontent");
  quota.Resize(static_cast<size_t>(options.resource_quota_bytes));
  quota.SetMaxThreads(options.max_threads);
  builder->SetResourceQuota(quota);
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options) {
  if (!options.http_listen.empty() && options.http_max_streams >= options.http_threads) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--http_max_streams (", options.http_max_streams, ") must be less than --http_threads (",
        options.http_threads, "): each stream holds a worker, and calls need some left"));
  }
  if (!options.http_listen.empty() && !options.tls_cert.empty()) {
    return absl::InvalidArgumentError(
        "--http_listen with --tls_cert: the HTTP face serves plaintext only (Debian's "
        "civetweb cannot do TLS with OpenSSL 3); terminate TLS in front of it, e.g. with "
        "deploy/nginx/http_face.conf.template and nginx's `listen 443 ssl`");
  }
  // Checked before anything is opened: bad flags change nothing.
  if (options.search_commit_interval < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--search_commit_interval must be 0 or more, not ",
                     absl::FormatDuration(options.search_commit_interval)));
  }
  if (options.response_cache_bytes < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--response_cache_bytes must be 0 (no cache) or more, not ", options.response_cache_bytes));
  }
  std::unique_ptr<Server> server(new Server());
  server->parts_ = std::make_unique<Parts>();
  server->options_ = options;
  Parts& p = *server->parts_;
  p.serving = std::make_unique<api::ServingState>(options.clock);
  server->services_.serving = p.serving.get();
  ASSIGN_OR_RETURN(p.metrics, Metrics::Create(options.metrics_listen));

  if (options.read_only) {
    if (options.bundle_dir.empty()) {
      return absl::InvalidArgumentError("--read_only needs --bundle_dir: the bundles to serve");
    }
    if (!options.bootstrap_dir.empty()) {
      return absl::InvalidArgumentError(
          "--bootstrap_dir cannot be used with --read_only: a replica serves bundles");
    }
    if (!options.litestream_metrics.empty()) {
      return absl::InvalidArgumentError(
          "--litestream_metrics cannot be used with --read_only: a replica's database is a "
          "bundle, not replicated by Litestream");
    }
    std::error_code ec;
    if (!std::filesystem::is_directory(options.bundle_dir, ec)) {
      return absl::NotFoundError(
          absl::StrCat("--bundle_dir ", options.bundle_dir, " is not a directory"));
    }
  } else {
    if (!options.litestream_metrics.empty()) {
      // Before the database is opened: a bad URL changes nothing.
      ASSIGN_OR_RETURN(p.replication, StartReplicationMonitor(options.litestream_metrics,
                                                              options.db_path, p.metrics.get()));
    }
    std::error_code ec;
    const bool is_new = !std::filesystem::exists(options.db_path, ec);
    ASSIGN_OR_RETURN(p.primary_data,
                     storage::Dataset::Open(options.db_path, {}, server->StoreOptions()));
    if (is_new && !options.bootstrap_dir.empty()) {
      absl::StatusOr<importers::DataDirSummary> loaded =
          importers::LoadDataDir(options.bootstrap_dir, p.primary_data->therapy_types.get(),
                                 p.primary_data->articles.get(), absl::Now());
      if (!loaded.ok()) {
        // Leave no half-filled database behind: the next start bootstraps again.
        p.primary_data.reset();
        for (const char* suffix : {"", "-wal", "-shm"}) {
          std::filesystem::remove(options.db_path + suffix, ec);
        }
        return absl::Status(loaded.status().code(),
                            absl::StrCat("bootstrapping from ", options.bootstrap_dir, ": ",
                                         loaded.status().message()));
      }
      LogInfo("created database from data directory",
              {{"db", options.db_path},
               {"dir", options.bootstrap_dir},
               {"therapy_types", absl::StrCat(loaded->therapy_types)},
               {"revisions", absl::StrCat(loaded->revisions)}});
    }
    if (!options.bundle_dir.empty()) {
      // A database restored from behind the bundles replicas serve must not
      // hand out their sequence numbers again: reads only, until recovered.
      absl::Status behind =
          storage::CheckNotBehindBundles(p.primary_data->storage.get(), options.bundle_dir);
      if (!behind.ok()) {
        LogError("database is behind the newest bundle", {{"error", behind.ToString()}});
        p.primary_data->storage->RefuseWrites(std::move(behind));
      }
    }
    p.serving->ServePrimary(p.primary_data);
  }
  ASSIGN_OR_RETURN(auto tokens, LoadTokens(options.auth_tokens_file));
  absl::StatusOr<TrustedProxies> proxies = TrustedProxies::Parse(options.trusted_proxies);
  if (!proxies.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--trusted_proxies: ", proxies.status().message()));
  }
  server->services_.trusted_proxies = *std::move(proxies);
  if (options.watch_limits.max_streams < 1 || options.watch_limits.max_streams_per_client < 1) {
    return absl::InvalidArgumentError(
        "--max_watch_streams and --max_watch_streams_per_client must be at least 1");
  }
  ASSIGN_OR_RETURN(auto credentials,
                   MakeCredentials({options.tls_cert, options.tls_key, options.tls_client_ca}));
  p.authorizer =
      std::make_unique<api::Authorizer>(std::move(tokens), options.require_auth_for_reads);

  server->services_.authorizer = p.authorizer.get();
  server->services_.max_response_bytes = options.max_message_bytes;
  p.response_cache = MakeResponseCache(options.response_cache_bytes, p.metrics.get());
  server->services_.response_cache = p.response_cache.get();
  server->services_.due_soon_days = options.due_soon_days;
  server->services_.read_only = options.read_only;
  server->services_.primary = options.primary;
  p.article_service = std::make_unique<api::ArticleService>(&server->services_);
  p.therapy_type_service = std::make_unique<api::TherapyTypeService>(&server->services_);
  p.knowledge_service = std::make_unique<api::KnowledgeService>(&server->services_);
  p.reference_service = std::make_unique<api::ReferenceService>(&server->services_);
  prometheus::Counter* refused_by_server = &p.metrics->Counter(
      "healthcontent_watch_streams_refused_server_total",
      "WatchChanges streams refused because the server had --max_watch_streams open.");
  prometheus::Counter* refused_by_client = &p.metrics->Counter(
      "healthcontent_watch_streams_refused_client_total",
      "WatchChanges streams refused because their client had --max_watch_streams_per_client "
      "open.");
  p.change_service = std::make_unique<api::ChangeService>(
      &server->services_, options.watch_limits,
      [refused_by_server, refused_by_client](const char* reason) {
        (std::string_view(reason) == "server" ? refused_by_server : refused_by_client)->Increment();
      });
  p.metrics->AddGaugeCallback(
      "healthcontent_watch_streams_open", "WatchChanges streams open now.",
      [changes = p.change_service.get()] { return changes->open_streams(); });
  p.metrics->AddGaugeCallback(
      "healthcontent_watch_replayed_changes",
      "Changes WatchChanges streams have replayed from the database (history older than the "
      "in-memory tail), under the --watch_replay_rate budget; a counter.",
      [changes = p.change_service.get()] { return static_cast<double>(changes->replayed()); });
  MemoryGuard::Options guard_options;
  guard_options.limit_bytes = options.memory_limit_bytes;
  p.memory_guard = std::make_unique<MemoryGuard>(guard_options);
  server->services_.overloaded = &p.memory_guard->overloaded();
  p.metrics->AddGaugeCallback(
      "healthcontent_resident_memory_bytes",
      "Resident memory (RSS) at the memory guard's last sample.",
      [guard = p.memory_guard.get()] { return static_cast<double>(guard->rss_bytes()); });
  p.metrics->AddGaugeCallback(
      "healthcontent_memory_shedding",
      "1 while the server refuses new calls for being over --memory_limit_bytes, else 0.",
      [guard = p.memory_guard.get()] { return guard->overloaded().load() ? 1.0 : 0.0; });
  p.metrics->AddGaugeCallback(
      "healthcontent_memory_trims",
      "Times freed memory was returned to the OS (malloc_trim); a counter.",
      [guard = p.memory_guard.get()] { return static_cast<double>(guard->trims()); });
  RETURN_IF_ERROR(server->StartSearch(options));
  if (p.primary_data == nullptr) {
    // A replica serves the newest valid bundle there is now, if any; until
    // one arrives, health says NOT_SERVING and calls UNAVAILABLE.
    Server* s = server.get();
    p.bundles = std::make_unique<BundleWatcher>(options.bundle_dir, server->StoreOptions(),
                                                p.serving.get(), p.metrics.get(), [s] {
                                                  if (s->server_ != nullptr) s->SetServing(true);
                                                });
    p.bundles->CheckNow();
  }

  RegisterDataGauges(p.metrics.get(), &server->services_);

  RpcObserverOptions observer_options;
  observer_options.log_sample = options.rpc_log_sample;
  // The raw methods of api::ArticleService (see ArticleServiceBase).
  observer_options.raw_methods = api::ArticleService::RawMethodNames();
  // The anonymous reads: --rpc_log_sample thins their OK lines. Writes,
  // streams, health and failures are always logged; a read missing here is
  // logged every time, never lost.
  observer_options.sampled_methods = {
      "/healthcontent.v1.ArticleService/GetArticle",
      "/healthcontent.v1.ArticleService/GetArticleRevision",
      "/healthcontent.v1.ArticleService/ListArticles",
      "/healthcontent.v1.ArticleService/SearchArticles",
      "/healthcontent.v1.ArticleService/ListArticleRevisions",
      "/healthcontent.v1.ArticleService/DiffArticleRevisions",
      "/healthcontent.v1.ChangeService/ListChanges",
      "/healthcontent.v1.KnowledgeService/RetrieveKnowledge",
      "/healthcontent.v1.KnowledgeService/ListArticleCodings",
      "/healthcontent.v1.ReferenceService/GetReference",
      "/healthcontent.v1.ReferenceService/ListReferences",
      "/healthcontent.v1.TherapyTypeService/GetTherapyType",
      "/healthcontent.v1.TherapyTypeService/ListTherapyTypes",
  };
  observer_options.metrics = p.metrics.get();
  ASSIGN_OR_RETURN(std::unique_ptr<RpcObserver> observer,
                   RpcObserver::Create(std::move(observer_options)));
  // Our unary calls are observed by their handlers, the rest by the
  // interceptor; gRPC owns the observer and keeps it until the server is gone.
  server->services_.observer = observer.get();

  LinkDescriptorsForReflection();
  grpc::EnableDefaultHealthCheckService(true);
  if (options.reflection) grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  if (!options.reflection) builder.SetOption(std::make_unique<WithoutReflection>());
  if (!options.listen.empty()) {
    builder.AddListeningPort(options.listen, credentials, &server->port_);
  }
  ApplyTransportSettings(options, &builder);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::move(observer));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.RegisterService(p.article_service.get());
  builder.RegisterService(p.therapy_type_service.get());
  builder.RegisterService(p.knowledge_service.get());
  builder.RegisterService(p.reference_service.get());
  builder.RegisterService(p.change_service.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || (!options.listen.empty() && server->port_ == 0)) {
    return absl::UnavailableError(
        absl::StrCat("could not listen on ", options.listen,
                     " (address in use or not valid? try --listen=127.0.0.1:0)"));
  }
  if (!options.http_listen.empty()) {
    http::HttpFaceOptions face;
    face.cors_origins = options.http_cors_origins;
    face.trusted_proxies = server->services_.trusted_proxies;
    face.reads_need_auth = options.require_auth_for_reads;
    face.max_streams = options.http_max_streams;
    face.max_age = options.http_max_age;
    face.article_url_template = options.article_url_template;
    grpc::ChannelArguments channel_args;
    channel_args.SetMaxReceiveMessageSize(options.max_message_bytes);
    channel_args.SetMaxSendMessageSize(options.max_message_bytes);
    p.http_face = std::make_unique<http::HttpFace>(server->server_->InProcessChannel(channel_args),
                                                   std::move(face));
    http::HttpServerOptions listener;
    listener.listen = options.http_listen;
    listener.threads = options.http_threads;
    listener.io_timeout = options.http_io_timeout;
    listener.max_body_bytes = options.max_message_bytes;
    http::HttpFace* handler = p.http_face.get();
    ASSIGN_OR_RETURN(p.http_server,
                     http::HttpServer::Start(listener, [handler](const http::HttpRequest& request,
                                                                 http::HttpResponse& response) {
                       handler->Handle(request, response);
                     }));
  }
  p.health_ready = true;
  server->SetServing(server->services_.data() != nullptr);
  if (options.read_only) {
    p.bundles->Start(options.bundle_poll_interval);
  } else if (options.schedule_check_interval > absl::ZeroDuration()) {
    server->StartScheduler(options.schedule_check_interval);
  }
  return server;
}

absl::Status Server::StartSearch(const ServerOptions& options) {
  Parts& p = *parts_;
  if (!options.search) return absl::OkStatus();
  search::IndexFollower::Options follower;
  follower.directory = options.search_index_dir;
  follower.min_step_interval = options.search_commit_interval;
  if (follower.directory.empty() && !options.read_only) {
    follower.directory = options.db_path + ".search";
  } else if (follower.directory.empty()) {
    // A replica builds its index from the bundle it serves; without a
    // directory of its own it keeps it in a temporary one.
    std::string pattern =
        (std::filesystem::temp_directory_path() / "healthcontent-search-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return absl::InternalError(absl::StrCat("cannot create a temporary search index directory (",
                                              std::strerror(errno), "); set --search_index_dir"));
    }
    follower.directory = p.temporary_search_dir = pattern;
  }
  follower.on_serving = [this] {
    if (parts_->health_ready) {
      server_->GetHealthCheckService()->SetServingStatus(kSearchHealthName, true);
    }
  };
  p.search = std::make_unique<search::IndexFollower>(
      std::move(follower), [services = &services_] { return services->data(); });
  absl::Status started = p.search->Start();
  if (!started.ok()) {
    return absl::Status(started.code(), absl::StrCat("--search_index_dir: ", started.message()));
  }
  services_.search = p.search.get();
  // Every commit and bundle swap wakes the index's follower.
  p.serving->AddListener([search = p.search.get()] { search->Wake(); });
  // A small database gets its index before the server says SERVING (a
  // second at most), so search answers from the first call; a large one is
  // indexed in the background while every other read is served.
  if (p.primary_data != nullptr && p.search->index() == nullptr) {
    constexpr int kIndexBeforeServingAtMost = 5000;
    absl::StatusOr<std::vector<int64_t>> live =
        p.primary_data->search_source->LiveArticleIds(0, kIndexBeforeServingAtMost + 1);
    if (live.ok() && static_cast<int>(live->size()) <= kIndexBeforeServingAtMost) {
      absl::Status built = p.search->CatchUpNow();
      if (!built.ok()) LogWarn("search index not built at start", {{"error", built.message()}});
    }
  }
  Metrics& metrics = *p.metrics;
  const search::IndexFollower* index = p.search.get();
  metrics.AddGaugeCallback(
      "healthcontent_search_index_sequence", "The change sequence the search index has applied.",
      [index] { return static_cast<double>(index->progress().applied_sequence); });
  metrics.AddGaugeCallback("healthcontent_search_index_lag_changes",
                           "Changes in the data that the search index has not applied yet.",
                           [index] {
                             search::IndexFollower::Progress progress = index->progress();
                             return static_cast<double>(std::max<int64_t>(
                                 0, progress.data_sequence - progress.applied_sequence));
                           });
  metrics.AddGaugeCallback("healthcontent_search_index_documents", "Articles in the search index.",
                           [index] { return static_cast<double>(index->progress().documents); });
  metrics.AddGaugeCallback("healthcontent_search_index_rebuilding",
                           "1 while the search index is being rebuilt from the database, else 0.",
                           [index] { return index->progress().rebuilding ? 1.0 : 0.0; });
  metrics.AddGaugeCallback("healthcontent_search_index_errors",
                           "1 while the search index's last update failed (see the log), else 0.",
                           [index] { return index->progress().last_error.empty() ? 0.0 : 1.0; });
  return absl::OkStatus();
}

storage::ArticleStore::Options Server::StoreOptions() const {
  return storage::ArticleStore::Options{
      .review_interval_years = options_.review_interval_years,
      .max_patient_reading_grade = options_.max_patient_reading_grade};
}

void Server::SetServing(bool serving) {
  auto* health = server_->GetHealthCheckService();
  health->SetServingStatus(serving);
  for (const char* name : kServiceNames) health->SetServingStatus(name, serving);
  health->SetServingStatus(kSearchHealthName, serving && parts_->search != nullptr &&
                                                  parts_->search->index() != nullptr);
}

bool Server::CheckBundles() { return parts_->bundles != nullptr && parts_->bundles->CheckNow(); }

void Server::RequestBundleCheck() {
  if (parts_->bundles != nullptr) parts_->bundles->RequestCheck();
}

std::string Server::BundleName() const {
  return parts_->bundles != nullptr ? parts_->bundles->BundleName() : std::string();
}

void Server::StartScheduler(absl::Duration interval) {
  storage::ArticleStore* articles = parts_->primary_data->articles.get();
  const api::ServingState* serving = parts_->serving.get();
  parts_->scheduler = std::make_unique<PeriodicThread>(interval, [articles, serving] {
    absl::StatusOr<int> applied = articles->ApplyDueSchedules(serving->Now());
    if (!applied.ok()) {
      LogError("applying scheduled revisions failed", {{"error", applied.status().ToString()}});
    } else if (*applied > 0) {
      LogInfo("scheduled revisions took effect", {{"count", absl::StrCat(*applied)}});
    }
  });
}

const api::ChangeService& Server::change_service() const { return *parts_->change_service; }

int Server::metrics_port() const { return parts_->metrics->port(); }

const api::ResponseCache* Server::response_cache() const { return parts_->response_cache.get(); }

int Server::http_port() const {
  return parts_->http_server != nullptr ? parts_->http_server->port() : 0;
}

absl::Status Server::CatchUpSearchIndex() {
  if (parts_->search == nullptr)
    return absl::FailedPreconditionError("search is off (--search=false)");
  return parts_->search->CatchUpNow();
}

Server::~Server() {
  Shutdown(absl::ZeroDuration());
  // A server that failed to start still ends the watch streams' thread
  // before what it reads goes away.
  if (parts_ != nullptr && parts_->change_service != nullptr) parts_->change_service->Shutdown();
  if (parts_ != nullptr && parts_->search != nullptr) parts_->search->Shutdown();
  if (parts_ != nullptr && !parts_->temporary_search_dir.empty()) {
    parts_->search.reset();
    std::error_code ec;
    std::filesystem::remove_all(parts_->temporary_search_dir, ec);
  }
}

std::shared_ptr<grpc::Channel> Server::InProcessChannel() {
  return server_->InProcessChannel(grpc::ChannelArguments());
}

void Server::Shutdown(absl::Duration grace) {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  server_->GetHealthCheckService()->Shutdown();  // every service NOT_SERVING
  if (parts_->scheduler != nullptr) parts_->scheduler->Stop();
  if (parts_->bundles != nullptr) parts_->bundles->Stop();
  if (parts_->search != nullptr) parts_->search->Shutdown();
  // Watch streams never end by themselves: end them now so that the drain
  // below waits only for ordinary calls.
  parts_->change_service->Shutdown();
  // The HTTP face next: its calls in flight finish against the gRPC server,
  // which is still up (its watch streams have ended).
  parts_->http_server.reset();
  auto deadline = std::chrono::system_clock::now() +
                  std::chrono::milliseconds(absl::ToInt64Milliseconds(grace));
  server_->Shutdown(deadline);
  server_->Wait();
}

int Server::Run(const ServerOptions& options) {
  // Block the termination signals in every thread (gRPC's threads inherit
  // this mask) so that only sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ConfigureProcessForServing();
  SetLogLevel(options.log_level);
  // Each connection is a file descriptor, and 1,024 is a common soft limit:
  // take what the hard limit allows, so that the stream and memory limits,
  // not the descriptor table, decide who is refused.
  struct rlimit files;
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  absl::StatusOr<std::unique_ptr<Server>> server = Start(options);
  if (!server.ok()) {
    LogError("cannot start", {{"error", server.status().ToString()}});
    return 1;
  }
  LogInfo("serving", {{"listen", options.listen},
                      {"tls", options.tls_cert.empty()        ? "off"
                              : options.tls_client_ca.empty() ? "on"
                                                              : "mutual"},
                      {"port", absl::StrCat((*server)->port())},
                      {"db", options.db_path},
                      {"reflection", options.reflection ? "on" : "off"},
                      {"metrics_port", absl::StrCat((*server)->metrics_port())},
                      {"http_port", absl::StrCat((*server)->http_port())},
                      {"log_level", LogLevelName(options.log_level)},
                      {"rpc_log_sample", absl::StrCat(options.rpc_log_sample)}});
  int signal_number = 0;
  for (;;) {
    sigwait(&signals, &signal_number);
    if (signal_number != SIGHUP) break;
    if (options.read_only) {
      LogInfo("SIGHUP: looking for a newer bundle", {{"bundle_dir", options.bundle_dir}});
      (*server)->RequestBundleCheck();
    }
  }
  LogInfo("shutting down: draining in-flight calls",
          {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"},
           {"grace_period", absl::FormatDuration(options.grace_period)}});
  (*server)->Shutdown(options.grace_period);
  server->reset();
  LogInfo("stopped");
  return 0;
}

}  // namespace healthcontent::server
