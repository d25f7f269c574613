#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "barbershop/common/result.hpp"

namespace barbershop::common {

/// An IPv4 or IPv6 address, IPv4 kept as the IPv4-mapped IPv6 address (::ffff:a.b.c.d), so
/// that a peer seen on a dual-stack socket matches the IPv4 entry that names it.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  bool v4 = false;

  /// "10.1.2.3", "::1", "::ffff:10.1.2.3" (taken as 10.1.2.3); nullopt for anything else
  /// (a name, a port, brackets, spaces).
  static std::optional<IpAddress> Parse(std::string_view text);
  /// The usual spelling: "10.1.2.3", "2001:db8::1".
  std::string ToString() const;
  bool operator==(const IpAddress&) const = default;
};

/// Which direct peers of a service may say who the client is (the gateway, a load
/// balancer), and the client address that follows from a call's peer and its
/// X-Forwarded-For.  Immutable once parsed; thread-safe.
class TrustedProxies {
 public:
  /// Trusts nobody: every client is its direct peer.
  TrustedProxies() = default;

  /// Parses a list of addresses and CIDR blocks separated by commas and/or spaces, e.g.
  /// "127.0.0.1, 10.0.0.0/8, ::1, fd00::/8"; an empty list trusts nobody.  Bits past a
  /// block's prefix are ignored (10.1.2.3/8 is 10.0.0.0/8).  An entry that is neither is
  /// kInvalidArgument, naming it.
  static Result<TrustedProxies> Parse(std::string_view list);

  bool empty() const { return blocks_.empty(); }
  bool Trusts(const IpAddress& address) const;

  /// The client's address, spelt as IpAddress::ToString does.  `peer` (an address, as
  /// `PeerAddress` gives it) when it is not trusted: whatever it sends is ignored.  From a
  /// trusted peer, the right-most address in `forwarded_for` (comma-separated, as each
  /// proxy appends the address it saw) that is not itself trusted; if every one is
  /// trusted, the left-most.  `peer` again when the header is empty, or when the entry it
  /// comes to is not an address (nothing past a garbled hop can be believed).
  std::string ClientAddress(std::string_view peer, std::string_view forwarded_for) const;

  /// The list as parsed, normalised ("127.0.0.1/32, 10.0.0.0/8"), for the start-up log.
  std::string ToString() const;

 private:
  struct Block {
    IpAddress network;
    int prefix;  ///< of the 128 bits of `network` (an IPv4 /8 is /104 here)
  };
  std::vector<Block> blocks_;
};

}  // namespace barbershop::common
