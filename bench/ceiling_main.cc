// healthcontent-ceiling: flags only; the server is in ceiling_server.cc.
#include <cstdint>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "ceiling_server.h"
#include "server/server.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50052", "host:port to serve on");
ABSL_FLAG(std::string, db, "", "database the responses are built from, once, at start-up");
ABSL_FLAG(std::string, article, "",
          "article GetArticle/GetArticleRevision return (articles/{slug}); empty: the "
          "median-sized of the first listing page");
ABSL_FLAG(std::string, response, "bytes",
          "bytes: raw methods answering pre-serialized bytes; message: typed methods copying a "
          "pre-built message");
ABSL_FLAG(int, max_message_bytes, 4 << 20, "as the real server's flag");
ABSL_FLAG(int, max_concurrent_streams, 100, "as the real server's flag");
ABSL_FLAG(int64_t, resource_quota_bytes, 256 << 20, "as the real server's flag");
ABSL_FLAG(int, max_threads, 64, "as the real server's flag");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Serves fixed ArticleService responses built once from a database: the throughput "
      "ceiling the real server is measured against.\n"
      "Example: healthcontent-ceiling --listen=127.0.0.1:50052 --db=var/healthcontent.db");
  absl::ParseCommandLine(argc, argv);
  healthcontent::bench::CeilingOptions options;
  options.listen = absl::GetFlag(FLAGS_listen);
  options.db_path = absl::GetFlag(FLAGS_db);
  options.article = absl::GetFlag(FLAGS_article);
  options.response = absl::GetFlag(FLAGS_response);
  options.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  options.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  options.resource_quota_bytes = absl::GetFlag(FLAGS_resource_quota_bytes);
  options.max_threads = absl::GetFlag(FLAGS_max_threads);
  healthcontent::server::ConfigureProcessForServing();
  return healthcontent::bench::RunCeiling(options);
}
