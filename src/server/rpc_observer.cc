#include "server/rpc_observer.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/message.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/proto_buffer_reader.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <utility>

#include "absl/random/distributions.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "common/client_address.h"
#include "common/log.h"
#include "common/status_names.h"

namespace healthcontent::server {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::ServerRpcInfo;

constexpr size_t kMaxResourceBytes = 200;
constexpr size_t kMaxRequestIdLength = 64;
constexpr size_t kGeneratedRequestIdLength = 16;
constexpr char kRequestIdKey[] = "x-request-id";
constexpr std::chrono::milliseconds kDeadlineSlack(50);
// The server's own methods, whose requests are their generated messages.
constexpr absl::string_view kOwnMethodPrefix = "/healthcontent.";

// Canonical names of the status codes, by value.
constexpr int kNumCodes = 17;
// The canonical name of a status code ("NOT_FOUND"): gRPC's and Abseil's
// codes share values and names.
std::string CodeName(int code) {
  return std::string(StatusCodeName(static_cast<absl::StatusCode>(code)));
}

// A code outside the canonical ones counts as UNKNOWN.
int CodeIndex(grpc::StatusCode code) {
  const int index = static_cast<int>(code);
  return index >= 0 && index < kNumCodes ? index : static_cast<int>(grpc::StatusCode::UNKNOWN);
}

// 50 us to 10 s, x2 to x2.5 apart up to 250 ms, coarser above: reads take
// well under a millisecond, a publish or a large list tens of milliseconds.
const prometheus::Histogram::BucketBoundaries& DurationBuckets() {
  static const auto* const buckets = new prometheus::Histogram::BucketBoundaries{
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 10};
  return *buckets;
}

// Per thread, so that no call waits for another to draw a number.
absl::InsecureBitGen& Rng() {
  thread_local absl::InsecureBitGen rng;
  return rng;
}

bool IsValidRequestId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

// The length of s[0, n) without a UTF-8 character that a cut left
// incomplete at its end.
size_t WithoutCutCharacter(const char* s, size_t n) {
  size_t lead = n;
  size_t continuation = 0;
  while (lead > 0 && continuation < 3 && (static_cast<unsigned char>(s[lead - 1]) & 0xC0) == 0x80) {
    --lead;
    ++continuation;
  }
  if (lead == 0) return n;
  const unsigned char c = static_cast<unsigned char>(s[lead - 1]);
  const size_t expected = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  return expected > continuation ? lead - 1 : n;
}

// "/healthcontent.v1.ArticleService/GetArticle" in the generated pool.
const google::protobuf::MethodDescriptor* FindMethodDescriptor(absl::string_view path) {
  if (!absl::ConsumePrefix(&path, "/")) return nullptr;
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
      absl::StrReplaceAll(path, {{"/", "."}}));
}

// The singular string field `name` of `type`, or null.
const google::protobuf::FieldDescriptor* StringField(const google::protobuf::Descriptor* type,
                                                     const std::string& name) {
  const google::protobuf::FieldDescriptor* field = type->FindFieldByName(name);
  if (field == nullptr || field->is_repeated() ||
      field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) {
    return nullptr;
  }
  return field;
}

// Skips a field of wire type `wire_type` whose tag was just read; false on
// malformed input or a (proto2) group, which ends the scan.
bool SkipField(google::protobuf::io::CodedInputStream* input, uint32_t wire_type) {
  switch (wire_type) {
    case 0: {  // varint
      uint64_t ignored;
      return input->ReadVarint64(&ignored);
    }
    case 1:  // fixed64
      return input->Skip(8);
    case 2: {  // length-delimited
      uint32_t length;
      return input->ReadVarint32(&length) && input->Skip(static_cast<int>(length));
    }
    case 5:  // fixed32
      return input->Skip(4);
    default:
      return false;
  }
}

}  // namespace

struct RpcObserver::Method {
  // What the request is, as far as finding its resource goes.
  enum class Request {
    kOpaque,      // unknown type: no resource
    kMessage,     // the generated message of input_type
    kRawMessage,  // a grpc::ByteBuffer holding a serialized input_type
  };

