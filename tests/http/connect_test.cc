// The Connect protocol pieces and the resource routes, without a server.
#include "http/connect.h"

#include <string>
#include <vector>

#include "common/field_errors.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/article_service.pb.h"
#include "healthcontent/v1/change_service.pb.h"
#include "http/methods.h"
#include "http/rest_routes.h"
#include "nlohmann/json.hpp"

namespace healthcontent::http {
namespace {

using ::testing::HasSubstr;

TEST(ConnectCodesTest, NamesAndHttpStatusesFollowTheSpec) {
  const std::vector<std::tuple<grpc::StatusCode, std::string, int>> table = {
      {grpc::StatusCode::CANCELLED, "canceled", 499},
      {grpc::StatusCode::UNKNOWN, "unknown", 500},
      {grpc::StatusCode::INVALID_ARGUMENT, "invalid_argument", 400},
      {grpc::StatusCode::DEADLINE_EXCEEDED, "deadline_exceeded", 504},
      {grpc::StatusCode::NOT_FOUND, "not_found", 404},
      {grpc::StatusCode::ALREADY_EXISTS, "already_exists", 409},
      {grpc::StatusCode::PERMISSION_DENIED, "permission_denied", 403},
      {grpc::StatusCode::RESOURCE_EXHAUSTED, "resource_exhausted", 429},
      {grpc::StatusCode::FAILED_PRECONDITION, "failed_precondition", 400},
      {grpc::StatusCode::ABORTED, "aborted", 409},
      {grpc::StatusCode::OUT_OF_RANGE, "out_of_range", 400},
      {grpc::StatusCode::UNIMPLEMENTED, "unimplemented", 501},
      {grpc::StatusCode::INTERNAL, "internal", 500},
      {grpc::StatusCode::UNAVAILABLE, "unavailable", 503},
      {grpc::StatusCode::DATA_LOSS, "data_loss", 500},
      {grpc::StatusCode::UNAUTHENTICATED, "unauthenticated", 401},
  };
  for (const auto& [code, name, http] : table) {
    EXPECT_EQ(ConnectCodeName(code), name);
    EXPECT_EQ(HttpStatusForCode(code), http) << name;
  }
}

TEST(ConnectErrorTest, DetailsCarryTheBinaryValueAndADebugCopy) {
  google::rpc::BadRequest bad_request;
  auto* violation = bad_request.add_field_violations();
  violation->set_field("name");
  violation->set_description("must look like articles/{slug}");
  google::rpc::Status rich;
  rich.set_code(3);
  rich.set_message("name: must look like articles/{slug}");
  rich.add_details()->PackFrom(bad_request);
  const grpc::Status status(grpc::StatusCode::INVALID_ARGUMENT, rich.message(),
                            rich.SerializeAsString());

  const nlohmann::json error = nlohmann::json::parse(ErrorJson(status));
  EXPECT_EQ(error["code"], "invalid_argument");
  EXPECT_EQ(error["message"], "name: must look like articles/{slug}");
  ASSERT_EQ(error["details"].size(), 1u);
  const nlohmann::json& detail = error["details"][0];
  EXPECT_EQ(detail["type"], "google.rpc.BadRequest");
  const std::string value = detail["value"];
  EXPECT_EQ(value.find('='), std::string::npos) << "unpadded";
  absl::StatusOr<std::string> bytes = DecodeBase64Any(value);
  ASSERT_TRUE(bytes.ok());
  google::rpc::BadRequest round_trip;
  ASSERT_TRUE(round_trip.ParseFromString(*bytes));
  EXPECT_EQ(round_trip.field_violations(0).field(), "name");
  EXPECT_EQ(detail["debug"]["fieldViolations"][0]["field"], "name");
}

TEST(ConnectErrorTest, EndStreamIsEmptyAfterSuccessAndCarriesTheError) {
  EXPECT_EQ(EndStreamJson(grpc::Status::OK), "{}");
  const nlohmann::json end = nlohmann::json::parse(
      EndStreamJson(grpc::Status(grpc::StatusCode::UNAVAILABLE, "shutting down")));
  EXPECT_EQ(end,
            (nlohmann::json{{"error", {{"code", "unavailable"}, {"message", "shutting down"}}}}));
}

TEST(ConnectErrorTest, InvalidUtf8InAMessageIsReplacedNotThrown) {
  const std::string json =
      ErrorJson(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::string("bad \xff byte")));
  EXPECT_THAT(json, HasSubstr("invalid_argument"));
}

TEST(ConnectTimeoutTest, TenDigitsAtMost) {
  EXPECT_EQ(*ParseTimeoutMs("1500"), absl::Milliseconds(1500));
  EXPECT_EQ(*ParseTimeoutMs("9999999999"), absl::Milliseconds(9999999999));
  for (const char* bad : {"", "-1", "1.5", "12345678901", "10s", " 5"}) {
    absl::StatusOr<absl::Duration> parsed = ParseTimeoutMs(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_THAT(parsed.status().message(), HasSubstr("Connect-Timeout-Ms"));
  }
}

TEST(ConnectEnvelopeTest, RoundTripAndMalformedBodies) {
  const std::string envelope = Envelope(0, "{\"since\":\"3\"}");
  ASSERT_EQ(envelope.size(), 5u + 13u);
  EXPECT_EQ(envelope.substr(0, 5), std::string("\0\0\0\0\x0d", 5));
  EXPECT_EQ(*SingleEnvelopedMessage(envelope), "{\"since\":\"3\"}");
  EXPECT_EQ(*SingleEnvelopedMessage(Envelope(0, "")), "");
  EXPECT_EQ(Envelope(kEnvelopeEndStream, "{}")[0], '\x02');

  EXPECT_THAT(SingleEnvelopedMessage("abc").status().message(), HasSubstr("one enveloped message"));
  EXPECT_THAT(SingleEnvelopedMessage(envelope + envelope).status().message(),
              HasSubstr("exactly one message"));
  EXPECT_THAT(SingleEnvelopedMessage(envelope.substr(0, 10)).status().message(),
              HasSubstr("the envelope says 13 bytes but 5 follow"));
  EXPECT_EQ(SingleEnvelopedMessage(Envelope(kEnvelopeCompressed, "x")).status().code(),
            absl::StatusCode::kUnimplemented);
}

TEST(ConnectBase64Test, BothAlphabetsWithOrWithoutPadding) {
  EXPECT_EQ(Base64Unpadded("\xfb\xff"), "+/8");
  EXPECT_EQ(*DecodeBase64Any("-_8"), "\xfb\xff");
  EXPECT_EQ(*DecodeBase64Any("+/8="), "\xfb\xff");
  EXPECT_FALSE(DecodeBase64Any("!!!").ok());
}

TEST(MethodTableTest, EveryServiceMethodWithItsSideEffectMark) {
  const MethodTable table("healthcontent.v1");
  const Method* get = table.Find("/healthcontent.v1.ArticleService/GetArticle");
  ASSERT_NE(get, nullptr);
  EXPECT_TRUE(get->no_side_effects);
  EXPECT_FALSE(get->server_streaming);
  const Method* publish = table.Find("/healthcontent.v1.ArticleService/PublishArticleRevision");
  ASSERT_NE(publish, nullptr);
  EXPECT_FALSE(publish->no_side_effects);
  const Method* watch = table.Find("/healthcontent.v1.ChangeService/WatchChanges");
  ASSERT_NE(watch, nullptr);
  EXPECT_TRUE(watch->server_streaming);
  EXPECT_EQ(table.Find("/healthcontent.v1.ArticleService/Nope"), nullptr);
  EXPECT_EQ(table.methods().size(), 18u);
}

TEST(CodecTest, JsonIsTheCanonicalMappingAndUnknownFieldsAreErrors) {
  v1::GetArticleRequest request;
  ASSERT_TRUE(Decode(Codec::kJson, R"({"name":"articles/a","asOf":{"year":2024,"month":3,"day":1},
                                       "view":"ARTICLE_VIEW_BASIC"})",
                     &request)
                  .ok());
  EXPECT_EQ(request.name(), "articles/a");
  EXPECT_EQ(request.as_of().year(), 2024);
  EXPECT_EQ(request.view(), v1::ARTICLE_VIEW_BASIC);
  EXPECT_EQ(
      Encode(Codec::kJson, request),
      R"({"name":"articles/a","asOf":{"year":2024,"month":3,"day":1},"view":"ARTICLE_VIEW_BASIC"})");

