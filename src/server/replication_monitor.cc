#include "server/replication_monitor.h"

#include <civetweb.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/log.h"

namespace healthcontent::server {
namespace {

// One sample line of the text exposition format: name{k="v",...} value.
struct Sample {
  absl::string_view name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Nullopt for comments, blank lines and anything malformed (skipped: the
// lines that matter are checked by what reads them).
std::optional<Sample> ParseLine(absl::string_view line) {
  if (line.empty() || line.front() == '#') return std::nullopt;
  Sample sample;
  size_t i = line.find_first_of("{ ");
  if (i == absl::string_view::npos) return std::nullopt;
  sample.name = line.substr(0, i);
  if (line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      size_t eq = line.find('=', i);
      if (eq == absl::string_view::npos || eq + 1 >= line.size() || line[eq + 1] != '"') {
        return std::nullopt;
      }
      std::string key(line.substr(i, eq - i));
      std::string value;
      size_t j = eq + 2;
      for (; j < line.size() && line[j] != '"'; ++j) {
        if (line[j] == '\\' && j + 1 < line.size()) {
          ++j;
          value.push_back(line[j] == 'n' ? '\n' : line[j]);
        } else {
          value.push_back(line[j]);
        }
      }
      if (j >= line.size()) return std::nullopt;
      sample.labels[std::move(key)] = std::move(value);
      i = j + 1;
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) return std::nullopt;
    ++i;  // '}'
  }
  std::vector<absl::string_view> rest = absl::StrSplit(line.substr(i), ' ', absl::SkipEmpty());
  if (rest.empty() || !absl::SimpleAtod(rest[0], &sample.value)) return std::nullopt;
  return sample;
}

std::string NormalPath(absl::string_view path) {
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(std::string(path), ec);
  if (ec) return std::string(path);
  return absolute.lexically_normal().string();
}

}  // namespace

absl::StatusOr<LitestreamPositions> ParseLitestreamMetrics(absl::string_view text,
                                                           absl::string_view db_path) {
  const std::string want = NormalPath(db_path);
  std::map<std::string, std::string> databases;  // normal path -> as labelled
  std::optional<int64_t> shadow;
  std::map<std::string, int64_t> replicas;  // by name
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::optional<Sample> sample = ParseLine(line);
    if (!sample || !absl::StartsWith(sample->name, "litestream_")) continue;
    auto db = sample->labels.find("db");
    if (db == sample->labels.end()) continue;
    const std::string normal = NormalPath(db->second);
    databases.emplace(normal, db->second);
    if (normal != want) continue;
    const auto value = static_cast<int64_t>(sample->value);
    if (sample->name == "litestream_total_wal_bytes") shadow = value;
    auto name = sample->labels.find("name");
    if (sample->name == "litestream_replica_wal_bytes" && name != sample->labels.end()) {
      replicas[name->second] = value;
    }
  }
  if (databases.count(want) == 0) {
    std::vector<std::string> held;
    for (const auto& [normal, labelled] : databases) held.push_back(labelled);
    return absl::NotFoundError(
        absl::StrCat("Litestream does not replicate ", db_path, "; it replicates ",
                     held.empty() ? std::string("no database") : absl::StrJoin(held, ", ")));
  }
  if (!shadow) {
    return absl::NotFoundError(
        absl::StrCat("Litestream has not read the WAL of ", db_path, " yet"));
  }
  if (replicas.empty()) {
    return absl::NotFoundError(absl::StrCat("no replica of ", db_path, " has synced yet"));
  }
  LitestreamPositions positions;
  positions.shadow_bytes = *shadow;
  auto behind = std::min_element(replicas.begin(), replicas.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
  positions.replica_name = behind->first;
  positions.replica_bytes = behind->second;
  return positions;
}

void ReplicationLagTracker::Observe(absl::Time now, const LitestreamPositions& positions) {
  // Counters below the last ones: Litestream restarted. Start over.
  if (!samples_.empty() && positions.shadow_bytes < samples_.back().second) samples_.clear();
  if (samples_.empty() || samples_.back().second != positions.shadow_bytes) {
    samples_.emplace_back(now, positions.shadow_bytes);
  }
  replica_ = positions.replica_bytes;
  seen_ = true;
  // Drop samples older than the newest one the replica has reached.
  while (samples_.size() >= 2 && samples_[1].second <= replica_) samples_.pop_front();
}

absl::Duration ReplicationLagTracker::Lag(absl::Time now) const {
  if (!seen_ || samples_.back().second <= replica_) return absl::ZeroDuration();
  // The replica lacks something Litestream had at the sample after the
  // front, which appeared after the front's time.
  return now - samples_.front().first;
}

int64_t ReplicationLagTracker::LagBytes() const {
  if (!seen_) return 0;
  return std::max<int64_t>(0, samples_.back().second - replica_);
}

absl::StatusOr<std::unique_ptr<ReplicationMonitor>> ReplicationMonitor::Create(Options options) {
  const std::string& url = options.metrics_url;
  auto invalid = [&url] {
    return absl::InvalidArgumentError(
        absl::StrCat("--litestream_metrics=", url,
                     " must be http://HOST:PORT/PATH (Litestream's addr, "
                     "e.g. http://127.0.0.1:9091/metrics)"));
  };
  constexpr absl::string_view kScheme = "http://";
  if (!absl::StartsWith(url, kScheme)) return invalid();
  absl::string_view rest = absl::string_view(url).substr(kScheme.size());
  size_t slash = rest.find('/');
  absl::string_view authority = rest.substr(0, slash);
  std::string path = slash == absl::string_view::npos ? "/" : std::string(rest.substr(slash));
  size_t colon = authority.rfind(':');
  int port = 0;
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(authority.substr(colon + 1), &port) ||
      port <= 0 || port > 65535) {
    return invalid();
  }
  std::string host(authority.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) return invalid();
  return std::unique_ptr<ReplicationMonitor>(
      new ReplicationMonitor(std::move(options), std::move(host), port, std::move(path)));
}

ReplicationMonitor::ReplicationMonitor(Options options, std::string host, int port,
                                       std::string path)
    : options_(std::move(options)), host_(std::move(host)), port_(port), path_(std::move(path)) {
  mg_init_library(0);
}

ReplicationMonitor::~ReplicationMonitor() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  mg_exit_library();
}

