// Who a call is charged to: the client's IP address, for per-client limits.
//
// gRPC names a peer "ipv4:127.0.0.1:5123" or "ipv6:[::1]:5123"; the port
// changes with every connection, so a client is its address alone. Behind a
// reverse proxy (nginx, a load balancer) every call comes from the proxy;
// when the peer is one of the operator's trusted proxies, the client is the
// rightmost address of X-Forwarded-For that is not itself a trusted proxy
// (each proxy appends the address it received the request from, so the
// entries left of the last untrusted one could have been written by anyone).
//
//   ASSIGN_OR_RETURN(TrustedProxies proxies, TrustedProxies::Parse("127.0.0.1,10.0.0.0/8"));
//   ClientAddress("ipv4:127.0.0.1:5123", "203.0.113.7", proxies)  // "203.0.113.7"
//   ClientAddress("ipv4:192.0.2.1:5123", "203.0.113.7", proxies)  // "192.0.2.1" (not trusted)
#ifndef HEALTHCONTENT_COMMON_CLIENT_ADDRESS_H_
#define HEALTHCONTENT_COMMON_CLIENT_ADDRESS_H_

#include <array>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace healthcontent {

// A set of addresses and CIDR ranges (IPv4 and IPv6). Immutable once parsed;
// thread-safe to read.
class TrustedProxies {
 public:
  TrustedProxies() = default;  // trusts nobody

  // A comma-separated list of addresses and ranges ("127.0.0.1,::1,10.0.0.0/8");
  // empty trusts nobody. InvalidArgument naming the entry that is neither.
  static absl::StatusOr<TrustedProxies> Parse(absl::string_view list);

  // True when `address` (a bare IP, as ClientAddress returns) is in the set.
  bool Contains(absl::string_view address) const;
  bool empty() const { return ranges_.empty(); }

 private:
  struct Range {
    bool v6 = false;
    std::array<unsigned char, 16> bytes{};
    int prefix_bits = 0;
  };
  std::vector<Range> ranges_;
};

// gRPC's peer string for calls over a server's in-process channel (gRPC
// 1.51 names no peer there; network peers are always ipv4:, ipv6: or unix:).
inline constexpr absl::string_view kInProcessPeer = "unknown";

// The client's IP address, canonical ("::1", not "[::1]" or "0:0:0::1").
// `peer` is gRPC's peer string; `forwarded_for` the X-Forwarded-For value
// (empty when absent). From the in-process peer (the HTTP face, which puts
// the client it serves there) the last X-Forwarded-For entry is the client.
// Anything else that is not an IP peer (a Unix socket) is returned as it is,
// so it still names one client.
std::string ClientAddress(absl::string_view peer, absl::string_view forwarded_for,
                          const TrustedProxies& trusted);

}  // namespace healthcontent

#endif  // HEALTHCONTENT_COMMON_CLIENT_ADDRESS_H_
