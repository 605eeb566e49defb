#include "load_generator.h"

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/channel_arguments.h>
#include <grpcpp/support/slice.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/date.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "corpus_names.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "healthcontent/v1/article_service.grpc.pb.h"
#include "healthcontent/v1/therapy_type_service.grpc.pb.h"
#include "histogram.h"
#include "importers/interchange.h"
#include "synthetic_article.h"

namespace healthcontent::bench {
namespace {

// User and system CPU time of this process so far, in seconds.
double ProcessCpuSeconds() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

using Clock = std::chrono::steady_clock;
using Stub = grpc::TemplatedGenericStub<google::protobuf::MessageLite, grpc::ByteBuffer>;
// Sends requests that are already serialized (the pool).
using RawStub = grpc::TemplatedGenericStub<grpc::ByteBuffer, grpc::ByteBuffer>;
// The most requests a pool holds per read kind.
constexpr int kMaxPool = 10'000'000;

// The search kinds query the corpus vocabulary: search, one word drawn by
// its frequency in the corpus (Zipf); searchtop, one of the 10 most frequent
// words; search2, two words by frequency; searchphrase, a quoted two-word
// phrase from some article's title; searchprefix, the first three letters of
// a word by frequency and a star.
enum Kind : int {
  kLatest,
  kAsOf,
  kRevision,
  kList,
  kListDeep,
  kSearch,
  kSearchTop,
  kSearchTwo,
  kSearchPhrase,
  kSearchPrefix,
  kPublish,
  kNumKinds
};
constexpr int kNumReadKinds = kPublish;
constexpr const char* kKindNames[kNumKinds] = {
    "latest",    "asof",    "revision",     "list",         "listdeep", "search",
    "searchtop", "search2", "searchphrase", "searchprefix", "publish"};
// Method paths; the generic stub keeps a pointer to the text while a call
// starts, so they live as long as the program.
const char* const kMethods[kNumKinds] = {
    "/healthcontent.v1.ArticleService/GetArticle",
    "/healthcontent.v1.ArticleService/GetArticle",
    "/healthcontent.v1.ArticleService/GetArticleRevision",
    "/healthcontent.v1.ArticleService/ListArticles",
    "/healthcontent.v1.ArticleService/ListArticles",
    "/healthcontent.v1.ArticleService/SearchArticles",
    "/healthcontent.v1.ArticleService/SearchArticles",
    "/healthcontent.v1.ArticleService/SearchArticles",
    "/healthcontent.v1.ArticleService/SearchArticles",
    "/healthcontent.v1.ArticleService/SearchArticles",
    "/healthcontent.v1.ArticleService/PublishArticleRevision",
};
constexpr int kNumCodes = 17;  // grpc::StatusCode 0..16
// The canonical name of a status code ("NOT_FOUND"): gRPC's and Abseil's
// codes share values and names.
std::string CodeName(int code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}
constexpr int kPageSize = 50;
// Publishers backfill review dates from here when an article has no free
// day between its newest review and today.
constexpr absl::CivilDay kBackfillFrom(2000, 1, 1);

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target, int index) {
  grpc::ChannelArguments args;
  // A channel of its own connection: no subchannel sharing between channels.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("healthcontent.bench.channel_index", index);
  args.SetMaxReceiveMessageSize(-1);
  // Reconnect quickly while a server is starting (the probe relies on it).
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 10);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 10);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 100);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

std::chrono::system_clock::time_point DeadlineIn(absl::Duration d) {
  return std::chrono::system_clock::now() + std::chrono::microseconds(absl::ToInt64Microseconds(d));
}

absl::Status FromGrpc(const grpc::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::UnavailableError(
      absl::StrCat(what, ": ", CodeName(status.error_code()), ": ", status.error_message()));
}

// ---------------------------------------------------------------------------
// Which articles and revisions exist.

struct TargetArticle {
  int64_t index = 0;
  std::string slug;
  std::vector<absl::CivilDay> dates;  // ascending
};

class Catalogue {
 public:
  static Catalogue Synthetic(int64_t articles, int revisions, uint64_t seed) {
    Catalogue c;
    c.synthetic_articles_ = articles;
    c.revisions_ = revisions;
    c.seed_ = seed;
    return c;
  }
  static Catalogue Listed(std::vector<TargetArticle> articles) {
    Catalogue c;
    c.listed_ = std::move(articles);
    return c;
  }

  int64_t size() const {
    return synthetic_articles_ > 0 ? synthetic_articles_ : static_cast<int64_t>(listed_.size());
  }

  TargetArticle Get(int64_t i) const {
    if (synthetic_articles_ == 0) return listed_[i];
    return TargetArticle{i, ArticleSlug(i), RevisionDates(seed_, i, revisions_)};
  }

 private:
  int64_t synthetic_articles_ = 0;
  int revisions_ = 1;
  uint64_t seed_ = 0;
  std::vector<TargetArticle> listed_;
};

