#include "http/grpc_bridge.h"

#include <grpcpp/client_context.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/client_callback.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"

namespace healthcontent::http {
namespace {

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  out.reserve(buffer.Length());
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

std::multimap<std::string, std::string> Copy(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
  std::multimap<std::string, std::string> out;
  for (const auto& [key, value] : metadata) {
    out.emplace(std::string(key.data(), key.size()), std::string(value.data(), value.size()));
  }
  return out;
}

// Sets up `context`, or says which value gRPC would refuse: a metadata
// value outside printable ASCII makes gRPC C++ 1.51 abort the process when
// the call starts, so it must never reach AddMetadata.
grpc::Status Prepare(const CallOptions& options, grpc::ClientContext* context) {
  for (const auto& [key, value] : options.metadata) {
    const bool printable = std::all_of(value.begin(), value.end(), [](char c) {
      return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) <= 0x7e;
    });
    if (!printable) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          absl::StrCat(key, ": must be printable ASCII"));
    }
  }
  for (const auto& [key, value] : options.metadata) context->AddMetadata(key, value);
  if (options.deadline != absl::InfiniteFuture()) {
    context->set_deadline(absl::ToChronoTime(options.deadline));
  }
  return grpc::Status::OK;
}

// The events of one server-streaming call, waited for by the HTTP thread.
class StreamReactor : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  void OnReadDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    if (ok) {
      has_message_ = true;
    } else {
      reads_over_ = true;
    }
  }
  void OnDone(const grpc::Status& status) override {
    absl::MutexLock lock(&mu_);
    status_ = status;
    done_ = true;
  }

  enum class Event { kMessage, kEnd, kIdle };
  // Waits up to `idle` for the next message (kMessage, in `*message`) or
  // the end of reads (kEnd).
  Event Next(absl::Duration idle, std::string* message) {
    absl::MutexLock lock(&mu_);
    const bool woke =
        mu_.AwaitWithTimeout(absl::Condition(
                                 +[](StreamReactor* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
                                   return self->has_message_ || self->reads_over_ || self->done_;
                                 },
                                 this),
                             idle);
    if (!woke) return Event::kIdle;
    if (!has_message_) return Event::kEnd;
    has_message_ = false;
    *message = FromBuffer(buffer_);
    return Event::kMessage;
  }
  grpc::Status AwaitDone() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&done_));
    return status_;
  }
  grpc::ByteBuffer* buffer() { return &buffer_; }

 private:
  absl::Mutex mu_;
  bool has_message_ ABSL_GUARDED_BY(mu_) = false;
  bool reads_over_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status status_ ABSL_GUARDED_BY(mu_);
  grpc::ByteBuffer buffer_;  // written by gRPC between StartRead and OnReadDone
};

}  // namespace

GrpcBridge::GrpcBridge(std::shared_ptr<grpc::Channel> channel)
    : channel_(std::move(channel)), stub_(channel_) {}

CallResult GrpcBridge::Unary(const std::string& path, const std::string& request,
                             const CallOptions& options) {
  grpc::ClientContext context;
  CallResult result;
  result.status = Prepare(options, &context);
  if (!result.status.ok()) return result;
  const grpc::ByteBuffer request_buffer = ToBuffer(request);
  grpc::ByteBuffer response_buffer;
  absl::Notification done;
  stub_.UnaryCall(&context, path, grpc::StubOptions(), &request_buffer, &response_buffer,
                  [&](grpc::Status status) {
                    result.status = std::move(status);
                    done.Notify();
                  });
  done.WaitForNotification();
  if (result.status.ok()) result.response = FromBuffer(response_buffer);
  result.headers = Copy(context.GetServerInitialMetadata());
  result.trailers = Copy(context.GetServerTrailingMetadata());
  return result;
}

CallResult GrpcBridge::ServerStream(const std::string& path, const std::string& request,
                                    const CallOptions& options, absl::Duration idle_timeout,
                                    const std::function<bool(const std::string&)>& on_message) {
  grpc::ClientContext context;
  {
    CallResult refused;
    refused.status = Prepare(options, &context);
    if (!refused.status.ok()) return refused;
  }
  const grpc::ByteBuffer request_buffer = ToBuffer(request);
  StreamReactor reactor;
  stub_.PrepareBidiStreamingCall(&context, path, grpc::StubOptions(), &reactor);
  // This thread starts reads outside gRPC's reactions: the hold keeps the
  // call alive (no OnDone) until it has started its last one.
  reactor.AddHold();
  reactor.StartWriteLast(&request_buffer, grpc::WriteOptions());
  reactor.StartRead(reactor.buffer());
  reactor.StartCall();
  std::string message;
  bool idle = false;
  for (;;) {
    const StreamReactor::Event event = reactor.Next(idle_timeout, &message);
    if (event == StreamReactor::Event::kEnd) break;
    if (event == StreamReactor::Event::kIdle || !on_message(message)) {
      idle = event == StreamReactor::Event::kIdle;
      context.TryCancel();
      break;
    }
    reactor.StartRead(reactor.buffer());
  }
  reactor.RemoveHold();
  CallResult result;
  result.status = reactor.AwaitDone();
  if (idle) {
    result.status = grpc::Status(
        grpc::StatusCode::UNAVAILABLE,
        absl::StrCat("no message for ", absl::FormatDuration(idle_timeout),
                     ": the stream ends so that a client that has gone frees its worker; "
                     "reconnect, resuming after the last message received"));
  }
  result.trailers = Copy(context.GetServerTrailingMetadata());
  return result;
}

}  // namespace healthcontent::http
