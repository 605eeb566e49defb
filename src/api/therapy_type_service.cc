#include "api/therapy_type_service.h"

#include "api/catalog_query.h"
#include "api/unary_call.h"

namespace healthcontent::api {
namespace {

constexpr UnaryMethod kGetTherapyType{"/healthcontent.v1.TherapyTypeService/GetTherapyType",
                                      Role::kNone};
constexpr UnaryMethod kListTherapyTypes{"/healthcontent.v1.TherapyTypeService/ListTherapyTypes",
                                        Role::kNone};
constexpr UnaryMethod kUpsertTherapyType{"/healthcontent.v1.TherapyTypeService/UpsertTherapyType",
                                         Role::kPublisher};

}  // namespace

grpc::ServerUnaryReactor* TherapyTypeService::GetTherapyType(
    grpc::CallbackServerContext* context, const v1::GetTherapyTypeRequest* request,
    v1::TherapyType* response) {
  return Unary(*services_, context, kGetTherapyType, *request, [&](const CallScope& call) {
    return api::GetTherapyType(*services_, call, *request, response);
  });
}

grpc::ServerUnaryReactor* TherapyTypeService::ListTherapyTypes(
    grpc::CallbackServerContext* context, const v1::ListTherapyTypesRequest* request,
    v1::ListTherapyTypesResponse* response) {
  return Unary(*services_, context, kListTherapyTypes, *request, [&](const CallScope& call) {
    return api::ListTherapyTypes(*services_, call, *request, response);
  });
}

grpc::ServerUnaryReactor* TherapyTypeService::UpsertTherapyType(
    grpc::CallbackServerContext* context, const v1::UpsertTherapyTypeRequest* request,
    v1::TherapyType* response) {
  return Unary(*services_, context, kUpsertTherapyType, *request, [&](const CallScope& call) {
    return api::UpsertTherapyType(call, *request, response);
  });
}

}  // namespace healthcontent::api