void ReplicationMonitor::Start() {
  thread_ = std::thread([this] {
    std::optional<bool> reported;  // the state last logged
    absl::MutexLock lock(&mu_);
    while (!stopping_) {
      mu_.Unlock();
      absl::Status polled = PollOnce(absl::Now());
      if (reported != polled.ok()) {
        reported = polled.ok();
        if (polled.ok()) {
          LogInfo("reading Litestream's replication position",
                  {{"url", options_.metrics_url}, {"db", options_.db_path}});
        } else {
          LogWarn(
              "cannot read Litestream's replication position; "
              "healthcontent_replication_up is 0",
              {{"url", options_.metrics_url}, {"error", polled.ToString()}});
        }
      }
      mu_.Lock();
      mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.interval);
    }
  });
}

absl::Status ReplicationMonitor::PollOnce(absl::Time now) {
  char error[256] = "";
  mg_connection* conn = mg_connect_client(host_.c_str(), port_, 0, error, sizeof(error));
  absl::StatusOr<LitestreamPositions> positions =
      absl::UnavailableError(absl::StrCat("cannot connect to ", options_.metrics_url, ": ", error));
  if (conn != nullptr) {
    mg_printf(conn, "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path_.c_str(), host_.c_str());
    const int timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(options_.timeout));
    if (mg_get_response(conn, error, sizeof(error), timeout_ms) < 0) {
      positions = absl::UnavailableError(
          absl::StrCat("no answer from ", options_.metrics_url, ": ", error));
    } else if (const mg_response_info* info = mg_get_response_info(conn);
               info == nullptr || info->status_code != 200) {
      positions = absl::UnavailableError(absl::StrCat(options_.metrics_url, " answered HTTP ",
                                                      info == nullptr ? 0 : info->status_code));
    } else {
      std::string body;
      char buffer[16384];
      int n;
      // Litestream's metrics are a few kilobytes; 4 MB bounds a wrong URL.
      while ((n = mg_read(conn, buffer, sizeof(buffer))) > 0 && body.size() < (4 << 20)) {
        body.append(buffer, n);
      }
      positions = ParseLitestreamMetrics(body, options_.db_path);
    }
    mg_close_connection(conn);
  }
  absl::MutexLock lock(&mu_);
  up_ = positions.ok();
  if (!positions.ok()) return positions.status();
  tracker_.Observe(now, *positions);
  last_up_ = now;
  return absl::OkStatus();
}

bool ReplicationMonitor::up() const {
  absl::MutexLock lock(&mu_);
  return up_;
}

double ReplicationMonitor::LagSeconds(absl::Time now) const {
  absl::MutexLock lock(&mu_);
  if (last_up_ == absl::Time()) return -1;  // never read
  absl::Duration lag = tracker_.Lag(now);
  if (!up_) lag = std::max(lag, now - last_up_);
  return absl::ToDoubleSeconds(lag);
}

double ReplicationMonitor::LagBytes() const {
  absl::MutexLock lock(&mu_);
  return static_cast<double>(tracker_.LagBytes());
}

}  // namespace healthcontent::server