// Every live article (up to `max`) and its revisions, from the server.
absl::StatusOr<std::vector<TargetArticle>> Discover(const std::shared_ptr<grpc::Channel>& channel,
                                                    int max) {
  auto stub = v1::ArticleService::NewStub(channel);
  std::vector<TargetArticle> found;
  std::string token;
  do {
    grpc::ClientContext context;
    context.set_deadline(DeadlineIn(absl::Seconds(30)));
    v1::ListArticlesRequest request;
    request.set_page_size(1000);
    request.set_page_token(token);
    v1::ListArticlesResponse response;
    RETURN_IF_ERROR(FromGrpc(stub->ListArticles(&context, request, &response), "ListArticles"));
    for (const v1::Article& article : response.articles()) {
      if (static_cast<int>(found.size()) >= max) break;
      ASSIGN_OR_RETURN(std::string slug, ParseArticleName(article.name(), "name"));
      found.push_back(TargetArticle{static_cast<int64_t>(found.size()), std::move(slug), {}});
    }
    token = response.next_page_token();
  } while (!token.empty() && static_cast<int>(found.size()) < max);

  for (TargetArticle& article : found) {
    std::string revisions_token;
    do {
      grpc::ClientContext context;
      context.set_deadline(DeadlineIn(absl::Seconds(30)));
      v1::ListArticleRevisionsRequest request;
      request.set_parent(ArticleName(article.slug));
      request.set_page_size(1000);
      request.set_page_token(revisions_token);
      v1::ListArticleRevisionsResponse response;
      RETURN_IF_ERROR(FromGrpc(stub->ListArticleRevisions(&context, request, &response),
                               "ListArticleRevisions"));
      for (const v1::ArticleRevision& revision : response.revisions()) {
        ASSIGN_OR_RETURN(absl::CivilDay day, ParseIsoDate(revision.revision_id()));
        article.dates.push_back(day);
      }
      revisions_token = response.next_page_token();
    } while (!revisions_token.empty());
    std::sort(article.dates.begin(), article.dates.end());
  }
  return found;
}

// Targets file: one line per article, "slug YYYY-MM-DD YYYY-MM-DD ...".
absl::StatusOr<std::vector<TargetArticle>> ReadTargets(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, importers::ReadFile(path));
  std::vector<TargetArticle> articles;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipWhitespace())) {
    std::vector<absl::string_view> fields = absl::StrSplit(line, ' ', absl::SkipEmpty());
    TargetArticle article{static_cast<int64_t>(articles.size()), std::string(fields[0]), {}};
    for (size_t i = 1; i < fields.size(); ++i) {
      absl::StatusOr<absl::CivilDay> day = ParseIsoDate(fields[i]);
      if (!day.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(path, ": ", day.status().message()));
      }
      article.dates.push_back(*day);
    }
    if (article.dates.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": ", article.slug, " has no dates"));
    }
    articles.push_back(std::move(article));
  }
  return articles;
}

absl::Status WriteTargets(const std::string& path, const std::vector<TargetArticle>& articles) {
  std::ofstream out(path);
  for (const TargetArticle& article : articles) {
    out << article.slug;
    for (absl::CivilDay day : article.dates) out << ' ' << FormatIsoDate(day);
    out << '\n';
  }
  out.close();
  if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

// The page token that asks for the last page of the full listing (empty
// when the listing has one page), found by walking it once.
absl::StatusOr<std::string> LastPageToken(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = v1::ArticleService::NewStub(channel);
  std::string token;
  for (int pages = 0; pages < 10'000'000; ++pages) {
    grpc::ClientContext context;
    context.set_deadline(DeadlineIn(absl::Seconds(30)));
    v1::ListArticlesRequest request;
    request.set_page_size(kPageSize);
    request.set_page_token(token);
    v1::ListArticlesResponse response;
    RETURN_IF_ERROR(FromGrpc(stub->ListArticles(&context, request, &response), "ListArticles"));
    if (response.next_page_token().empty()) return token;
    token = response.next_page_token();
  }
  return absl::OutOfRangeError("the listing did not end after 10 million pages");
}

absl::StatusOr<std::vector<v1::TherapyType>> AllTherapyTypes(
    const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = v1::TherapyTypeService::NewStub(channel);
  std::vector<v1::TherapyType> all;
  std::string token;
  do {
    grpc::ClientContext context;
    context.set_deadline(DeadlineIn(absl::Seconds(30)));
    v1::ListTherapyTypesRequest request;
    request.set_page_size(1000);
    request.set_page_token(token);
    v1::ListTherapyTypesResponse response;
    RETURN_IF_ERROR(
        FromGrpc(stub->ListTherapyTypes(&context, request, &response), "ListTherapyTypes"));
    for (v1::TherapyType& tt : *response.mutable_therapy_types()) all.push_back(std::move(tt));
    token = response.next_page_token();
  } while (!token.empty());
  return all;
}

absl::StatusOr<std::array<int, kNumReadKinds>> ParseMix(const std::string& text) {
  std::array<int, kNumReadKinds> weights{};
  if (text == "none" || text.empty()) return weights;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(part, ':');
    int kind = -1;
    for (int k = 0; k < kNumReadKinds; ++k) {
      if (absl::StripAsciiWhitespace(kv.first) == kKindNames[k]) kind = k;
    }
    int weight = 0;
    if (kind < 0 || !absl::SimpleAtoi(kv.second, &weight) || weight < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--mix: \"", part,
                       "\" is not KIND:WEIGHT with KIND one of latest, asof, revision, "
                       "list, listdeep, search, searchtop, search2, searchphrase, searchprefix"));
    }
    weights[kind] += weight;
  }
  return weights;
}

// ---------------------------------------------------------------------------
// The run.

// What one thread recorded. Written only by its thread; read after the run.
struct Recorder {
  // Latency of the OK calls started in the measured window.
  std::array<LatencyHistogram, kNumKinds> latency;
  // OK calls that completed in the measured window: the throughput.
  std::array<int64_t, kNumKinds> completed{};
  std::array<int64_t, kNumKinds> bytes{};
  std::array<std::array<int64_t, kNumCodes>, kNumKinds> errors{};
};

struct Call {
  Kind kind = kLatest;
  int flow = 0;
  int slot = -1;            // closed-loop slot; -1 in open loop
  Clock::time_point start;  // sent, or scheduled to be sent (open loop)
  std::unique_ptr<google::protobuf::Message> request;
  grpc::ByteBuffer raw_request;  // from the pool
  grpc::ByteBuffer response;
  grpc::ClientContext context;
};