  std::string label;  // "healthcontent.v1.ArticleService/GetArticle" or "unknown"
  // One of RpcObserverOptions::raw_methods.
  bool raw = false;
  // One of RpcObserverOptions::sampled_methods.
  bool sampled = false;
  Request request = Request::kOpaque;
  const google::protobuf::Descriptor* input_type = nullptr;
  // Singular string fields of input_type, or null.
  const google::protobuf::FieldDescriptor* name_field = nullptr;
  const google::protobuf::FieldDescriptor* parent_field = nullptr;
  // Null without metrics.
  prometheus::Histogram* duration = nullptr;
  // By status code, made on first use (under counters_mu_).
  mutable std::atomic<prometheus::Counter*> requests[kNumCodes]{};
};

namespace {

// Starts `facts` for a call of `method`: the clock.
void StartClock(const void* method, api::CallFacts& facts) {
  facts.method = method;
  facts.start = std::chrono::steady_clock::now();
}

// A random request id, which the client's own replaces when it sends a
// valid one.
void GenerateRequestId(api::CallFacts& facts) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t bits = absl::Uniform<uint64_t>(Rng());
  for (size_t i = 0; i < kGeneratedRequestIdLength; ++i, bits >>= 4) {
    facts.request_id[i] = kHex[bits & 0xF];
  }
  facts.request_id_length = kGeneratedRequestIdLength;
}

// The client's x-request-id, when valid, replaces the generated one.
template <typename Metadata>
void ReadRequestId(const Metadata& metadata, api::CallFacts& facts) {
  auto it = metadata.find(grpc::string_ref(kRequestIdKey));
  if (it == metadata.end()) return;
  absl::string_view id(it->second.data(), it->second.size());
  if (!IsValidRequestId(id)) return;
  std::memcpy(facts.request_id, id.data(), id.size());
  facts.request_id_length = id.size();
}

// Keeps at most kMaxResourceBytes of value[0, length), not ending inside
// a UTF-8 character.
void SetResource(const char* value, size_t length, api::CallFacts& facts) {
  size_t kept = length;
  if (kept > kMaxResourceBytes) kept = WithoutCutCharacter(value, kMaxResourceBytes);
  std::memcpy(facts.resource, value, kept);
  facts.resource_length = kept;
}

// How a call the client no longer waits for ended. The client's own timer
// usually cancels the call a little before the server's deadline (which
// counts from the call's arrival): within kDeadlineSlack counts as expired.
grpc::StatusCode EndedWithoutStatus(const grpc::ServerContextBase& context) {
  const bool expired = context.deadline() <= std::chrono::system_clock::now() + kDeadlineSlack;
  return expired ? grpc::StatusCode::DEADLINE_EXCEEDED : grpc::StatusCode::CANCELLED;
}

}  // namespace

static_assert(api::CallFacts::kMaxResource == kMaxResourceBytes);
static_assert(api::CallFacts::kMaxRequestId == kMaxRequestIdLength);

// Reads the resource of a request of `method` into `facts`: a generated
// message's fields by reflection, a raw method's bytes by a wire scan.
void RpcObserver::ReadResource(const Method& method, api::RequestRef request,
                               api::CallFacts& facts) {
  if (method.name_field == nullptr && method.parent_field == nullptr) return;
  if (request.message != nullptr && method.request == Method::Request::kMessage) {
    const google::protobuf::Message& message = *request.message;
    if (message.GetDescriptor() != method.input_type) return;
    const google::protobuf::Reflection* reflection = message.GetReflection();
    std::string scratch;  // unused for plain string fields: no copy is made
    for (const google::protobuf::FieldDescriptor* field :
         {method.name_field, method.parent_field}) {
      if (field == nullptr) continue;
      const std::string& value = reflection->GetStringReference(message, field, &scratch);
      if (!value.empty()) {
        SetResource(value.data(), value.size(), facts);
        return;
      }
    }
    return;
  }
  if (request.bytes == nullptr || method.request != Method::Request::kRawMessage) return;
  // Scans the serialized request for `name` and `parent` without parsing it
  // into a message (an allocation on the hottest path). As a parse would,
  // the last occurrence of a field wins. The copy shares the slices (a
  // reference count); reading it leaves the handler's buffer as it was.
  grpc::ByteBuffer copy(*request.bytes);
  grpc::ProtoBufferReader reader(&copy);
  google::protobuf::io::CodedInputStream input(&reader);
  const int name_number = method.name_field ? method.name_field->number() : 0;
  const int parent_number = method.parent_field ? method.parent_field->number() : 0;
  char name[kMaxResourceBytes + 1];
  char parent[kMaxResourceBytes + 1];
  size_t name_length = 0, parent_length = 0;
  for (uint32_t tag = input.ReadTag(); tag != 0; tag = input.ReadTag()) {
    const int number = static_cast<int>(tag >> 3);
    const uint32_t wire_type = tag & 7;
    const bool wanted = number != 0 && (number == name_number || number == parent_number);
    if (!wanted || wire_type != 2) {
      if (!SkipField(&input, wire_type)) break;
      continue;
    }
    uint32_t length;
    if (!input.ReadVarint32(&length)) break;
    // One byte past the limit tells SetResource that the value was cut.
    const size_t kept = std::min<size_t>(length, kMaxResourceBytes + 1);
    char* buffer = number == name_number ? name : parent;
    if (!input.ReadRaw(buffer, static_cast<int>(kept)) ||
        !input.Skip(static_cast<int>(length - kept))) {
      break;
    }
    (number == name_number ? name_length : parent_length) = kept;
  }
  if (name_length > 0) {
    SetResource(name, name_length, facts);
  } else if (parent_length > 0) {
    SetResource(parent, parent_length, facts);
  }
}

