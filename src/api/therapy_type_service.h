// healthcontent.v1.TherapyTypeService over the callback API: each handler is
// Unary() (api/unary_call.h) over a query of api/catalog_query.h.
#ifndef HEALTHCONTENT_API_THERAPY_TYPE_SERVICE_H_
#define HEALTHCONTENT_API_THERAPY_TYPE_SERVICE_H_

#include "api/service_context.h"
#include "healthcontent/v1/therapy_type_service.grpc.pb.h"

namespace healthcontent::api {

class TherapyTypeService final : public v1::TherapyTypeService::CallbackService {
 public:
  explicit TherapyTypeService(const ServiceContext* services) : services_(services) {}

  grpc::ServerUnaryReactor* GetTherapyType(grpc::CallbackServerContext* context,
                                           const v1::GetTherapyTypeRequest* request,
                                           v1::TherapyType* response) override;
  grpc::ServerUnaryReactor* ListTherapyTypes(grpc::CallbackServerContext* context,
                                             const v1::ListTherapyTypesRequest* request,
                                             v1::ListTherapyTypesResponse* response) override;
  grpc::ServerUnaryReactor* UpsertTherapyType(grpc::CallbackServerContext* context,
                                              const v1::UpsertTherapyTypeRequest* request,
                                              v1::TherapyType* response) override;

 private:
  const ServiceContext* services_;
};

}  // namespace healthcontent::api

#endif  // HEALTHCONTENT_API_THERAPY_TYPE_SERVICE_H_