enum FlowId : int { kReads = 0, kPublishes = 1, kNumFlows = 2 };

struct Flow {
  bool enabled = false;
  double rate = 0;      // open loop when > 0
  int concurrency = 0;  // closed-loop slots, or the open-loop cap
  std::vector<Rng> slot_rngs;
  // Open loop: sends more than 1 ms behind schedule, and sends of the
  // measured window never made (the cap was still full a second after it).
  std::atomic<int64_t> late_sends{0};
  std::atomic<int64_t> unsent{0};
};

class LoadRun {
 public:
  explicit LoadRun(const LoadOptions& options) : options_(options) {}

  int Run();

 private:
  absl::Status SetUp();
  void Issue(int flow, int slot, Rng& rng, Clock::time_point start);
  void OnDone(Call* call, const grpc::Status& status);
  void Dispatch(int flow);
  Kind PickReadKind(Rng& rng) const;
  std::unique_ptr<google::protobuf::Message> MakeRequest(Kind kind, Rng& rng);
  std::unique_ptr<google::protobuf::Message> MakePublish(Rng& rng);
  void FillPool();
  // The catalogue index of the article a read asks for (options_.keys).
  int64_t PickArticle(Rng& rng) const;
  Recorder* ThisThreadRecorder();
  bool Drained() const ABSL_SHARED_LOCKS_REQUIRED(mu_) { return total_in_flight_ == 0; }
  int Report(const Recorder& merged);

  const LoadOptions options_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<Stub>> stubs_;
  std::vector<std::unique_ptr<RawStub>> raw_stubs_;
  // With --keys=zipf: the article ranks' distribution.
  std::unique_ptr<ZipfTable> key_zipf_;
  // Per read kind, its serialized requests (empty without --pool).
  std::array<std::vector<grpc::ByteBuffer>, kNumReadKinds> pool_;
  std::array<int, kNumReadKinds> weights_{};
  int total_weight_ = 0;
  Catalogue catalogue_;
  std::string last_page_token_;
  std::string bearer_;
  std::unique_ptr<SyntheticArticles> synthetic_;
  absl::CivilDay today_;
  std::array<Flow, kNumFlows> flows_;

  Clock::time_point begin_;
  double begin_cpu_seconds_ = 0;  // this process's CPU time at begin_
  double client_cpu_cores_ = 0;   // CPU used by the run / its wall time
  Clock::time_point measure_start_;
  Clock::time_point measure_end_;

  std::atomic<bool> aborted_{false};
  std::atomic<int64_t> error_count_{0};
  std::atomic<uint64_t> next_channel_{0};

  absl::Mutex mu_;
  std::array<int, kNumFlows> in_flight_ ABSL_GUARDED_BY(mu_){};
  int total_in_flight_ ABSL_GUARDED_BY(mu_) = 0;

  absl::Mutex recorders_mu_;
  std::vector<std::unique_ptr<Recorder>> recorders_ ABSL_GUARDED_BY(recorders_mu_);
  std::vector<std::string> error_samples_ ABSL_GUARDED_BY(recorders_mu_);

  // Review dates publishers have used in this run, "slug/YYYY-MM-DD".
  absl::Mutex publish_mu_;
  absl::flat_hash_set<std::string> published_ ABSL_GUARDED_BY(publish_mu_);

  struct RoomCheck {
    LoadRun* run;
    int flow;
  };
  static bool HasRoom(RoomCheck* check) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return check->run->in_flight_[check->flow] < check->run->flows_[check->flow].concurrency;
  }
};