// One intercepted call (streams, health, reflection, unknown methods). The
// request id and the resource are written by the hooks of the call's first
// batch, which run before the handler; the rest by the one Finish that wins.
class RpcObserver::Call final : public grpc::experimental::Interceptor {
 public:
  Call(RpcObserver* observer, ServerRpcInfo* info, Method* method)
      : observer_(observer), info_(info) {
    StartClock(method, facts_);
    GenerateRequestId(facts_);
  }

  // A call that ended without either hook above (not expected with the
  // callback API, but the gauge must not drift) counts as cancelled, logged
  // without its peer: the context may be gone by now.
  ~Call() override {
    if (!finished_.exchange(true, std::memory_order_acq_rel)) {
      observer_->Finish(nullptr, facts_, grpc::StatusCode::CANCELLED);
    }
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      const auto* metadata = methods->GetRecvInitialMetadata();
      if (metadata != nullptr) ReadRequestId(*metadata, facts_);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      ReadRequest(methods->GetRecvMessage());
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      std::multimap<std::string, std::string>* metadata = methods->GetSendInitialMetadata();
      if (metadata != nullptr) {
        metadata->emplace(kRequestIdKey, std::string(facts_.request_id, facts_.request_id_length));
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) &&
        !finished_.exchange(true, std::memory_order_acq_rel)) {
      observer_->Finish(info_->server_context(), facts_, methods->GetSendStatus().error_code());
    }
    // The call is over; if no status went first, the client cancelled it or
    // its deadline passed (a status the handler sends later is not counted).
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_CLOSE) &&
        !finished_.exchange(true, std::memory_order_acq_rel)) {
      observer_->Finish(info_->server_context(), facts_,
                        EndedWithoutStatus(*info_->server_context()));
    }
    methods->Proceed();
  }

 private:
  // Only a request that comes with the call (server-streaming methods; unary
  // ones of ours are observed by their handlers) is read: it is seen before
  // the handler runs, so whichever thread finishes the call sees the
  // resource. No method of ours streams requests.
  void ReadRequest(void* request) {
    const ServerRpcInfo::Type type = info_->type();
    if (request == nullptr ||
        (type != ServerRpcInfo::Type::UNARY && type != ServerRpcInfo::Type::SERVER_STREAMING)) {
      return;
    }
    const Method& method = *static_cast<const Method*>(facts_.method);
    switch (method.request) {
      case Method::Request::kOpaque:
        return;
      case Method::Request::kMessage:
        // Requests of the server's own non-raw methods are generated messages
        // (single inheritance: the Message is at the same address).
        ReadResource(method, *static_cast<const google::protobuf::Message*>(request), facts_);
        return;
      case Method::Request::kRawMessage:
        ReadResource(method, *static_cast<const grpc::ByteBuffer*>(request), facts_);
        return;
    }
  }

  RpcObserver* const observer_;
  ServerRpcInfo* const info_;
  std::atomic<bool> finished_{false};
  api::CallFacts facts_;
};

void RpcObserver::Begin(grpc::CallbackServerContext& /*context*/, const char* method_path,
                        api::CallFacts& facts) {
  Method* method = FindMethod(method_path);
  if (in_flight_ != nullptr) in_flight_->Increment();
  StartClock(method, facts);
}

