#include "common/client_address.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace healthcontent {
namespace {

TrustedProxies Trust(absl::string_view list) {
  absl::StatusOr<TrustedProxies> proxies = TrustedProxies::Parse(list);
  EXPECT_TRUE(proxies.ok()) << proxies.status();
  return proxies.ok() ? *proxies : TrustedProxies();
}

TEST(ClientAddressTest, TheClientIsThePeersAddressWithoutItsPort) {
  const TrustedProxies nobody;
  EXPECT_EQ(ClientAddress("ipv4:127.0.0.1:51234", "", nobody), "127.0.0.1");
  EXPECT_EQ(ClientAddress("ipv4:127.0.0.1:40000", "", nobody), "127.0.0.1");
  EXPECT_EQ(ClientAddress("ipv6:[::1]:51234", "", nobody), "::1");
  EXPECT_EQ(ClientAddress("ipv6:%5B::1%5D:51234", "", nobody), "::1");
  EXPECT_EQ(ClientAddress("ipv6:[0:0:0:0:0:0:0:1]:5", "", nobody), "::1");  // canonical
  // Not an IP peer: kept as it is, still one client.
  EXPECT_EQ(ClientAddress("inproc", "", nobody), "inproc");
  EXPECT_EQ(ClientAddress("unix:/run/hc.sock", "", nobody), "unix:/run/hc.sock");
}

TEST(ClientAddressTest, ForwardedForCountsOnlyFromATrustedProxy) {
  const TrustedProxies local = Trust("127.0.0.1, ::1");
  // From the trusted nginx: the address it forwarded for.
  EXPECT_EQ(ClientAddress("ipv4:127.0.0.1:5", "203.0.113.7", local), "203.0.113.7");
  EXPECT_EQ(ClientAddress("ipv6:[::1]:5", "2001:db8::7", local), "2001:db8::7");
  // From anyone else the header is ignored: a client cannot pick its own name.
  EXPECT_EQ(ClientAddress("ipv4:192.0.2.1:5", "203.0.113.7", local), "192.0.2.1");
  EXPECT_EQ(ClientAddress("ipv4:127.0.0.1:5", "203.0.113.7", TrustedProxies()), "127.0.0.1");
  // The rightmost untrusted hop: whatever the client wrote to the left of
  // it ("1.2.3.4" here) is not believed.
  EXPECT_EQ(ClientAddress("ipv4:127.0.0.1:5", "1.2.3.4, 203.0.113.7", local), "203.0.113.7");
  // Chains of trusted proxies are walked through.
  const TrustedProxies chain = Trust("127.0.0.1,10.0.0.0/8");
  EXPECT_EQ(ClientAddress("ipv4:127.0.0.1:5", "198.51.100.2, 10.1.2.3", chain), "198.51.100.2");
  // Garbage in the header: the proxy itself is the client.
  EXPECT_EQ(ClientAddress("ipv4:127.0.0.1:5", "not-an-ip", local), "127.0.0.1");
  EXPECT_EQ(ClientAddress("ipv4:127.0.0.1:5", std::string("1.2.3.4\0", 8), local), "127.0.0.1");
  EXPECT_EQ(ClientAddress("ipv4:127.0.0.1:5", "1.2.3.4, garbage", local), "127.0.0.1");
}

// The in-process peer is the HTTP face, which names its client in the last
// X-Forwarded-For entry; with nothing usable there it stays as it is.
TEST(ClientAddressTest, TheInProcessPeerNamesItsClient) {
  EXPECT_EQ(ClientAddress(kInProcessPeer, "203.0.113.7", TrustedProxies()), "203.0.113.7");
  EXPECT_EQ(ClientAddress(kInProcessPeer, "1.2.3.4, 0:0::1", TrustedProxies()), "::1");
  EXPECT_EQ(ClientAddress(kInProcessPeer, "", TrustedProxies()), kInProcessPeer);
  EXPECT_EQ(ClientAddress(kInProcessPeer, "garbage", TrustedProxies()), kInProcessPeer);
  EXPECT_EQ(ClientAddress("unix:/tmp/s", "203.0.113.7", TrustedProxies()), "unix:/tmp/s");
}

TEST(TrustedProxiesTest, RangesMatchByPrefix) {
  const TrustedProxies proxies = Trust("10.0.0.0/8,192.168.1.128/25,2001:db8::/32");
  EXPECT_TRUE(proxies.Contains("10.255.0.1"));
  EXPECT_FALSE(proxies.Contains("11.0.0.1"));
  EXPECT_TRUE(proxies.Contains("192.168.1.200"));
  EXPECT_FALSE(proxies.Contains("192.168.1.100"));
  EXPECT_TRUE(proxies.Contains("2001:db8:ffff::1"));
  EXPECT_FALSE(proxies.Contains("2001:db9::1"));
  EXPECT_FALSE(proxies.Contains("::ffff:10.0.0.1"));  // IPv6 never matches an IPv4 range
  EXPECT_FALSE(proxies.Contains("nonsense"));
  EXPECT_TRUE(Trust("0.0.0.0/0").Contains("8.8.8.8"));
  EXPECT_TRUE(Trust("").empty());
}

TEST(TrustedProxiesTest, AnEntryThatIsNotAnAddressIsRefusedNamingIt) {
  for (const char* bad : {"localhost", "10.0.0.0/33", "::1/129", "10.0.0.0/-1", "10.0.0.0/x",
                          "1.2.3.4:80", "[::1]", "300.1.1.1"}) {
    absl::StatusOr<TrustedProxies> proxies = TrustedProxies::Parse(absl::StrCat("127.0.0.1,", bad));
    ASSERT_FALSE(proxies.ok()) << bad;
    EXPECT_EQ(proxies.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(proxies.status().message(),
                ::testing::HasSubstr(absl::StrCat("\"", bad, "\" is not an IP address")));
  }
}

}  // namespace
}  // namespace healthcontent
