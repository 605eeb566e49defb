#include "common/client_address.h"

#include <arpa/inet.h>

#include <cstring>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace healthcontent {
namespace {

struct Ip {
  bool v6 = false;
  std::array<unsigned char, 16> bytes{};
};

// Parses a bare IPv4 or IPv6 address (no brackets, no port, no zone).
bool ParseIp(absl::string_view text, Ip* ip) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return false;
  if (text.find('\0') != absl::string_view::npos) return false;  // inet_pton would stop there
  char buffer[INET6_ADDRSTRLEN];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  if (inet_pton(AF_INET, buffer, ip->bytes.data()) == 1) {
    ip->v6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, buffer, ip->bytes.data()) == 1) {
    ip->v6 = true;
    return true;
  }
  return false;
}

std::string Format(const Ip& ip) {
  char buffer[INET6_ADDRSTRLEN];
  inet_ntop(ip.v6 ? AF_INET6 : AF_INET, ip.bytes.data(), buffer, sizeof(buffer));
  return buffer;
}

// The address part of gRPC's "ipv4:a.b.c.d:port" / "ipv6:[addr]:port" (also
// percent-encoded "ipv6:%5B::1%5D:port", as gRPC 1.51 writes it).
bool PeerIp(absl::string_view peer, Ip* ip) {
  if (absl::ConsumePrefix(&peer, "ipv4:")) {
    const size_t colon = peer.rfind(':');
    return colon != absl::string_view::npos && ParseIp(peer.substr(0, colon), ip);
  }
  if (absl::ConsumePrefix(&peer, "ipv6:")) {
    const size_t colon = peer.rfind(':');
    if (colon == absl::string_view::npos) return false;
    absl::string_view host = peer.substr(0, colon);
    if (!absl::ConsumePrefix(&host, "[") && !absl::ConsumePrefix(&host, "%5B")) return false;
    if (!absl::ConsumeSuffix(&host, "]") && !absl::ConsumeSuffix(&host, "%5D")) return false;
    return ParseIp(host, ip);
  }
  return false;
}

}  // namespace

absl::StatusOr<TrustedProxies> TrustedProxies::Parse(absl::string_view list) {
  TrustedProxies proxies;
  for (absl::string_view entry : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    absl::string_view address = entry;
    std::optional<int> prefix_bits;  // none: the whole address
    bool prefix_ok = true;
    if (const size_t slash = entry.find('/'); slash != absl::string_view::npos) {
      address = entry.substr(0, slash);
      const absl::string_view digits = entry.substr(slash + 1);
      int bits = 0;
      prefix_ok =
          !digits.empty() && absl::ascii_isdigit(digits[0]) && absl::SimpleAtoi(digits, &bits);
      prefix_bits = bits;
    }
    Ip ip;
    const int max_bits = ParseIp(address, &ip) ? (ip.v6 ? 128 : 32) : 0;
    if (max_bits == 0 || !prefix_ok || prefix_bits.value_or(0) > max_bits) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", entry.substr(0, 64),
                       "\" is not an IP address or CIDR range (e.g. 127.0.0.1, ::1, "
                       "10.0.0.0/8)"));
    }
    proxies.ranges_.push_back(Range{ip.v6, ip.bytes, prefix_bits.value_or(max_bits)});
  }
  return proxies;
}

bool TrustedProxies::Contains(absl::string_view address) const {
  Ip ip;
  if (!ParseIp(address, &ip)) return false;
  for (const Range& range : ranges_) {
    if (range.v6 != ip.v6) continue;
    const int whole = range.prefix_bits / 8;
    const int rest = range.prefix_bits % 8;
    if (std::memcmp(range.bytes.data(), ip.bytes.data(), whole) != 0) continue;
    if (rest != 0) {
      const unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
      if ((range.bytes[whole] & mask) != (ip.bytes[whole] & mask)) continue;
    }
    return true;
  }
  return false;
}

std::string ClientAddress(absl::string_view peer, absl::string_view forwarded_for,
                          const TrustedProxies& trusted) {
  Ip ip;
  if (!PeerIp(peer, &ip)) {
    // The in-process transport: only this process calls over it (the HTTP
    // face), and it names the client it serves in X-Forwarded-For.
    if (peer == kInProcessPeer && !forwarded_for.empty()) {
      absl::string_view last = forwarded_for.substr(forwarded_for.rfind(',') + 1);
      if (ParseIp(absl::StripAsciiWhitespace(last), &ip)) return Format(ip);
    }
    return std::string(peer);
  }
  std::string client = Format(ip);
  if (forwarded_for.empty() || !trusted.Contains(client)) return client;
  // Walk from the nearest hop outwards while the hops are trusted proxies.
  std::vector<absl::string_view> hops = absl::StrSplit(forwarded_for, ',');
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    Ip hop_ip;
    if (!ParseIp(absl::StripAsciiWhitespace(*hop), &hop_ip)) break;  // garbage: stop at the proxy
    client = Format(hop_ip);
    if (!trusted.Contains(client)) break;
  }
  return client;
}

}  // namespace healthcontent