absl::Status LoadRun::SetUp() {
  if (options_.channels < 1) return absl::InvalidArgumentError("--channels must be >= 1");
  if (options_.outstanding < 0 || options_.publishers < 0) {
    return absl::InvalidArgumentError("--outstanding and --publishers must be >= 0");
  }
  if (options_.keys != "uniform" && options_.keys != "zipf") {
    return absl::InvalidArgumentError(
        absl::StrCat("--keys must be uniform or zipf, got \"", options_.keys, "\""));
  }
  if (options_.pool < 0 || options_.pool > kMaxPool) {
    return absl::InvalidArgumentError(absl::StrCat("--pool must be 0 to ", kMaxPool));
  }
  if (options_.duration <= absl::ZeroDuration() || options_.warmup < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--duration must be > 0 and --warmup >= 0");
  }
  ASSIGN_OR_RETURN(weights_, ParseMix(options_.mix));
  for (int w : weights_) total_weight_ += w;
  const bool reads = total_weight_ > 0 && options_.outstanding > 0;
  if (!reads && options_.publishers == 0) {
    return absl::InvalidArgumentError("nothing to do: no read mix and no --publishers");
  }
  today_ = UtcDay(absl::Now());

  for (int i = 0; i < options_.channels; ++i) {
    channels_.push_back(MakeChannel(options_.target, i));
    stubs_.push_back(std::make_unique<Stub>(channels_.back()));
    raw_stubs_.push_back(std::make_unique<RawStub>(channels_.back()));
  }
  for (const auto& channel : channels_) {
    if (!channel->WaitForConnected(DeadlineIn(options_.connect_timeout))) {
      return absl::UnavailableError(absl::StrCat("cannot connect to ", options_.target, " within ",
                                                 absl::FormatDuration(options_.connect_timeout)));
    }
  }

  if (options_.articles > 0) {
    if (options_.articles > kMaxArticles || options_.revisions < 1 ||
        options_.revisions > kMaxRevisions) {
      return absl::InvalidArgumentError("--articles or --revisions out of range");
    }
    catalogue_ = Catalogue::Synthetic(options_.articles, options_.revisions, options_.seed);
  } else {
    std::error_code ec;
    std::vector<TargetArticle> listed;
    if (!options_.targets_file.empty() && std::filesystem::exists(options_.targets_file, ec)) {
      ASSIGN_OR_RETURN(listed, ReadTargets(options_.targets_file));
    } else {
      ASSIGN_OR_RETURN(listed, Discover(channels_[0], options_.discover_max));
      if (!options_.targets_file.empty()) {
        RETURN_IF_ERROR(WriteTargets(options_.targets_file, listed));
      }
    }
    catalogue_ = Catalogue::Listed(std::move(listed));
  }
  const bool needs_articles =
      options_.publishers > 0 ||
      (reads && (weights_[kLatest] > 0 || weights_[kAsOf] > 0 || weights_[kRevision] > 0));
  if (needs_articles && catalogue_.size() == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(options_.target, " has no live article to ask for"));
  }
  if (reads && weights_[kListDeep] > 0) {
    ASSIGN_OR_RETURN(last_page_token_, LastPageToken(channels_[0]));
  }
  if (options_.publishers > 0) {
    if (options_.token_file.empty()) {
      return absl::InvalidArgumentError("--publishers needs --token_file (a publisher token)");
    }
    ASSIGN_OR_RETURN(std::string token, importers::ReadFile(options_.token_file));
    bearer_ = absl::StrCat("Bearer ", absl::StripAsciiWhitespace(token));
    ASSIGN_OR_RETURN(std::vector<v1::TherapyType> types, AllTherapyTypes(channels_[0]));
    synthetic_ = std::make_unique<SyntheticArticles>(
        options_.seed, ReferencePoolSize(catalogue_.size()), std::move(types));
  }

  if (options_.keys == "zipf") {
    key_zipf_ = std::make_unique<ZipfTable>(static_cast<int>(catalogue_.size()));
  }
  if (reads && options_.pool > 0) FillPool();

  Flow& read_flow = flows_[kReads];
  read_flow.enabled = reads;
  read_flow.rate = options_.rate;
  read_flow.concurrency = options_.channels * options_.outstanding;
  if (options_.rate > 0 && options_.max_in_flight > 0) {
    read_flow.concurrency = options_.max_in_flight;
  }
  Flow& publish_flow = flows_[kPublishes];
  publish_flow.enabled = options_.publishers > 0;
  publish_flow.rate = options_.publish_rate;
  publish_flow.concurrency = options_.publishers;
  for (int flow = 0; flow < kNumFlows; ++flow) {
    for (int slot = 0; slot < flows_[flow].concurrency; ++slot) {
      flows_[flow].slot_rngs.emplace_back(
          StreamSeed(options_.seed, (static_cast<uint64_t>(flow) << 32) + slot, Stream::kRequests));
    }
  }
  return absl::OkStatus();
}

void LoadRun::FillPool() {
  for (int k = 0; k < kNumReadKinds; ++k) {
    if (weights_[k] == 0) continue;
    Rng rng(StreamSeed(options_.seed, (uint64_t{1} << 41) + k, Stream::kRequests));
    pool_[k].reserve(options_.pool);
    for (int i = 0; i < options_.pool; ++i) {
      std::string bytes;
      MakeRequest(static_cast<Kind>(k), rng)->SerializeToString(&bytes);
      grpc::Slice slice(bytes);
      pool_[k].emplace_back(&slice, 1);
    }
  }
}

int64_t LoadRun::PickArticle(Rng& rng) const {
  if (key_zipf_ != nullptr) return key_zipf_->Sample(rng);
  return static_cast<int64_t>(UniformIndex(rng, static_cast<uint64_t>(catalogue_.size())));
}

Kind LoadRun::PickReadKind(Rng& rng) const {
  int roll = static_cast<int>(UniformIndex(rng, static_cast<uint64_t>(total_weight_)));
  for (int k = 0; k < kNumReadKinds; ++k) {
    if (roll < weights_[k]) return static_cast<Kind>(k);
    roll -= weights_[k];
  }
  return kLatest;
}

std::unique_ptr<google::protobuf::Message> LoadRun::MakeRequest(Kind kind, Rng& rng) {
  switch (kind) {
    case kLatest:
    case kAsOf: {
      TargetArticle article = catalogue_.Get(PickArticle(rng));
      auto request = std::make_unique<v1::GetArticleRequest>();
      request->set_name(ArticleName(article.slug));
      if (kind == kAsOf) {
        // A day on which some revision was in force: from the first review to today.
        const absl::CivilDay first = article.dates.front();
        const int64_t span = std::max<int64_t>(today_ - first, 0) + 1;
        *request->mutable_as_of() =
            ToProtoDate(first + static_cast<int64_t>(UniformIndex(rng, span)));
      }
      return request;
    }
    case kRevision: {
      TargetArticle article = catalogue_.Get(PickArticle(rng));
      auto request = std::make_unique<v1::GetArticleRevisionRequest>();
      request->set_name(RevisionResourceName(
          article.slug, article.dates[UniformIndex(rng, article.dates.size())]));
      return request;
    }
    case kList:
    case kListDeep: {
      auto request = std::make_unique<v1::ListArticlesRequest>();
      request->set_page_size(kPageSize);
      if (kind == kListDeep) request->set_page_token(last_page_token_);
      return request;
    }
    case kSearch:
    case kSearchTop:
    case kSearchTwo:
    case kSearchPhrase:
    case kSearchPrefix: {
      auto request = std::make_unique<v1::SearchArticlesRequest>();
      const std::vector<absl::string_view>& words = Vocabulary();
      static const ZipfTable* const word_zipf = new ZipfTable(static_cast<int>(words.size()));
      auto word = [&] { return words[word_zipf->Sample(rng)]; };
      switch (kind) {
        case kSearchTop:
          request->set_query(std::string(words[UniformIndex(rng, 10)]));
          break;
        case kSearchTwo:
          request->set_query(absl::StrCat(word(), " ", word()));
          break;
        case kSearchPhrase: {
          std::array<int, 3> name = ArticleNameWords(
              static_cast<int64_t>(UniformIndex(rng, static_cast<uint64_t>(catalogue_.size()))));
          request->set_query(absl::StrCat("\"", words[name[0]], " ", words[name[1]], "\""));
          break;
        }
        case kSearchPrefix:
          request->set_query(absl::StrCat(word().substr(0, 3), "*"));
          break;
        default:
          request->set_query(std::string(word()));
      }
      return request;
    }
    case kPublish:
    case kNumKinds:
      break;
  }
  return MakePublish(rng);
}

