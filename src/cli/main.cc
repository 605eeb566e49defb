// healthcontent: the command-line tool for editors, integrators and operators.
//
//   healthcontent token new --role=publisher [--json]
//   healthcontent import --db=PATH DATA_DIR [--json]
//
// Exit codes: 0 ok, 1 user error (bad arguments or input), 2 server or I/O error.
#include <openssl/rand.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/hash.h"
#include "importers/data_dir.h"
#include "nlohmann/json.hpp"
#include "storage/article_store.h"
#include "storage/storage.h"
#include "storage/therapy_type_store.h"

namespace {

constexpr int kOk = 0;
constexpr int kUserError = 1;
constexpr int kServerError = 2;

constexpr char kUsage[] = R"(healthcontent: command-line tool for the health-content service

Usage:
  healthcontent token new --role=ROLE [--json]
      Prints a fresh random bearer token and the line to add to the server's
      --auth_tokens_file. ROLE is reader, publisher or admin. The token is
      shown once; the server stores only its SHA-256.
  healthcontent import --db=PATH DATA_DIR [--json]
      Loads a data directory (therapy-types/*.json, articles/*/*.json, see
      data/README.md) into the database file PATH, creating it if needed,
      through the same validation and publish rules as the gRPC API.
  healthcontent help
      This text.

Exit codes: 0 ok, 1 bad arguments or input, 2 server or I/O error.
)";

struct Args {
  std::vector<std::string> positional;
  std::string role;
  std::string db;
  bool json = false;
  bool help = false;
  std::string unknown;
};

Args ParseArgs(int argc, char** argv, int first) {
  Args args;
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--json") args.json = true;
    else if (a == "--help" || a == "-h") args.help = true;
    else if (absl::StartsWith(a, "--role=")) args.role = a.substr(7);
    else if (absl::StartsWith(a, "--db=")) args.db = a.substr(5);
    else if (absl::StartsWith(a, "--")) args.unknown = a;
    else args.positional.push_back(a);
  }
  return args;
}

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "healthcontent: %s\n", message.c_str());
  return code;
}

int TokenNew(const Args& args) {
  if (args.role != "reader" && args.role != "publisher" && args.role != "admin") {
    return Fail(kUserError, "token new needs --role=reader, --role=publisher or --role=admin");
  }
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return Fail(kServerError, "could not read random bytes from the system");
  }
  std::string token = absl::StrCat(
      "hct_", absl::WebSafeBase64Escape(absl::string_view(reinterpret_cast<char*>(bytes),
                                                          sizeof(bytes))));
  std::string hash = healthcontent::Sha256Hex(token);
  std::string line = absl::StrCat(args.role, " ", hash);
  if (args.json) {
    nlohmann::json out = {{"role", args.role}, {"token", token}, {"sha256", hash},
                          {"tokens_file_line", line}};
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::printf("token (give this to the client; it is not shown again):\n  %s\n", token.c_str());
    std::printf("tokens-file line (add this to the server's --auth_tokens_file):\n  %s\n",
                line.c_str());
  }
  return kOk;
}

int Import(const Args& args) {
  if (args.db.empty() || args.positional.size() != 1) {
    return Fail(kUserError, "import needs --db=PATH and one data directory");
  }
  auto storage = healthcontent::storage::Storage::Open(args.db, {});
  if (!storage.ok()) return Fail(kServerError, std::string(storage.status().message()));
  healthcontent::storage::ArticleStore articles(storage->get(), {});
  healthcontent::storage::TherapyTypeStore therapy_types(storage->get());
  auto loaded = healthcontent::importers::LoadDataDir(args.positional[0], &therapy_types,
                                                      &articles, absl::Now());
  if (!loaded.ok()) {
    bool user = absl::IsInvalidArgument(loaded.status()) || absl::IsAlreadyExists(loaded.status()) ||
                absl::IsNotFound(loaded.status());
    return Fail(user ? kUserError : kServerError, std::string(loaded.status().message()));
  }
  if (args.json) {
    nlohmann::json out = {{"therapy_types", loaded->therapy_types},
                          {"revisions", loaded->revisions}};
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::printf("imported %d therapy types and %d article revisions into %s\n",
                loaded->therapy_types, loaded->revisions, args.db.c_str());
  }
  return kOk;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "help" || std::string(argv[1]) == "--help") {
    std::printf("%s", kUsage);
    return argc < 2 ? kUserError : kOk;
  }
  std::string command = argv[1];
  if (command == "token") {
    if (argc < 3 || std::string(argv[2]) != "new") {
      return Fail(kUserError, "usage: healthcontent token new --role=ROLE [--json]");
    }
    Args args = ParseArgs(argc, argv, 3);
    if (args.help) return std::printf("%s", kUsage), kOk;
    if (!args.unknown.empty()) return Fail(kUserError, "unknown flag " + args.unknown);
    return TokenNew(args);
  }
  if (command == "import") {
    Args args = ParseArgs(argc, argv, 2);
    if (args.help) return std::printf("%s", kUsage), kOk;
    if (!args.unknown.empty()) return Fail(kUserError, "unknown flag " + args.unknown);
    return Import(args);
  }
  return Fail(kUserError, "unknown command \"" + command + "\"; try healthcontent help");
}
