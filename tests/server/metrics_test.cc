#include "server/metrics.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/http_client.h"

namespace healthcontent::server {
namespace {

using ::healthcontent::testing::HttpGet;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(MetricsTest, ServesTheRegistryAndCallbackGaugesAtSlashMetrics) {
  absl::StatusOr<std::unique_ptr<Metrics>> metrics = Metrics::Create("127.0.0.1:0");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  ASSERT_GT((*metrics)->port(), 0);
  (*metrics)
      ->Counter("healthcontent_cache_hits_total", "Reads answered from the cache.")
      .Increment(3);
  double articles = 41;
  (*metrics)->AddGaugeCallback("healthcontent_articles", "Articles with a revision in force.",
                               [&articles] { return articles; });
  articles = 42;  // read at scrape time

  const std::string response = HttpGet((*metrics)->port(), "/metrics");
  EXPECT_THAT(response, StartsWith("HTTP/1."));
  EXPECT_THAT(response, HasSubstr(" 200 OK\r\n"));
  EXPECT_THAT(response, HasSubstr("\n# TYPE healthcontent_cache_hits_total counter\n"
                                  "healthcontent_cache_hits_total 3\n"));
  EXPECT_THAT(response, HasSubstr("\n# HELP healthcontent_articles Articles with a revision in "
                                  "force.\n# TYPE healthcontent_articles gauge\n"
                                  "healthcontent_articles 42\n"));
}

TEST(MetricsTest, WithoutAnAddressKeepsARegistryOnly) {
  absl::StatusOr<std::unique_ptr<Metrics>> metrics = Metrics::Create("");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_EQ((*metrics)->port(), 0);
  prometheus::Counter& misses = (*metrics)->Counter("healthcontent_cache_misses_total", "Misses.");
  misses.Increment();
  // The same name is the same counter.
  EXPECT_EQ(&(*metrics)->Counter("healthcontent_cache_misses_total", "Misses."), &misses);
  (*metrics)->AddGaugeCallback("healthcontent_cache_entries", "Entries.", [] { return 7.0; });

  std::vector<prometheus::MetricFamily> families = (*metrics)->Collect();
  ASSERT_EQ(families.size(), 2u);
  EXPECT_EQ(families[0].name, "healthcontent_cache_misses_total");
  EXPECT_EQ(families[0].type, prometheus::MetricType::Counter);
  ASSERT_EQ(families[0].metric.size(), 1u);
  EXPECT_EQ(families[0].metric[0].counter.value, 1);
  EXPECT_EQ(families[1].name, "healthcontent_cache_entries");
  EXPECT_EQ(families[1].type, prometheus::MetricType::Gauge);
  ASSERT_EQ(families[1].metric.size(), 1u);
  EXPECT_EQ(families[1].metric[0].gauge.value, 7);
}

TEST(MetricsTest, RefusesAnAddressInUseNamingIt) {
  // A listening socket holds a port.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t length = sizeof(address);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string taken = absl::StrCat("127.0.0.1:", ntohs(address.sin_port));

  for (const std::string& listen : {taken, std::string("not-an-address")}) {
    absl::StatusOr<std::unique_ptr<Metrics>> metrics = Metrics::Create(listen);
    ASSERT_FALSE(metrics.ok()) << listen;
    EXPECT_EQ(metrics.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(std::string(metrics.status().message()),
                StartsWith(absl::StrCat("could not serve metrics on ", listen, " ")));
  }
  close(fd);
}

TEST(MetricsTest, RefusesBadOrTakenNames) {
  absl::StatusOr<std::unique_ptr<Metrics>> metrics = Metrics::Create("");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  Metrics& m = **metrics;
  m.AddGaugeCallback("healthcontent_articles", "Articles.", [] { return 1.0; });
  m.Counter("healthcontent_reads_total", "Reads.");

  EXPECT_THROW(m.AddGaugeCallback("articles", "No prefix.", [] { return 1.0; }),
               std::invalid_argument);
  EXPECT_THROW(m.AddGaugeCallback("healthcontent_bad-name", "Dash.", [] { return 1.0; }),
               std::invalid_argument);
  EXPECT_THROW(m.AddGaugeCallback("healthcontent_articles", "Again.", [] { return 2.0; }),
               std::invalid_argument);
  EXPECT_THROW(m.AddGaugeCallback("healthcontent_reads_total", "A counter's.", [] { return 2.0; }),
               std::invalid_argument);
  EXPECT_THROW(m.Counter("healthcontent_reads", "No _total."), std::invalid_argument);
  EXPECT_NO_THROW(m.Counter("healthcontent_articles_total", "A free name."));
}

}  // namespace
}  // namespace healthcontent::server
