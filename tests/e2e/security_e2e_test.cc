// End to end: TLS and mutual TLS with throw-away certificates made by the
// openssl CLI, message-size limits and expired deadlines, against the built
// server over real TCP.
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "common/hash.h"
#include "e2e/server_process.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/article_service.grpc.pb.h"
#include "testing/test_env.h"

namespace healthcontent::testing {
namespace {

using ::testing::HasSubstr;

// A CA, a server certificate for 127.0.0.1/localhost and a client
// certificate, all made fresh in `dir`.
void MakeCertificates(const TempDir& dir) {
  const std::string d = dir.path();
  const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  std::string script =
      absl::StrCat("set -e; cd ", d, "; exec 2>openssl.log; ", "openssl req -x509 ", key,
                   " -keyout ca.key -out ca.pem -days 2 -subj /CN=hc-test-ca; ", "openssl req ",
                   key, " -keyout server.key -out server.csr -subj /CN=localhost; ",
                   "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1' > san.ext; ",
                   "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial ",
                   "-out server.pem -days 2 -extfile san.ext; ", "openssl req ", key,
                   " -keyout client.key -out client.csr -subj /CN=hc-test-client; ",
                   "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial ",
                   "-out client.pem -days 2");
  std::string out;
  ASSERT_EQ(RunCommand(script, &out), 0) << ReadFileOrDie(d + "/openssl.log");
}

grpc::Status GetSeed(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = v1::ArticleService::NewStub(channel);
  v1::GetArticleRequest request;
  request.set_name("articles/biological-therapy-for-cancer");
  v1::Article article;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  return stub->GetArticle(&context, request, &article);
}

std::shared_ptr<grpc::Channel> TlsChannel(const TempDir& dir, int port, bool with_client_cert) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFileOrDie(dir.File("ca.pem"));
  if (with_client_cert) {
    ssl.pem_private_key = ReadFileOrDie(dir.File("client.key"));
    ssl.pem_cert_chain = ReadFileOrDie(dir.File("client.pem"));
  }
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::SslCredentials(ssl));
}

TEST(TlsE2eTest, TlsServerRefusesPlaintextAndServesTlsClients) {
  TempDir dir;
  MakeCertificates(dir);
  int port = FreePort();
  ServerProcess server(
      port,
      {"--db=" + dir.File("t.db"), "--bootstrap_dir=" + SourceDir() + "/data",
       "--tls_cert=" + dir.File("server.pem"), "--tls_key=" + dir.File("server.key")},
      {"--cacert", dir.File("ca.pem")});
  grpc::Status plain = GetSeed(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  EXPECT_EQ(plain.error_code(), grpc::UNAVAILABLE) << plain.error_message();
  grpc::Status tls = GetSeed(TlsChannel(dir, port, /*with_client_cert=*/false));
  EXPECT_TRUE(tls.ok()) << tls.error_message();
  // buf curl over TLS, as an operator would.
  CurlResult curl = BufCurl(server.url(), "healthcontent.v1.ArticleService/GetArticle",
                            R"({"name":"articles/biological-therapy-for-cancer"})",
                            {"--cacert", dir.File("ca.pem")});
  EXPECT_EQ(curl.exit_code, 0) << curl.output;
  EXPECT_EQ(curl.json["revisionId"], "2023-05-19");
}

TEST(TlsE2eTest, MutualTlsRequiresAClientCertificate) {
  TempDir dir;
  MakeCertificates(dir);
  int port = FreePort();
  ServerProcess server(
      port,
      {"--db=" + dir.File("m.db"), "--bootstrap_dir=" + SourceDir() + "/data",
       "--tls_cert=" + dir.File("server.pem"), "--tls_key=" + dir.File("server.key"),
       "--tls_client_ca=" + dir.File("ca.pem")},
      {"--cacert", dir.File("ca.pem"), "--cert", dir.File("client.pem"), "--key",
       dir.File("client.key")});
  grpc::Status without = GetSeed(TlsChannel(dir, port, /*with_client_cert=*/false));
  EXPECT_EQ(without.error_code(), grpc::UNAVAILABLE) << without.error_message();
  grpc::Status with = GetSeed(TlsChannel(dir, port, /*with_client_cert=*/true));
  EXPECT_TRUE(with.ok()) << with.error_message();
}

TEST(TlsE2eTest, HalfATlsConfigurationIsRefusedAtStart) {
  TempDir dir;
  std::string out;
  int code = RunCommand(absl::StrCat(BinaryDir(), "/src/healthcontent-server --listen=127.0.0.1:0",
                                     " --db=", dir.File("x.db"), " --tls_cert=/nonexistent 2>&1"),
                        &out);
  EXPECT_EQ(code, 1);
  EXPECT_THAT(out, HasSubstr("--tls_cert and --tls_key must be given together"));
}

TEST(LimitsE2eTest, OversizeRequestIsResourceExhaustedAndOthersStillServed) {
  TempDir dir;
  WriteFileOrDie(dir.File("tokens"), absl::StrCat("publisher ", Sha256Hex("hct_limits"), "\n"));
  int port = FreePort();
  ServerProcess server(port,
                       {"--db=" + dir.File("l.db"), "--bootstrap_dir=" + SourceDir() + "/data",
                        "--auth_tokens_file=" + dir.File("tokens")});
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(-1);
  auto channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                           grpc::InsecureChannelCredentials(), args);
  auto stub = v1::ArticleService::NewStub(channel);
  v1::PublishArticleRevisionRequest huge;
  huge.mutable_article()->set_name("articles/huge");
  huge.mutable_article()->set_summary(std::string(5 << 20, 'x'));
  v1::Article out;
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer hct_limits");
  grpc::Status status = stub->PublishArticleRevision(&context, huge, &out);
  EXPECT_EQ(status.error_code(), grpc::RESOURCE_EXHAUSTED) << status.error_message();
  EXPECT_TRUE(GetSeed(channel).ok());

  // A deadline already in the past never reaches the database.
  v1::GetArticleRequest request;
  request.set_name("articles/biological-therapy-for-cancer");
  grpc::ClientContext late;
  late.set_deadline(std::chrono::system_clock::now() - std::chrono::milliseconds(1));
  EXPECT_EQ(stub->GetArticle(&late, request, &out).error_code(), grpc::DEADLINE_EXCEEDED);
}

}  // namespace
}  // namespace healthcontent::testing