std::unique_ptr<google::protobuf::Message> LoadRun::MakePublish(Rng& rng) {
  // A review date the article does not have: between its newest review in
  // force and today, else a backfill before its first review.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    TargetArticle article = catalogue_.Get(
        static_cast<int64_t>(UniformIndex(rng, static_cast<uint64_t>(catalogue_.size()))));
    absl::CivilDay newest_in_force = article.dates.front();
    for (absl::CivilDay day : article.dates) {
      if (day <= today_) newest_in_force = day;
    }
    std::optional<absl::CivilDay> chosen;
    for (int pick = 0; pick < 16 && !chosen; ++pick) {
      absl::CivilDay day;
      if (pick < 8 && today_ > newest_in_force) {
        day = newest_in_force + 1 +
              static_cast<int64_t>(
                  UniformIndex(rng, static_cast<uint64_t>(today_ - newest_in_force)));
      } else if (article.dates.front() > kBackfillFrom) {
        day =
            kBackfillFrom + static_cast<int64_t>(UniformIndex(
                                rng, static_cast<uint64_t>(article.dates.front() - kBackfillFrom)));
      } else {
        break;
      }
      if (std::find(article.dates.begin(), article.dates.end(), day) != article.dates.end()) {
        continue;
      }
      absl::MutexLock lock(&publish_mu_);
      if (published_.insert(absl::StrCat(article.slug, "/", FormatIsoDate(day))).second) {
        chosen = day;
      }
    }
    if (!chosen) continue;
    // The content is fixed by (article, date), so rerunning against the
    // same database republishes identical revisions: an idempotent no-op.
    const int ordinal = 1000 + static_cast<int>(*chosen - kBackfillFrom);
    return std::make_unique<v1::PublishArticleRevisionRequest>(
        synthetic_->Revision(article.index, article.slug, ordinal, *chosen));
  }
  // Practically unreachable (every article's free dates used up): publish an
  // idempotent copy of a first revision instead of failing the generator.
  TargetArticle article = catalogue_.Get(0);
  return std::make_unique<v1::PublishArticleRevisionRequest>(
      synthetic_->Revision(article.index, article.slug, 0, article.dates.front()));
}

Recorder* LoadRun::ThisThreadRecorder() {
  thread_local const LoadRun* owner = nullptr;
  thread_local Recorder* recorder = nullptr;
  if (owner != this) {
    absl::MutexLock lock(&recorders_mu_);
    recorders_.push_back(std::make_unique<Recorder>());
    recorder = recorders_.back().get();
    owner = this;
  }
  return recorder;
}

void LoadRun::Issue(int flow, int slot, Rng& rng, Clock::time_point start) {
  auto* call = new Call;
  call->flow = flow;
  call->slot = slot;
  call->kind = flow == kPublishes ? kPublish : PickReadKind(rng);
  const bool pooled = call->kind < kNumReadKinds && !pool_[call->kind].empty();
  if (pooled) {
    const std::vector<grpc::ByteBuffer>& pool = pool_[call->kind];
    call->raw_request = pool[UniformIndex(rng, pool.size())];  // shares the slice
  } else {
    call->request = MakeRequest(call->kind, rng);
  }
  call->context.set_deadline(DeadlineIn(options_.deadline));
  if (call->kind == kPublish) call->context.AddMetadata("authorization", bearer_);
  {
    absl::MutexLock lock(&mu_);
    ++in_flight_[flow];
    ++total_in_flight_;
  }
  const uint64_t channel = slot >= 0 ? static_cast<uint64_t>(slot)
                                     : next_channel_.fetch_add(1, std::memory_order_relaxed);
  // Closed loop: the clock starts when the call is sent. Open loop: it
  // started at the scheduled time, whether or not we managed to send then.
  call->start = slot >= 0 ? Clock::now() : start;
  auto done = [this, call](grpc::Status status) { OnDone(call, status); };
  if (pooled) {
    raw_stubs_[channel % raw_stubs_.size()]->UnaryCall(&call->context, kMethods[call->kind],
                                                       grpc::StubOptions(), &call->raw_request,
                                                       &call->response, std::move(done));
    return;
  }
  stubs_[channel % stubs_.size()]->UnaryCall(&call->context, kMethods[call->kind],
                                             grpc::StubOptions(), call->request.get(),
                                             &call->response, std::move(done));
}