  v1::GetArticleRequest bad;
  absl::Status status = Decode(Codec::kJson, R"({"nmae":"articles/a"})", &bad);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("request body: not a valid JSON "
                                          "healthcontent.v1.GetArticleRequest"));
  EXPECT_THAT(status.message(), HasSubstr("nmae"));
  EXPECT_FALSE(Decode(Codec::kJson, "{", &bad).ok());
  EXPECT_FALSE(Decode(Codec::kProto, "\xff\xff\xff", &bad).ok());
  EXPECT_TRUE(Decode(Codec::kJson, "", &bad).ok());  // the empty message
}

TEST(RestRoutesTest, RulesMatchResourcePathsAndBindTheirVariables) {
  const MethodTable table("healthcontent.v1");
  const RestRoutes routes(table);
  Bindings bindings;
  const Method* m = routes.Match("/v1/articles/biological-therapy-for-cancer", &bindings);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->path, "/healthcontent.v1.ArticleService/GetArticle");
  EXPECT_EQ(bindings, (Bindings{{"name", "articles/biological-therapy-for-cancer"}}));

  m = routes.Match("/v1/articles/a/revisions/2023-05-19", &bindings);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->path, "/healthcontent.v1.ArticleService/GetArticleRevision");
  EXPECT_EQ(bindings, (Bindings{{"name", "articles/a/revisions/2023-05-19"}}));

  m = routes.Match("/v1/articles/a/revisions", &bindings);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->path, "/healthcontent.v1.ArticleService/ListArticleRevisions");
  EXPECT_EQ(bindings, (Bindings{{"parent", "articles/a"}}));

  m = routes.Match("/v1/articles:search", &bindings);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->path, "/healthcontent.v1.ArticleService/SearchArticles");
  m = routes.Match("/v1/articles/a:diff", &bindings);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->path, "/healthcontent.v1.ArticleService/DiffArticleRevisions");
  EXPECT_EQ(bindings, (Bindings{{"name", "articles/a"}}));
  ASSERT_NE(routes.Match("/v1/therapyTypes", &bindings), nullptr);
  ASSERT_NE(routes.Match("/v1/changes", &bindings), nullptr);

  for (const char* miss :
       {"/v1/articles/a/b", "/v1/articles/", "/v1/articles//x", "/v1/articles/..", "/v1/articles/.",
        "/v1/articles/a:nope", "/v2/articles", "v1/articles", "/v1/articles/a/revisions/..", ""}) {
    EXPECT_EQ(routes.Match(miss, &bindings), nullptr) << miss;
  }
}

