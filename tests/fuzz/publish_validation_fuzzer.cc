// libFuzzer target: request validation of PublishArticleRevision, fed
// decoded protos (the bytes are parsed as the request message).
#include <cstddef>
#include <cstdint>

#include "domain/article_rules.h"
#include "healthcontent/v1/article_service.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace healthcontent;
  v1::PublishArticleRevisionRequest request;
  if (!request.ParseFromArray(data, static_cast<int>(size))) return 0;
  absl::Status status = domain::ValidatePublishRequest(request);
  if (status.ok()) {
    (void)domain::PublishContentHash(request);
    (void)domain::ComputeEtag(request.article());
    (void)domain::ArticleBodyText(request.article());
    for (const auto& ref : request.article().references()) {
      (void)domain::ReferenceIdForKey(domain::ReferenceMatchKey(ref));
    }
  } else if (status.code() != absl::StatusCode::kInvalidArgument) {
    __builtin_trap();
  }
  return 0;
}
