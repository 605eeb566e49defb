#include "server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/server_builder.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "api/article_service.h"
#include "api/change_service.h"
#include "api/auth.h"
#include "api/reference_service.h"
#include "api/therapy_type_service.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "google/rpc/error_details.pb.h"
#include "grpc/health/v1/health.pb.h"
#include "importers/data_dir.h"
#include "importers/interchange.h"
#include "storage/storage.h"

namespace healthcontent::server {

// Everything the services borrow, owned here and destroyed after the server.
struct Server::Parts {
  std::unique_ptr<storage::Storage> storage;
  std::unique_ptr<storage::ArticleStore> articles;
  std::unique_ptr<storage::TherapyTypeStore> therapy_types;
  std::unique_ptr<storage::ReferenceStore> references;
  std::unique_ptr<storage::ChangeLog> change_log;
  api::ChangeHub change_hub;
  std::unique_ptr<api::Authorizer> authorizer;
  std::unique_ptr<api::ArticleService> article_service;
  std::unique_ptr<api::TherapyTypeService> therapy_type_service;
  std::unique_ptr<api::ReferenceService> reference_service;
  std::unique_ptr<api::ChangeService> change_service;

  // The scheduler: announces scheduled revisions on their day.
  absl::Mutex scheduler_mu;
  bool stopping ABSL_GUARDED_BY(scheduler_mu) = false;
  std::thread scheduler;
};

namespace {

const char* const kServiceNames[] = {
    "healthcontent.v1.ArticleService",
    "healthcontent.v1.TherapyTypeService",
    "healthcontent.v1.ReferenceService",
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

// Server credentials from the TLS options: insecure when none are given.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeCredentials(
    const ServerOptions& options) {
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key must be given together");
  }
  if (options.tls_cert.empty()) {
    if (!options.tls_client_ca.empty()) {
      return absl::InvalidArgumentError("--tls_client_ca needs --tls_cert and --tls_key");
    }
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions ssl;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  ASSIGN_OR_RETURN(pair.cert_chain, importers::ReadFile(options.tls_cert));
  ASSIGN_OR_RETURN(pair.private_key, importers::ReadFile(options.tls_key));
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  if (!options.tls_client_ca.empty()) {
    ASSIGN_OR_RETURN(ssl.pem_root_certs, importers::ReadFile(options.tls_client_ca));
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

absl::StatusOr<std::vector<api::TokenEntry>> LoadTokens(const std::string& path) {
  if (path.empty()) return std::vector<api::TokenEntry>();
  ASSIGN_OR_RETURN(std::string text, importers::ReadFile(path));
  absl::StatusOr<std::vector<api::TokenEntry>> tokens = api::ParseTokensFile(text);
  if (!tokens.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", tokens.status().message()));
  }
  return tokens;
}

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
  std::unique_ptr<Server> server(new Server());
  server->parts_ = std::make_unique<Parts>();
  Parts& p = *server->parts_;

  std::error_code ec;
  const bool is_new = !std::filesystem::exists(options.db_path, ec);
  ASSIGN_OR_RETURN(p.storage, storage::Storage::Open(options.db_path, {}));
  p.articles = std::make_unique<storage::ArticleStore>(
      p.storage.get(),
      storage::ArticleStore::Options{.review_interval_years = options.review_interval_years});
  p.therapy_types = std::make_unique<storage::TherapyTypeStore>(p.storage.get());
  p.references = std::make_unique<storage::ReferenceStore>(p.storage.get());
  p.change_log = std::make_unique<storage::ChangeLog>(p.storage.get());
  if (is_new && !options.bootstrap_dir.empty()) {
    absl::StatusOr<importers::DataDirSummary> loaded = importers::LoadDataDir(
        options.bootstrap_dir, p.therapy_types.get(), p.articles.get(), absl::Now());
    if (!loaded.ok()) {
      // Leave no half-filled database behind: the next start bootstraps again.
      p.storage.reset();
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
  ASSIGN_OR_RETURN(auto tokens, LoadTokens(options.auth_tokens_file));
  ASSIGN_OR_RETURN(auto credentials, MakeCredentials(options));
  p.authorizer = std::make_unique<api::Authorizer>(std::move(tokens),
                                                   options.require_auth_for_reads);

  server->services_.articles = p.articles.get();
  server->services_.therapy_types = p.therapy_types.get();
  server->services_.references = p.references.get();
  server->services_.authorizer = p.authorizer.get();
  server->services_.due_soon_days = options.due_soon_days;
  p.article_service = std::make_unique<api::ArticleService>(&server->services_);
  p.therapy_type_service = std::make_unique<api::TherapyTypeService>(&server->services_);
  p.reference_service = std::make_unique<api::ReferenceService>(&server->services_);
  p.change_service = std::make_unique<api::ChangeService>(&server->services_, p.change_log.get(),
                                                          &p.change_hub);
  // Every commit wakes the watch streams waiting for news.
  p.storage->AddCommitListener([hub = &p.change_hub] { hub->NotifyAll(); });

  LinkDescriptorsForReflection();
  grpc::EnableDefaultHealthCheckService(true);
  if (options.reflection) grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  if (!options.reflection) builder.SetOption(std::make_unique<WithoutReflection>());
  if (!options.listen.empty()) {
    builder.AddListeningPort(options.listen, credentials, &server->port_);
  }
  ApplyTransportSettings(options, &builder);
  builder.RegisterService(p.article_service.get());
  builder.RegisterService(p.therapy_type_service.get());
  builder.RegisterService(p.reference_service.get());
  builder.RegisterService(p.change_service.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || (!options.listen.empty() && server->port_ == 0)) {
    return absl::UnavailableError(
        absl::StrCat("could not listen on ", options.listen,
                     " (address in use or not valid? try --listen=127.0.0.1:0)"));
  }
  auto* health = server->server_->GetHealthCheckService();
  health->SetServingStatus(true);
  for (const char* name : kServiceNames) health->SetServingStatus(name, true);
  if (options.schedule_check_interval > absl::ZeroDuration()) {
    server->StartScheduler(options.schedule_check_interval);
  }
  return server;
}

void Server::StartScheduler(absl::Duration interval) {
  Parts* p = parts_.get();
  api::ServiceContext* services = &services_;
  p->scheduler = std::thread([p, services, interval] {
    absl::MutexLock lock(&p->scheduler_mu);
    while (!p->stopping) {
      absl::StatusOr<int> applied = p->articles->ApplyDueSchedules(services->now());
      if (!applied.ok()) {
        LogError("applying scheduled revisions failed", {{"error", applied.status().ToString()}});
      } else if (*applied > 0) {
        LogInfo("scheduled revisions took effect", {{"count", absl::StrCat(*applied)}});
      }
      p->scheduler_mu.AwaitWithTimeout(absl::Condition(&p->stopping), interval);
    }
  });
}

Server::~Server() { Shutdown(absl::ZeroDuration()); }

std::shared_ptr<grpc::Channel> Server::InProcessChannel() {
  return server_->InProcessChannel(grpc::ChannelArguments());
}

void Server::Shutdown(absl::Duration grace) {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  server_->GetHealthCheckService()->Shutdown();  // every service NOT_SERVING
  {
    absl::MutexLock lock(&parts_->scheduler_mu);
    parts_->stopping = true;
  }
  if (parts_->scheduler.joinable()) parts_->scheduler.join();
  // Watch streams never end by themselves: end them now so that the drain
  // below waits only for ordinary calls.
  parts_->change_hub.Shutdown();
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
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ConfigureProcessForServing();

  absl::StatusOr<std::unique_ptr<Server>> server = Start(options);
  if (!server.ok()) {
    LogError("cannot start", {{"error", server.status().ToString()}});
    return 1;
  }
  LogInfo("serving", {{"listen", options.listen},
                      {"tls", options.tls_cert.empty()             ? "off"
                              : options.tls_client_ca.empty()      ? "on"
                                                                   : "mutual"},
                      {"port", absl::StrCat((*server)->port())},
                      {"db", options.db_path},
                      {"reflection", options.reflection ? "on" : "off"}});
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  LogInfo("shutting down: draining in-flight calls",
          {{"signal", signal_number == SIGTERM ? "SIGTERM" : "SIGINT"},
           {"grace_period", absl::FormatDuration(options.grace_period)}});
  (*server)->Shutdown(options.grace_period);
  server->reset();
  LogInfo("stopped");
  return 0;
}

}  // namespace healthcontent::server