void LoadRun::OnDone(Call* call, const grpc::Status& status) {
  const Clock::time_point end = Clock::now();
  Recorder* recorder = ThisThreadRecorder();
  const bool measured = call->start >= measure_start_ && call->start < measure_end_;
  grpc::Status outcome = status;
  if (outcome.ok() && options_.parse_responses) {
    std::unique_ptr<google::protobuf::Message> parsed;
    switch (call->kind) {
      case kList:
      case kListDeep:
        parsed = std::make_unique<v1::ListArticlesResponse>();
        break;
      case kSearch:
      case kSearchTop:
      case kSearchTwo:
      case kSearchPhrase:
      case kSearchPrefix:
        parsed = std::make_unique<v1::SearchArticlesResponse>();
        break;
      default:
        parsed = std::make_unique<v1::Article>();
    }
    std::vector<grpc::Slice> slices;
    std::string bytes;
    if (call->response.Dump(&slices).ok()) {
      for (const grpc::Slice& s : slices)
        bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    if (!parsed->ParseFromString(bytes)) {
      outcome = grpc::Status(grpc::StatusCode::DATA_LOSS, "the response does not parse");
    }
  }
  if (outcome.ok()) {
    if (end >= measure_start_ && end < measure_end_) ++recorder->completed[call->kind];
    if (measured) {
      recorder->latency[call->kind].Record(
          std::chrono::duration_cast<std::chrono::nanoseconds>(end - call->start).count());
      recorder->bytes[call->kind] += static_cast<int64_t>(call->response.Length());
    }
  } else {
    const int code = std::clamp(static_cast<int>(outcome.error_code()), 0, kNumCodes - 1);
    ++recorder->errors[call->kind][code];
    {
      absl::MutexLock lock(&recorders_mu_);
      if (error_samples_.size() < 5) {
        error_samples_.push_back(absl::StrCat(kKindNames[call->kind], ": ", CodeName(code), ": ",
                                              outcome.error_message()));
      }
    }
    if (error_count_.fetch_add(1) + 1 >= options_.max_errors) aborted_ = true;
  }
  const int flow = call->flow;
  const int slot = call->slot;
  delete call;
  if (slot >= 0 && end < measure_end_ && !aborted_) {
    // Closed loop: the slot's chain of calls is sequential, so its random
    // stream needs no lock.
    Issue(flow, slot, flows_[flow].slot_rngs[slot], end);
  }
  absl::MutexLock lock(&mu_);
  --in_flight_[flow];
  --total_in_flight_;
}

void LoadRun::Dispatch(int flow) {
  Flow& f = flows_[flow];
  Rng rng(StreamSeed(options_.seed, (uint64_t{1} << 40) + flow, Stream::kRequests));
  const std::chrono::duration<double> interval(1.0 / f.rate);
  auto scheduled_time = [&](int64_t i) {
    return begin_ + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(i));
  };
  const Clock::time_point give_up = measure_end_ + std::chrono::seconds(1);
  RoomCheck check{this, flow};
  int64_t i = 0;
  for (; !aborted_; ++i) {
    const Clock::time_point scheduled = scheduled_time(i);
    if (scheduled >= measure_end_) break;
    if (scheduled > Clock::now() + std::chrono::microseconds(20)) {
      std::this_thread::sleep_until(scheduled);
    }
    bool room = false;
    while (!room && !aborted_ && Clock::now() < give_up) {
      absl::MutexLock lock(&mu_);
      room = mu_.AwaitWithTimeout(absl::Condition(&HasRoom, &check), absl::Milliseconds(100));
    }
    if (!room) break;
    if (Clock::now() - scheduled > std::chrono::milliseconds(1) && scheduled >= measure_start_) {
      f.late_sends.fetch_add(1, std::memory_order_relaxed);
    }
    Issue(flow, -1, rng, scheduled);
  }
  for (; scheduled_time(i) < measure_end_; ++i) {
    if (scheduled_time(i) >= measure_start_) f.unsent.fetch_add(1, std::memory_order_relaxed);
  }
}

int LoadRun::Run() {
  absl::Status set_up = SetUp();
  if (!set_up.ok()) {
    std::fprintf(stderr, "healthcontent-load: %s\n", set_up.ToString().c_str());
    return 2;
  }
  begin_ = Clock::now();
  begin_cpu_seconds_ = ProcessCpuSeconds();
  measure_start_ = begin_ + std::chrono::microseconds(absl::ToInt64Microseconds(options_.warmup));
  measure_end_ =
      measure_start_ + std::chrono::microseconds(absl::ToInt64Microseconds(options_.duration));

  std::vector<std::thread> dispatchers;
  for (int flow = 0; flow < kNumFlows; ++flow) {
    Flow& f = flows_[flow];
    if (!f.enabled) continue;
    if (f.rate > 0) {
      dispatchers.emplace_back([this, flow] { Dispatch(flow); });
    } else {
      for (int slot = 0; slot < f.concurrency; ++slot) {
        Issue(flow, slot, f.slot_rngs[slot], begin_);
      }
    }
  }
  std::this_thread::sleep_until(measure_end_);
  for (std::thread& t : dispatchers) t.join();
  {
    absl::MutexLock lock(&mu_);
    if (!mu_.AwaitWithTimeout(absl::Condition(this, &LoadRun::Drained),
                              options_.deadline + absl::Seconds(5))) {
      std::fprintf(stderr, "healthcontent-load: %d calls never completed\n", total_in_flight_);
      std::fflush(stderr);
      std::_Exit(1);  // their callbacks may still run: do not tear down under them
    }
  }
  client_cpu_cores_ = (ProcessCpuSeconds() - begin_cpu_seconds_) /
                      std::chrono::duration<double>(Clock::now() - begin_).count();
  Recorder merged;
  {
    absl::MutexLock lock(&recorders_mu_);
    for (const auto& recorder : recorders_) {
      for (int k = 0; k < kNumKinds; ++k) {
        merged.latency[k].Merge(recorder->latency[k]);
        merged.bytes[k] += recorder->bytes[k];
        merged.completed[k] += recorder->completed[k];
        for (int c = 0; c < kNumCodes; ++c) merged.errors[k][c] += recorder->errors[k][c];
      }
    }
  }
  return Report(merged);
}

std::string Micros(int64_t nanos) { return absl::StrFormat("%.1f", nanos / 1000.0); }

