// End to end: Debian's nginx with deploy/nginx's configuration (rendered by
// deploy/nginx/render) in front of two read replicas and a primary, all on
// loopback. Reads spread over both replicas, writes reach the primary, a new
// bundle reaches both replicas, and killing a replica under load fails no
// call: nginx passes the calls it could not complete to the other replica.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/hash.h"
#include "e2e/cluster_helpers.h"
#include "e2e/server_process.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace healthcontent::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kToken[] = "hct_nginx-e2e-publisher";
constexpr char kGetArticle[] = "method=\"healthcontent.v1.ArticleService/GetArticle\"";

// nginx in the foreground as a child process, stopped on destruction.
class Nginx {
 public:
  Nginx(const std::string& conf, const std::string& run_dir) : run_dir_(run_dir) {
    pid_ = fork();
    if (pid_ == 0) {
      execl("/usr/sbin/nginx", "nginx", "-p", run_dir.c_str(), "-c", conf.c_str(), "-e",
            (run_dir + "/error.log").c_str(), "-g", "daemon off;", static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~Nginx() {
    if (pid_ > 0) {
      kill(pid_, SIGQUIT);
      int status;
      waitpid(pid_, &status, 0);
    }
  }
  std::string ErrorLog() const { return ReadFileOrDie(run_dir_ + "/error.log"); }

 private:
  std::string run_dir_;
  pid_t pid_ = -1;
};

double GetArticleOk(int metrics_port) {
  return MetricValue(ScrapeMetrics(metrics_port), "healthcontent_rpc_requests_total",
                     {kGetArticle, "code=\"OK\""});
}

TEST(NginxE2eTest, TwoReplicasBehindNginx) {
  ASSERT_EQ(access("/usr/sbin/nginx", X_OK), 0) << "nginx is missing: run scripts/install-deps";
  TempDir dir;
  WriteFileOrDie(dir.File("tokens"), absl::StrCat("publisher ", Sha256Hex(kToken), "\n"));
  const std::string bundles = dir.File("bundles");

  ServerProcess primary(
      FreePort(), {"--db=" + dir.File("primary.db"), "--bootstrap_dir=" + SourceDir() + "/data",
                   "--auth_tokens_file=" + dir.File("tokens")});
  CutBundle(dir.File("primary.db"), bundles);
  const int metrics[2] = {FreePort(), FreePort()};
  std::vector<std::unique_ptr<ServerProcess>> replicas;
  for (int i = 0; i < 2; ++i) {
    replicas.push_back(std::make_unique<ServerProcess>(
        FreePort(),
        std::vector<std::string>{
            "--read_only", "--bundle_dir=" + bundles, "--bundle_poll_interval=200ms",
            absl::StrCat("--metrics_listen=127.0.0.1:", metrics[i]), "--rpc_log_sample=0"}));
  }

  const int port = FreePort();
  const std::string target = absl::StrCat("127.0.0.1:", port);
  const std::string run_dir = dir.File("nginx");
  std::string output;
  ASSERT_EQ(
      RunCommand("mkdir -p " + run_dir + " && chmod 755 " + dir.path() + " " + run_dir, &output),
      0);
  const std::string render = absl::StrCat(
      SourceDir(), "/deploy/nginx/render --listen=", target,
      " --primary=127.0.0.1:", primary.port(), " --replica=127.0.0.1:", replicas[0]->port(),
      " --replica=127.0.0.1:", replicas[1]->port(), " --run_dir=", run_dir, " --workers=1 > ",
      run_dir, "/nginx.conf");
  ASSERT_EQ(RunCommand(render, &output), 0) << output;
  Nginx nginx(run_dir + "/nginx.conf", run_dir);
  v1::Article article;
  ASSERT_TRUE(WaitFor(20, [&] { return GetSeed(target, &article).ok(); })) << nginx.ErrorLog();
  EXPECT_EQ(article.revision_id(), "2023-05-19");

  // 1. Reads through nginx reach both replicas.
  const double before[2] = {GetArticleOk(metrics[0]), GetArticleOk(metrics[1])};
  {
    ReadLoad load(target, 4);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    load.Stop();
    EXPECT_THAT(load.Failures(), IsEmpty()) << absl::StrJoin(load.Failures(), "\n");
    const double served[2] = {GetArticleOk(metrics[0]) - before[0],
                              GetArticleOk(metrics[1]) - before[1]};
    EXPECT_GT(load.ok(), 200);
    // Every call was answered by a replica (a scrape may also see a call
    // whose answer was still on its way when the load stopped).
    EXPECT_GE(served[0] + served[1], static_cast<double>(load.ok()));
    // Round robin per call: each replica takes a fair share, not all or nothing.
    EXPECT_GT(served[0], load.ok() * 0.25) << served[0] << " of " << load.ok();
    EXPECT_GT(served[1], load.ok() * 0.25) << served[1] << " of " << load.ok();
  }

  // 2. A write through nginx reaches the primary; a new bundle reaches both
  // replicas within a bound.
  ASSERT_TRUE(PublishSeedRevision(target, kToken, absl::CivilDay(2024, 5, 5), "").ok());
  CutBundle(dir.File("primary.db"), bundles);
  auto start = std::chrono::steady_clock::now();
  for (const auto& replica : replicas) {
    EXPECT_TRUE(WaitFor(5, [&] {
      return GetSeed(absl::StrCat("127.0.0.1:", replica->port()), &article).ok() &&
             article.revision_id() == "2024-05-05";
    })) << replica->Log();
  }
  std::cerr << "both replicas served the new bundle after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - start)
                   .count()
            << " ms\n";
  ASSERT_TRUE(GetSeed(target, &article).ok());
  EXPECT_EQ(article.revision_id(), "2024-05-05");

  // 3. Kill one replica under load. nginx passes a call it could not send to
  // the dead replica to the live one; the calls the replica had already
  // taken when it died come back UNAVAILABLE (HTTP 502: nginx streams gRPC
  // request bodies, so it cannot resend them), and the clients' retry policy
  // (one more attempt on UNAVAILABLE, as deploy/nginx/README.md recommends)
  // takes each of them to the live replica. So no call fails, and nginx
  // answered 502 at most once per call in flight at the kill (4 threads).
  {
    ReadLoad load(target, 4, /*max_attempts=*/2);
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    const int64_t before_kill = load.ok();
    replicas[0]->Stop(SIGKILL);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    load.Stop();
    EXPECT_GT(before_kill, 50);
    EXPECT_GT(load.ok() - before_kill, 200);
    EXPECT_THAT(load.Failures(), IsEmpty()) << absl::StrJoin(load.Failures(), "\n") << "\n"
                                            << nginx.ErrorLog();
    EXPECT_EQ(load.Revisions().size(), 1u);
  }
  // The access log has the calls, as JSON lines with their gRPC status.
  const std::string access = ReadFileOrDie(run_dir + "/access.log");
  int bad_gateway = 0;
  for (size_t at = access.find("\"http_status\":\"502\""); at != std::string::npos;
       at = access.find("\"http_status\":\"502\"", at + 1)) {
    ++bad_gateway;
  }
  std::cerr << "calls nginx answered 502 when the replica died (retried by the clients): "
            << bad_gateway << "\n";
  EXPECT_LE(bad_gateway, 4);
  EXPECT_THAT(access, HasSubstr("\"path\":\"/healthcontent.v1.ArticleService/GetArticle\""));
  EXPECT_THAT(access, HasSubstr("\"grpc_status\":\"0\""));
}

}  // namespace
}  // namespace healthcontent::testing