TEST(RestRoutesTest, QueryParametersSetFieldsByEitherNameOrRefuseNamingThem) {
  v1::GetArticleRequest request;
  ASSERT_TRUE(SetFieldFromText(&request, "as_of", "2024-02-29", "q").ok());
  EXPECT_EQ(request.as_of().month(), 2);
  ASSERT_TRUE(SetFieldFromText(&request, "asOf.day", "3", "q").ok());
  EXPECT_EQ(request.as_of().day(), 3);
  ASSERT_TRUE(SetFieldFromText(&request, "view", "ARTICLE_VIEW_BASIC", "q").ok());
  v1::ListArticlesRequest list;
  ASSERT_TRUE(SetFieldFromText(&list, "pageSize", "5", "q").ok());
  EXPECT_EQ(list.page_size(), 5);

  absl::Status status = SetFieldFromText(&request, "colour", "red", "query parameter colour");
  EXPECT_EQ(status.message(),
            "query parameter colour: healthcontent.v1.GetArticleRequest has no field \"colour\"");
  status = SetFieldFromText(&list, "page_size", "many", "query parameter page_size");
  EXPECT_EQ(status.message(), "query parameter page_size: must be a whole number, got \"many\"");
  status = SetFieldFromText(&request, "as_of", "2024-02-30", "query parameter as_of");
  EXPECT_EQ(status.message(),
            "query parameter as_of: must be a date, YYYY-MM-DD, got \"2024-02-30\"");
  status = SetFieldFromText(&request, "view", "HUGE", "query parameter view");
  EXPECT_THAT(status.message(), HasSubstr("must be one of ARTICLE_VIEW_UNSPECIFIED"));
  status = SetFieldFromText(&request, "name.x", "1", "query parameter name.x");
  EXPECT_EQ(status.message(), "query parameter name.x: \"name\" has no fields inside");

  std::vector<std::pair<std::string, std::string>> query;
  ASSERT_TRUE(ParseQuery("filter=title%3A%22x%22&page_size=2&a+b=c+d&empty", &query).ok());
  EXPECT_EQ(query,
            (std::vector<std::pair<std::string, std::string>>{
                {"filter", "title:\"x\""}, {"page_size", "2"}, {"a b", "c d"}, {"empty", ""}}));
  query.clear();
  EXPECT_FALSE(ParseQuery("x=%zz", &query).ok());
  EXPECT_FALSE(ParseQuery("x=%4", &query).ok());
}

}  // namespace
}  // namespace healthcontent::http