std::string Millis(int64_t nanos) { return absl::StrFormat("%.3f", nanos / 1e6); }

std::string JsonEscaped(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"\\", "\\\\"}, {"\"", "\\\""}});
}

int LoadRun::Report(const Recorder& merged) {
  const double seconds = absl::ToDoubleSeconds(options_.duration);
  LatencyHistogram reads;
  int64_t reads_completed = 0;
  int64_t read_bytes = 0;
  for (int k = 0; k < kNumReadKinds; ++k) {
    reads.Merge(merged.latency[k]);
    reads_completed += merged.completed[k];
    read_bytes += merged.bytes[k];
  }
  const LatencyHistogram& publishes = merged.latency[kPublish];
  std::array<int64_t, kNumCodes> errors_by_code{};
  int64_t errors = 0;
  for (int k = 0; k < kNumKinds; ++k) {
    for (int c = 0; c < kNumCodes; ++c) {
      errors_by_code[c] += merged.errors[k][c];
      errors += merged.errors[k][c];
    }
  }
  const bool open_loop = flows_[kReads].enabled && flows_[kReads].rate > 0;
  const int64_t late = flows_[kReads].late_sends + flows_[kPublishes].late_sends;
  const int64_t unsent = flows_[kReads].unsent + flows_[kPublishes].unsent;

  // One JSON line on stdout. Rates count the calls that completed in the
  // measured window; latencies the calls that started in it.
  std::vector<std::string> kinds;
  for (int k = 0; k < kNumKinds; ++k) {
    const LatencyHistogram& h = merged.latency[k];
    if (h.count() == 0) continue;
    kinds.push_back(absl::StrFormat(
        R"("%s":{"calls":%d,"qps":%.1f,"p50_us":%s,"p90_us":%s,"p99_us":%s,"p999_us":%s,)"
        R"("max_us":%s,"mean_bytes":%.0f})",
        kKindNames[k], h.count(), merged.completed[k] / seconds, Micros(h.Quantile(0.5)),
        Micros(h.Quantile(0.9)), Micros(h.Quantile(0.99)), Micros(h.Quantile(0.999)),
        Micros(h.max()), static_cast<double>(merged.bytes[k]) / h.count()));
  }
  std::vector<std::string> codes;
  for (int c = 1; c < kNumCodes; ++c) {
    if (errors_by_code[c] > 0) {
      codes.push_back(absl::StrFormat(R"("%s":%d)", CodeName(c), errors_by_code[c]));
    }
  }
  std::printf(
      "%s\n",
      absl::StrFormat(
          R"({"label":"%s","target":"%s","mode":"%s","channels":%d,"outstanding":%d,"pool":%d,"keys":"%s",)"
          R"("rate":%.1f,"warmup_s":%.3f,"duration_s":%.3f,"mix":"%s","calls":%d,"qps":%.1f,)"
          R"("p50_us":%s,"p90_us":%s,"p99_us":%s,"p999_us":%s,"max_us":%s,"mean_us":%.1f,)"
          R"("mean_bytes":%.0f,"errors":%d,"errors_by_code":{%s},"late_sends":%d,"unsent":%d,)"
          R"("kinds":{%s},"publish":{"publishers":%d,"target_rate":%.1f,"calls":%d,)"
          R"("per_s":%.1f,"p50_us":%s,"p99_us":%s,"max_us":%s},"client_cpu_cores":%.3f})",
          JsonEscaped(options_.label), JsonEscaped(options_.target), open_loop ? "open" : "closed",
          options_.channels, options_.outstanding, options_.pool, JsonEscaped(options_.keys),
          options_.rate, absl::ToDoubleSeconds(options_.warmup), seconds, JsonEscaped(options_.mix),
          reads.count(), reads_completed / seconds, Micros(reads.Quantile(0.5)),
          Micros(reads.Quantile(0.9)), Micros(reads.Quantile(0.99)), Micros(reads.Quantile(0.999)),
          Micros(reads.max()), reads.mean() / 1000.0,
          reads.count() == 0 ? 0.0 : static_cast<double>(read_bytes) / reads.count(), errors,
          absl::StrJoin(codes, ","), late, unsent, absl::StrJoin(kinds, ","), options_.publishers,
          options_.publish_rate, publishes.count(), merged.completed[kPublish] / seconds,
          Micros(publishes.Quantile(0.5)), Micros(publishes.Quantile(0.99)),
          Micros(publishes.max()), client_cpu_cores_)
          .c_str());
  std::fflush(stdout);

  // The table on stderr.
  std::string mode = "closed loop";
  if (open_loop) {
    mode = absl::StrFormat("open loop at %.0f/s (at most %d in flight; %d sends late, %d unsent)",
                           options_.rate, flows_[kReads].concurrency, late, unsent);
  }
  std::string table = absl::StrFormat(
      "healthcontent-load %s%s: %s, %d channels x %d outstanding, %.1f s measured after %.1f s "
      "warm-up\n",
      options_.target, options_.label.empty() ? "" : absl::StrCat(" [", options_.label, "]"), mode,
      options_.channels, options_.outstanding, seconds, absl::ToDoubleSeconds(options_.warmup));
  absl::StrAppend(&table, absl::StrFormat("%-10s %10s %10s %9s %9s %9s %9s %9s %10s\n", "kind",
                                          "calls", "per s", "p50 ms", "p90 ms", "p99 ms",
                                          "p99.9 ms", "max ms", "bytes"));
  auto row = [&](const char* name, const LatencyHistogram& h, int64_t completed, int64_t bytes) {
    absl::StrAppend(
        &table,
        absl::StrFormat("%-10s %10d %10.1f %9s %9s %9s %9s %9s %10.0f\n", name, h.count(),
                        completed / seconds, Millis(h.Quantile(0.5)), Millis(h.Quantile(0.9)),
                        Millis(h.Quantile(0.99)), Millis(h.Quantile(0.999)), Millis(h.max()),
                        h.count() == 0 ? 0.0 : static_cast<double>(bytes) / h.count()));
  };
  for (int k = 0; k < kNumKinds; ++k) {
    if (merged.latency[k].count() > 0) {
      row(kKindNames[k], merged.latency[k], merged.completed[k], merged.bytes[k]);
    }
  }
  if (reads.count() > 0) row("all reads", reads, reads_completed, read_bytes);
  if (errors == 0) {
    absl::StrAppend(&table, "errors: none\n");
  } else {
    absl::StrAppend(&table, "errors:");
    for (int c = 1; c < kNumCodes; ++c) {
      if (errors_by_code[c] > 0) {
        absl::StrAppend(&table, " ", CodeName(c), "=", errors_by_code[c]);
      }
    }
    absl::StrAppend(&table, "\n");
    absl::MutexLock lock(&recorders_mu_);
    for (const std::string& sample : error_samples_) absl::StrAppend(&table, "  ", sample, "\n");
  }
  std::fputs(table.c_str(), stderr);

  if (!options_.csv.empty()) {
    std::error_code ec;
    const bool fresh = !std::filesystem::exists(options_.csv, ec) ||
                       std::filesystem::file_size(options_.csv, ec) == 0;
    std::ofstream csv(options_.csv, std::ios::app);
    if (fresh) {
      csv << "label,target,mode,channels,outstanding,rate,duration_s,mix,calls,qps,p50_us,p90_us,"
             "p99_us,p999_us,max_us,errors,late_sends,unsent,publish_calls,publish_per_s,"
             "publish_p50_us,publish_p99_us\n";
    }
    auto quoted = [](absl::string_view text) {
      return absl::StrCat("\"", absl::StrReplaceAll(text, {{"\"", "\"\""}}), "\"");
    };
    csv << absl::StrFormat(
        "%s,%s,%s,%d,%d,%.1f,%.3f,%s,%d,%.1f,%s,%s,%s,%s,%s,%d,%d,%d,%d,%.1f,%s,%s\n",
        quoted(options_.label), quoted(options_.target), open_loop ? "open" : "closed",
        options_.channels, options_.outstanding, options_.rate, seconds, quoted(options_.mix),
        reads.count(), reads_completed / seconds, Micros(reads.Quantile(0.5)),
        Micros(reads.Quantile(0.9)), Micros(reads.Quantile(0.99)), Micros(reads.Quantile(0.999)),
        Micros(reads.max()), errors, late, unsent, publishes.count(),
        merged.completed[kPublish] / seconds, Micros(publishes.Quantile(0.5)),
        Micros(publishes.Quantile(0.99)));
    if (!csv) {
      std::fprintf(stderr, "healthcontent-load: cannot append to %s\n", options_.csv.c_str());
    }
  }

  if (errors > 0) return 1;
  if (flows_[kReads].enabled && reads.count() == 0) {
    std::fprintf(stderr, "healthcontent-load: no read completed in the measured window\n");
    return 1;
  }
  if (flows_[kPublishes].enabled && publishes.count() == 0) {
    std::fprintf(stderr, "healthcontent-load: no publish completed in the measured window\n");
    return 1;
  }
  return 0;
}

