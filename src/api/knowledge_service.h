// healthcontent.v1.KnowledgeService over the callback API: each handler checks
// the caller and hands the request to api/knowledge_query.h.
#ifndef HEALTHCONTENT_API_KNOWLEDGE_SERVICE_H_
#define HEALTHCONTENT_API_KNOWLEDGE_SERVICE_H_

#include "api/service_context.h"
#include "healthcontent/v1/knowledge_service.grpc.pb.h"

namespace healthcontent::api {

class KnowledgeService final : public v1::KnowledgeService::CallbackService {
 public:
  explicit KnowledgeService(const ServiceContext* services) : services_(services) {}

  grpc::ServerUnaryReactor* RetrieveKnowledge(grpc::CallbackServerContext* context,
                                              const v1::RetrieveKnowledgeRequest* request,
                                              v1::RetrieveKnowledgeResponse* response) override;
  grpc::ServerUnaryReactor* SetArticleCodes(grpc::CallbackServerContext* context,
                                            const v1::SetArticleCodesRequest* request,
                                            v1::ArticleCoding* response) override;
  grpc::ServerUnaryReactor* ListArticleCodings(grpc::CallbackServerContext* context,
                                               const v1::ListArticleCodingsRequest* request,
                                               v1::ListArticleCodingsResponse* response) override;

 private:
  const ServiceContext* services_;
};

}  // namespace healthcontent::api

#endif  // HEALTHCONTENT_API_KNOWLEDGE_SERVICE_H_