void RpcObserver::End(grpc::CallbackServerContext& context, api::RequestRef request,
                      api::CallFacts& facts, grpc::StatusCode code) {
  const double seconds = Count(&context, facts, code);
  const Method& method = *static_cast<const Method*>(facts.method);
  // Only what the log line needs is read, and only when there is one.
  const bool logged = ShouldLog(method, code);
  ReadRequestId(context.client_metadata(), facts);
  if (logged) {
    if (facts.request_id_length == 0) GenerateRequestId(facts);
    ReadResource(method, request, facts);
  }
  if (facts.request_id_length > 0) {
    context.AddInitialMetadata(kRequestIdKey,
                               std::string(facts.request_id, facts.request_id_length));
  }
  if (logged) LogCall(&context, method, facts, code, seconds);
}

double RpcObserver::Count(const grpc::ServerContextBase* context, const api::CallFacts& facts,
                          grpc::StatusCode& code) {
  // A handler answers CANCELLED when it learns that the client has gone;
  // the deadline tells whether the client gave up or ran out of time.
  if (code == grpc::StatusCode::CANCELLED && context != nullptr) {
    code = EndedWithoutStatus(*context);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - facts.start).count();
  Record(*static_cast<const Method*>(facts.method), code, seconds);
  return seconds;
}

void RpcObserver::Finish(const grpc::ServerContextBase* context, const api::CallFacts& facts,
                         grpc::StatusCode code) {
  const double seconds = Count(context, facts, code);
  const Method& method = *static_cast<const Method*>(facts.method);
  if (ShouldLog(method, code)) LogCall(context, method, facts, code, seconds);
}

bool RpcObserver::ShouldLog(const Method& method, grpc::StatusCode code) const {
  if (code != grpc::StatusCode::OK) return LogEnabled(LogLevel::kWarn);
  return method.sampled ? SampleOk() : LogEnabled(LogLevel::kInfo);
}

void RpcObserver::LogCall(const grpc::ServerContextBase* context, const Method& method,
                          const api::CallFacts& facts, grpc::StatusCode code,
                          double seconds) const {
  const bool ok = code == grpc::StatusCode::OK;
  // Milliseconds with three decimals ("12.345"), without printf's cost.
  const int64_t micros = static_cast<int64_t>(seconds * 1e6 + 0.5);
  char fraction[4] = {static_cast<char>('0' + micros / 100 % 10),
                      static_cast<char>('0' + micros / 10 % 10),
                      static_cast<char>('0' + micros % 10), '\0'};
  const std::string latency_ms = absl::StrCat(micros / 1000, ".", fraction);
  std::string peer = context != nullptr ? context->peer() : std::string();
  if (peer == kInProcessPeer) {
    // A call from the HTTP face: the client it serves, as "http:<address>".
    const auto& metadata = context->client_metadata();
    if (auto it = metadata.find("x-forwarded-for"); it != metadata.end()) {
      peer = absl::StrCat(
          "http:", ClientAddress(peer, absl::string_view(it->second.data(), it->second.size()),
                                 TrustedProxies()));
    }
  }
  Log(ok ? LogLevel::kInfo : LogLevel::kWarn, "rpc",
      {{"method", method.label},
       {"resource", absl::string_view(facts.resource, facts.resource_length)},
       {"code", CodeName(CodeIndex(code))},
       {"latency_ms", latency_ms},
       {"peer", peer},
       {"request_id", absl::string_view(facts.request_id, facts.request_id_length)}});
}

absl::StatusOr<std::unique_ptr<RpcObserver>> RpcObserver::Create(RpcObserverOptions options) {
  if (!(options.log_sample >= 0 && options.log_sample <= 1)) {  // NaN too
    return absl::InvalidArgumentError(
        absl::StrCat("the rpc log sample must be between 0 and 1, got ", options.log_sample));
  }
  for (const std::string& method : options.raw_methods) {
    if (FindMethodDescriptor(method) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "raw method \"", method,
          "\" is not a method of the generated descriptor pool (\"/package.Service/Method\")"));
    }
  }
  return std::unique_ptr<RpcObserver>(new RpcObserver(std::move(options)));
}