// --probe: when is the target ready?
int RunProbe(const LoadOptions& options) {
  const absl::Time start = absl::Now();
  const absl::Time give_up = start + options.connect_timeout;
  std::shared_ptr<grpc::Channel> channel = MakeChannel(options.target, 0);
  bool ready = false;
  if (options.probe == "connect") {
    ready = channel->WaitForConnected(DeadlineIn(options.connect_timeout));
  } else if (options.probe == "health") {
    while (!ready && absl::Now() < give_up) {
      // A new channel (and so a new connection attempt) each time: a channel
      // whose first connection was refused, because the server was not
      // listening yet, waits out gRPC's reconnect backoff (about 5 s here)
      // before it tries again, which would be measured as start-up time.
      auto stub = grpc::health::v1::Health::NewStub(MakeChannel(options.target, 0));
      grpc::ClientContext context;
      context.set_deadline(DeadlineIn(absl::Milliseconds(200)));
      grpc::health::v1::HealthCheckRequest request;
      request.set_service(options.probe_service);
      grpc::health::v1::HealthCheckResponse response;
      grpc::Status status = stub->Check(&context, request, &response);
      ready = status.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
      // A service that becomes ready after the server (an index being
      // built) is polled less eagerly.
      if (!ready) absl::SleepFor(absl::Milliseconds(options.probe_service.empty() ? 2 : 100));
    }
  } else {
    std::fprintf(stderr, "healthcontent-load: --probe must be health or connect\n");
    return 2;
  }
  const absl::Time now = absl::Now();
  std::printf(
      "{\"probe\":\"%s\",\"target\":\"%s\",\"ready\":%s,\"ready_unix_ns\":%lld,"
      "\"waited_ms\":%.1f}\n",
      options.probe.c_str(), options.target.c_str(), ready ? "true" : "false",
      static_cast<long long>(absl::ToUnixNanos(now)), absl::ToDoubleMilliseconds(now - start));
  if (!ready) {
    std::fprintf(stderr, "healthcontent-load: %s not ready within %s\n", options.target.c_str(),
                 absl::FormatDuration(options.connect_timeout).c_str());
  }
  return ready ? 0 : 1;
}

}  // namespace

int RunLoad(const LoadOptions& options) {
  if (!options.probe.empty()) return RunProbe(options);
  LoadRun run(options);
  return run.Run();
}

}  // namespace healthcontent::bench
