// Runs the built healthcontent-server as a child process on a free loopback
// port, and drives it with buf curl the way a user would.
#ifndef HEALTHCONTENT_TESTS_E2E_SERVER_PROCESS_H_
#define HEALTHCONTENT_TESTS_E2E_SERVER_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace healthcontent::testing {

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

// A child process running `argv` (argv[0] is the binary's path), its stdout
// and stderr in a temporary log file. Killed with SIGKILL when destroyed.
class ChildProcess {
 public:
  explicit ChildProcess(std::vector<std::string> argv);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // True (and the process reaped) when it has exited already.
  bool Exited();
  // Sends `signal` and waits for the exit; returns the exit code (or
  // -signal); -1 when it had exited already.
  int Stop(int signal);
  // Sends `signal` (e.g. SIGHUP) and returns at once.
  void Signal(int signal);
  // Its output so far.
  std::string Log() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
};

// Path to the Litestream binary installed by scripts/install-deps.
std::string LitestreamPath();

class ServerProcess {
 public:
  // Starts the server with `args` added to --listen and waits until its
  // health check answers SERVING (fails the test after 30 s). For a TLS
  // server, `curl_tls_args` are the buf curl flags that reach it
  // (--cacert, and --cert/--key under mTLS) and url() is https.
  ServerProcess(int port, std::vector<std::string> args,
                std::vector<std::string> curl_tls_args = {});
  ~ServerProcess();

  int port() const { return port_; }
  std::string url() const;
  pid_t pid() const { return process_->pid(); }

  // Sends `signal` and waits for the exit; returns the exit code (or -signal).
  int Stop(int signal) { return process_->Stop(signal); }
  // Sends `signal` (e.g. SIGHUP) and returns at once.
  void Signal(int signal) { process_->Signal(signal); }
  // The server's stderr so far.
  std::string Log() const { return process_->Log(); }

 private:
  int port_;
  bool tls_ = false;
  std::unique_ptr<ChildProcess> process_;
};

struct CurlResult {
  int exit_code = 0;
  std::string output;   // stdout and stderr together
  nlohmann::json json;  // parsed output when it is JSON, else null
};

// buf curl --protocol grpc [--http2-prior-knowledge for http://] [extra...]
// -d body url/method.
CurlResult BufCurl(const std::string& base_url, const std::string& method, const std::string& body,
                   const std::vector<std::string>& extra = {});

// Path to the buf binary installed by scripts/install-deps.
std::string BufPath();

}  // namespace healthcontent::testing

#endif  // HEALTHCONTENT_TESTS_E2E_SERVER_PROCESS_H_
