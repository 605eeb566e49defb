// healthcontent-ceiling: the yardstick of issue 6. A bare callback server of
// healthcontent.v1.ArticleService that answers GetArticle,
// GetArticleRevision, ListArticles and SearchArticles with responses built
// once at start-up from a real database (so they are the bytes the real
// server would send), and every other method with UNIMPLEMENTED. No storage,
// auth, health or reflection at serving time: nothing can serve these
// answers faster, so the real server's throughput divided by this one's is
// how close it comes to what gRPC allows.
#ifndef HEALTHCONTENT_BENCH_CEILING_SERVER_H_
#define HEALTHCONTENT_BENCH_CEILING_SERVER_H_

#include <cstdint>
#include <string>

namespace healthcontent::bench {

struct CeilingOptions {
  std::string listen = "127.0.0.1:50052";
  // The database the responses are read from, once.
  std::string db_path;
  // The article GetArticle and GetArticleRevision return (FULL view, in
  // force today), "articles/{slug}". Empty: of the first page of the
  // listing, the one of median serialized size.
  std::string article;
  // "bytes": raw callback methods answering with a pre-serialized buffer
  // (no parsing, no serializing: the strictest ceiling). "message": typed
  // callback methods copying a pre-built message into the response (what a
  // server holding parsed messages pays).
  std::string response = "bytes";
  // The real server's defaults (server/server.h), so the comparison is fair.
  int max_message_bytes = 4 << 20;
  int max_concurrent_streams = 100;
  int64_t resource_quota_bytes = 256 << 20;
  int max_threads = 64;
  int due_soon_days = 90;
};

// Builds the responses, serves until SIGTERM or SIGINT, then stops. Returns
// the process exit code (1 with the error logged when start-up fails).
int RunCeiling(const CeilingOptions& options);

}  // namespace healthcontent::bench

#endif  // HEALTHCONTENT_BENCH_CEILING_SERVER_H_