RpcObserver::RpcObserver(RpcObserverOptions options)
    : log_sample_(options.log_sample),
      raw_methods_(std::move(options.raw_methods)),
      sampled_methods_(std::move(options.sampled_methods)) {
  if (options.metrics != nullptr) {
    prometheus::Registry& registry = options.metrics->registry();
    requests_ = &prometheus::BuildCounter()
                     .Name("healthcontent_rpc_requests_total")
                     .Help("gRPC calls handled, by method and status code.")
                     .Register(registry);
    durations_ = &prometheus::BuildHistogram()
                      .Name("healthcontent_rpc_duration_seconds")
                      .Help("Time from a call's arrival to its status, by method.")
                      .Register(registry);
    in_flight_ = &prometheus::BuildGauge()
                      .Name("healthcontent_rpc_in_flight")
                      .Help("gRPC calls begun and not yet finished.")
                      .Register(registry)
                      .Add({});
  }
  unknown_method_ = NewMethod("unknown");
  for (const std::set<std::string>* paths : {&raw_methods_, &sampled_methods_}) {
    for (const std::string& path : *paths) {
      if (!known_methods_.contains(path)) known_methods_.emplace(path, NewMethod(path));
    }
  }
}

RpcObserver::~RpcObserver() = default;

grpc::experimental::Interceptor* RpcObserver::CreateServerInterceptor(ServerRpcInfo* info) {
  // Calls of methods the server does not have arrive as generic (bidi)
  // calls; they share one label so that clients cannot add label values.
  const bool unknown =
      info->method() == nullptr ||
      (info->type() == ServerRpcInfo::Type::BIDI_STREAMING &&
       dynamic_cast<grpc::GenericCallbackServerContext*>(info->server_context()) != nullptr);
  Method* method = unknown ? unknown_method_.get() : FindMethod(info->method());
  // Unary calls of the raw methods (the hot reads) are observed by their
  // handlers (api::Unary): no interceptor, no per-call hooks. Typed methods
  // keep the interceptor, which also sees the calls gRPC ends before any
  // handler runs (a request that does not parse).
  if (method->raw && info->type() == ServerRpcInfo::Type::UNARY) return nullptr;
  if (in_flight_ != nullptr) in_flight_->Increment();
  return new Call(this, info, method);
}

RpcObserver::Method* RpcObserver::FindMethod(absl::string_view path) {
  if (auto it = known_methods_.find(path); it != known_methods_.end()) return it->second.get();
  {
    absl::ReaderMutexLock lock(&methods_mu_);
    auto it = methods_.find(path);
    if (it != methods_.end()) return it->second.get();
  }
  // First call of the method: made outside the lock. Two threads may both
  // make one; the second is dropped (its metrics are the same objects).
  std::unique_ptr<Method> method = NewMethod(path);
  absl::MutexLock lock(&methods_mu_);
  return methods_.try_emplace(path, std::move(method)).first->second.get();
}

std::unique_ptr<RpcObserver::Method> RpcObserver::NewMethod(absl::string_view path) const {
  auto method = std::make_unique<Method>();
  method->label = std::string(absl::StripPrefix(path, "/"));
  if (durations_ != nullptr) {
    method->duration = &durations_->Add({{"method", method->label}}, DurationBuckets());
  }
  const bool raw = raw_methods_.count(std::string(path)) > 0;
  method->raw = raw;
  method->sampled = sampled_methods_.count(std::string(path)) > 0;
  if (!raw && !absl::StartsWith(path, kOwnMethodPrefix)) return method;
  const google::protobuf::MethodDescriptor* descriptor = FindMethodDescriptor(path);
  if (descriptor == nullptr) return method;
  method->input_type = descriptor->input_type();
  method->name_field = StringField(method->input_type, "name");
  method->parent_field = StringField(method->input_type, "parent");
  if (method->name_field != nullptr || method->parent_field != nullptr) {
    method->request = raw ? Method::Request::kRawMessage : Method::Request::kMessage;
  }
  return method;
}

void RpcObserver::Record(const Method& method, grpc::StatusCode code, double seconds) {
  if (requests_ == nullptr) return;
  const int index = CodeIndex(code);
  std::atomic<prometheus::Counter*>& slot = method.requests[index];
  prometheus::Counter* counter = slot.load(std::memory_order_acquire);
  if (counter == nullptr) {
    absl::MutexLock lock(&counters_mu_);
    counter = slot.load(std::memory_order_relaxed);
    if (counter == nullptr) {
      counter = &requests_->Add({{"method", method.label}, {"code", CodeName(index)}});
      slot.store(counter, std::memory_order_release);
    }
  }
  counter->Increment();
  method.duration->Observe(seconds);
  in_flight_->Decrement();
}

bool RpcObserver::SampleOk() const {
  if (log_sample_ <= 0 || !LogEnabled(LogLevel::kInfo)) return false;
  return log_sample_ >= 1 || absl::Uniform(Rng(), 0.0, 1.0) < log_sample_;
}

}  // namespace healthcontent::server
