// pg_publish: a stand-in for health-content's publish path on PostgreSQL.
//
// One publish = one transaction: BEGIN; INSERT a revision (article_id,
// review_date, ~8 KB bytea body) RETURNING its id; INSERT a change-feed row
// (changes.sequence is a bigserial); COMMIT. The COMMIT returns only when the
// server says the transaction is durable under its synchronous_commit setting
// (with Patroni's synchronous mode: flushed on the leader and on the
// synchronous standby).
//
// Modes (all take --conn, a libpq conninfo; use a multi-host one with
// target_session_attrs=read-write to always reach the current leader):
//
//   pg_publish setup   --conn C
//       drops and creates the two tables.
//   pg_publish bench   --conn C --publishers N --seconds S [--warmup W]
//                      [--ordered-feed 1]
//       N threads, one connection each, publish in a closed loop; publishes
//       that finish during the S measured seconds (after W seconds of warm-up)
//       are counted. Prints one line of key=value results.
//       With --ordered-feed 1 the change row takes its sequence from a
//       one-row counter (UPDATE feed_head ... RETURNING) instead of the
//       bigserial, as the last statement before COMMIT: the row lock is held
//       until the commit is durable, so sequences are handed out in commit
//       order (what health-content's change feed promises), at the price of
//       serializing the commits.
//   pg_publish loop    --conn C --seconds S --log FILE
//       one publisher that reconnects after any failure (every 20 ms) and
//       appends to FILE one line per event, flushed at once:
//         ack <revision id> <unix ns> <host:port>   (COMMIT returned success)
//         fail <unix ns> <phase> <message>            (connect or publish failed)
//         doubt <unix ns>                              (COMMIT sent, no answer)
//       Stops after S seconds or on SIGTERM/SIGINT.
//   pg_publish check   --conn C --log FILE
//       reads the acked ids from FILE and counts how many are missing from
//       the revisions table of the server C reaches. Prints key=value results;
//       exit status 3 when any acknowledged publish is missing.
//
// Build: g++ -std=c++17 -O2 -pthread pg_publish.cc -o pg_publish -lpqxx -lpq

#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

int64_t UnixNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Options {
  std::string mode;
  std::string conn;
  int publishers = 1;
  double seconds = 10;
  double warmup = 2;
  size_t body_bytes = 8192;
  std::string log;
  bool ordered_feed = false;
};

[[noreturn]] void Usage(const std::string& why) {
  std::cerr << "pg_publish: " << why << "\n"
            << "usage: pg_publish setup|bench|loop|check --conn CONNINFO "
               "[--publishers N] [--seconds S] [--warmup W] [--body BYTES] "
               "[--log FILE] [--ordered-feed 1]\n";
  std::exit(2);
}

Options Parse(int argc, char** argv) {
  if (argc < 2) Usage("no mode");
  Options o;
  o.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) Usage("flag " + flag + " needs a value");
    std::string value = argv[++i];
    if (flag == "--conn")
      o.conn = value;
    else if (flag == "--publishers")
      o.publishers = std::stoi(value);
    else if (flag == "--seconds")
      o.seconds = std::stod(value);
    else if (flag == "--warmup")
      o.warmup = std::stod(value);
    else if (flag == "--body")
      o.body_bytes = std::stoul(value);
    else if (flag == "--log")
      o.log = value;
    else if (flag == "--ordered-feed")
      o.ordered_feed = value == "1";
    else
      Usage("unknown flag " + flag);
  }
  if (o.conn.empty()) Usage("--conn is required");
  if (o.publishers < 1) Usage("--publishers must be at least 1");
  return o;
}

// The body: random bytes, so that TOAST compression cannot shrink it and
// every publish writes about body_bytes of WAL for it.
std::string RandomBody(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = rng();
    std::memcpy(&s[i], &v, std::min<size_t>(8, n - i));
  }
  return s;
}

void Prepare(pqxx::connection& c) {
  c.prepare("head", "UPDATE feed_head SET seq = seq + 1 RETURNING seq");
  c.prepare("chg_ordered",
            "INSERT INTO changes(sequence, article_id, revision_id, kind) "
            "VALUES ($1, $2, $3, 'REVISION_PUBLISHED')");
  c.prepare("rev",
            "INSERT INTO revisions(article_id, review_date, body) "
            "VALUES ($1, $2::date, $3) RETURNING id");
  c.prepare("chg",
            "INSERT INTO changes(article_id, revision_id, kind) "
            "VALUES ($1, $2, 'REVISION_PUBLISHED')");
}

