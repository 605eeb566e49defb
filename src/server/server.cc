#include "server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
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
    builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(), &server->port_);
  }
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
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

  absl::StatusOr<std::unique_ptr<Server>> server = Start(options);
  if (!server.ok()) {
    LogError("cannot start", {{"error", server.status().ToString()}});
    return 1;
  }
  LogInfo("serving", {{"listen", options.listen},
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
