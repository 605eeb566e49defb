// healthcontent.v1.ReferenceService over the callback API: each handler is
// Unary() (api/unary_call.h) over a query of api/catalog_query.h.
#ifndef HEALTHCONTENT_API_REFERENCE_SERVICE_H_
#define HEALTHCONTENT_API_REFERENCE_SERVICE_H_

#include "api/service_context.h"
#include "healthcontent/v1/reference_service.grpc.pb.h"

namespace healthcontent::api {

class ReferenceService final : public v1::ReferenceService::CallbackService {
 public:
  explicit ReferenceService(const ServiceContext* services) : services_(services) {}

  grpc::ServerUnaryReactor* GetReference(grpc::CallbackServerContext* context,
                                         const v1::GetReferenceRequest* request,
                                         v1::Reference* response) override;
  grpc::ServerUnaryReactor* ListReferences(grpc::CallbackServerContext* context,
                                           const v1::ListReferencesRequest* request,
                                           v1::ListReferencesResponse* response) override;

 private:
  const ServiceContext* services_;
};

}  // namespace healthcontent::api

#endif  // HEALTHCONTENT_API_REFERENCE_SERVICE_H_