std::string ReviewDate(std::mt19937_64& rng) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "20%02d-%02d-%02d", int(rng() % 26), int(1 + rng() % 12),
                int(1 + rng() % 28));
  return buf;
}

// One publish; returns the new revision id. Throws on any failure.
int64_t Publish(pqxx::connection& c, const pqxx::binarystring& body, std::mt19937_64& rng,
                bool* commit_sent, bool ordered_feed) {
  int64_t article = int64_t(1 + rng() % 100000);
  pqxx::work w(c);
  pqxx::result r = w.exec_prepared("rev", article, ReviewDate(rng), body);
  int64_t id = r[0][0].as<int64_t>();
  if (ordered_feed) {
    int64_t seq = w.exec_prepared("head")[0][0].as<int64_t>();
    w.exec_prepared("chg_ordered", seq, article, id);
  } else {
    w.exec_prepared("chg", article, id);
  }
  if (commit_sent) *commit_sent = true;
  w.commit();
  return id;
}

std::string Where(pqxx::connection& c) {
  const char* h = c.hostname();
  const char* p = c.port();
  return std::string(h ? h : "?") + ":" + (p ? p : "?");
}

int Setup(const Options& o) {
  pqxx::connection c(o.conn);
  pqxx::work w(c);
  w.exec(
      "DROP TABLE IF EXISTS changes; DROP TABLE IF EXISTS revisions;"
      "CREATE TABLE revisions ("
      "  id bigserial PRIMARY KEY,"
      "  article_id bigint NOT NULL,"
      "  review_date date NOT NULL,"
      "  body bytea NOT NULL);"
      "CREATE INDEX revisions_article ON revisions(article_id, review_date);"
      "CREATE TABLE changes ("
      "  sequence bigserial PRIMARY KEY,"
      "  article_id bigint NOT NULL,"
      "  revision_id bigint NOT NULL,"
      "  kind text NOT NULL,"
      "  at timestamptz NOT NULL DEFAULT now());"
      "DROP TABLE IF EXISTS feed_head;"
      "CREATE TABLE feed_head (seq bigint NOT NULL);"
      "INSERT INTO feed_head VALUES (0);");
  w.commit();
  std::cout << "setup=ok server=" << Where(c) << "\n";
  return 0;
}

double Percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  size_t k = size_t(q * double(v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

int Bench(const Options& o) {
  auto start = Clock::now();
  auto measure_from =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.warmup));
  auto measure_to = measure_from + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(o.seconds));
  std::vector<std::vector<double>> lat(o.publishers);
  std::atomic<int64_t> errors{0};
  std::vector<std::string> servers(o.publishers);
  std::vector<std::thread> threads;
  for (int t = 0; t < o.publishers; ++t) {
    threads.emplace_back([&, t] {
      try {
        pqxx::connection c(o.conn);
        servers[t] = Where(c);
        Prepare(c);
        std::mt19937_64 rng(1000 + t);
        std::string raw = RandomBody(o.body_bytes, 77 + t);
        pqxx::binarystring body(raw.data(), raw.size());
        while (true) {
          auto t0 = Clock::now();
          if (t0 >= measure_to) break;
          try {
            Publish(c, body, rng, nullptr, o.ordered_feed);
          } catch (const std::exception& e) {
            errors.fetch_add(1);
            if (!c.is_open()) throw;
            continue;
          }
          auto t1 = Clock::now();
          if (t0 >= measure_from && t1 <= measure_to)
            lat[t].push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        }
      } catch (const std::exception& e) {
        std::cerr << "publisher " << t << ": " << e.what() << "\n";
        errors.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  size_t n = all.size();
  double p50 = Percentile(all, 0.50);
  double p99 = Percentile(all, 0.99);
  double mx = all.empty() ? 0 : *std::max_element(all.begin(), all.end());
  std::set<std::string> where(servers.begin(), servers.end());
  std::string w;
  for (auto& s : where) w += (w.empty() ? "" : ",") + s;
  std::printf(
      "publishers=%d seconds=%.1f commits=%zu commits_per_s=%.1f "
      "p50_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%lld body_bytes=%zu "
      "ordered_feed=%d server=%s\n",
      o.publishers, o.seconds, n, double(n) / o.seconds, p50, p99, mx, (long long)errors.load(),
      o.body_bytes, int(o.ordered_feed), w.c_str());
  return errors.load() == 0 ? 0 : 1;
}

int Loop(const Options& o) {
  if (o.log.empty()) Usage("loop needs --log");
  std::FILE* log = std::fopen(o.log.c_str(), "a");
  if (!log) {
    std::perror(o.log.c_str());
    return 1;
  }
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  auto end = Clock::now() +
             std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  std::string raw = RandomBody(o.body_bytes, 4242);
  pqxx::binarystring body(raw.data(), raw.size());
  std::mt19937_64 rng(99);
  std::unique_ptr<pqxx::connection> c;
  std::string where;
  auto clean = [](std::string m) {
    for (char& ch : m)
      if (ch == '\n' || ch == '\r') ch = ' ';
    return m;
  };
  while (!g_stop.load() && Clock::now() < end) {
    if (!c) {
      try {
        c = std::make_unique<pqxx::connection>(o.conn);
        Prepare(*c);
        where = Where(*c);
      } catch (const std::exception& e) {
        c.reset();
        std::fprintf(log, "fail %lld connect %s\n", (long long)UnixNanos(),
                     clean(e.what()).c_str());
        std::fflush(log);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
    }
    bool commit_sent = false;
    try {
      int64_t id = Publish(*c, body, rng, &commit_sent, false);
      std::fprintf(log, "ack %lld %lld %s\n", (long long)id, (long long)UnixNanos(), where.c_str());
      std::fflush(log);
    } catch (const pqxx::in_doubt_error& e) {
      std::fprintf(log, "doubt %lld\n", (long long)UnixNanos());
      std::fflush(log);
      c.reset();
    } catch (const std::exception& e) {
      std::fprintf(log, "fail %lld %s %s\n", (long long)UnixNanos(),
                   commit_sent ? "commit" : "publish", clean(e.what()).c_str());
      std::fflush(log);
      if (commit_sent) {
        std::fprintf(log, "doubt %lld\n", (long long)UnixNanos());
        std::fflush(log);
      }
      c.reset();
    }
  }
  std::fclose(log);
  return 0;
}

int Check(const Options& o) {
  if (o.log.empty()) Usage("check needs --log");
  std::ifstream in(o.log);
  std::string line;
  std::vector<int64_t> acked;
  int64_t doubts = 0;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string kind;
    ls >> kind;
    if (kind == "ack") {
      int64_t id;
      ls >> id;
      acked.push_back(id);
    } else if (kind == "doubt") {
      ++doubts;
    }
  }
  pqxx::connection c(o.conn);
  pqxx::work w(c);
  std::unordered_set<int64_t> present;
  for (auto row : w.exec("SELECT id FROM revisions")) present.insert(row[0].as<int64_t>());
  int64_t changes_rows = w.exec("SELECT count(*) FROM changes")[0][0].as<int64_t>();
  int64_t missing = 0;
  int64_t first_missing = -1;
  std::unordered_set<int64_t> acked_set(acked.begin(), acked.end());
  for (int64_t id : acked)
    if (!present.count(id)) {
      if (first_missing < 0) first_missing = id;
      ++missing;
    }
  // Rows nobody was told about: in-doubt commits that did survive (only
  // meaningful when the table was empty when the log started).
  int64_t unacked_present = 0;
  for (int64_t id : present)
    if (!acked_set.count(id)) ++unacked_present;
  std::printf(
      "acked=%zu present_rows=%zu changes_rows=%lld missing_acked=%lld "
      "in_doubt=%lld present_not_acked=%lld first_missing=%lld server=%s\n",
      acked.size(), present.size(), (long long)changes_rows, (long long)missing, (long long)doubts,
      (long long)unacked_present, (long long)first_missing, Where(c).c_str());
  return missing == 0 ? 0 : 3;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  try {
    if (o.mode == "setup") return Setup(o);
    if (o.mode == "bench") return Bench(o);
    if (o.mode == "loop") return Loop(o);
    if (o.mode == "check") return Check(o);
  } catch (const std::exception& e) {
    std::cerr << "pg_publish " << o.mode << ": " << e.what() << "\n";
    return 1;
  }
  Usage("unknown mode " + o.mode);
}
