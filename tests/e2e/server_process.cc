#include "e2e/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "testing/test_env.h"

namespace healthcontent::testing {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

std::string BufPath() { return SourceDir() + "/.tools/buf/node_modules/.bin/buf"; }

namespace {
std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}
}  // namespace

ChildProcess::ChildProcess(std::vector<std::string> argv) {
  char log_template[] = "/tmp/hc-child-log-XXXXXX";
  int log_fd = mkstemp(log_template);
  log_path_ = log_template;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(log_fd);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) Stop(SIGKILL);
  unlink(log_path_.c_str());
}

bool ChildProcess::Exited() {
  int status = 0;
  if (pid_ > 0 && waitpid(pid_, &status, WNOHANG) == pid_) pid_ = -1;
  return pid_ <= 0;
}

int ChildProcess::Stop(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return -WTERMSIG(status);
}

void ChildProcess::Signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

std::string ChildProcess::Log() const { return ReadFileOrDie(log_path_); }

std::string LitestreamPath() { return SourceDir() + "/.tools/litestream/litestream"; }

ServerProcess::ServerProcess(int port, std::vector<std::string> args,
                             std::vector<std::string> curl_tls_args)
    : port_(port), tls_(!curl_tls_args.empty()) {
  args.insert(args.begin(), absl::StrCat("--listen=127.0.0.1:", port));
  args.insert(args.begin(), BinaryDir() + "/src/healthcontent-server");
  process_ = std::make_unique<ChildProcess>(std::move(args));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (process_->Exited()) {
      ADD_FAILURE() << "server exited at start:\n" << Log();
      return;
    }
    // The health schema comes from the proto file, so this works with
    // reflection off too.
    std::vector<std::string> extra = curl_tls_args;
    extra.push_back("--schema");
    extra.push_back("/usr/share/grpc-proto/grpc/health/v1/health.proto");
    CurlResult health = BufCurl(url(), "grpc.health.v1.Health/Check", "{}", extra);
    if (health.exit_code == 0 && health.json.is_object() &&
        health.json.value("status", "") == "SERVING") {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ADD_FAILURE() << "server did not become SERVING in 30 s:\n" << Log();
}

ServerProcess::~ServerProcess() = default;

std::string ServerProcess::url() const {
  return absl::StrCat(tls_ ? "https" : "http", "://127.0.0.1:", port_);
}

CurlResult BufCurl(const std::string& base_url, const std::string& method, const std::string& body,
                   const std::vector<std::string>& extra) {
  std::vector<std::string> parts = {BufPath(), "curl", "--protocol", "grpc", "--timeout", "20s"};
  if (absl::StartsWith(base_url, "http://")) parts.push_back("--http2-prior-knowledge");
  for (const auto& e : extra) parts.push_back(e);
  if (!body.empty()) {
    parts.push_back("-d");
    parts.push_back(body);
  }
  parts.push_back(method.empty() ? base_url : base_url + "/" + method);
  std::vector<std::string> quoted;
  for (const auto& p : parts) quoted.push_back(ShellQuote(p));
  CurlResult result;
  result.exit_code = RunCommand(absl::StrJoin(quoted, " ") + " 2>&1", &result.output);
  result.json = nlohmann::json::parse(result.output, nullptr, /*allow_exceptions=*/false);
  return result;
}

}  // namespace healthcontent::testing
