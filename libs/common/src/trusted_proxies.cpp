#include "barbershop/common/trusted_proxies.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace barbershop::common {

namespace {

constexpr std::array<std::uint8_t, 12> kV4MappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
/// Entries of X-Forwarded-For looked at, from the right: a proxy chain is a few hops, and
/// a header padded by a client to thousands of entries costs nothing more.
constexpr int kMostHops = 32;

std::string_view Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

bool SamePrefix(const IpAddress& a, const IpAddress& b, int prefix) {
  const int whole = prefix / 8;
  if (std::memcmp(a.bytes.data(), b.bytes.data(), static_cast<std::size_t>(whole)) != 0) return false;
  const int rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a.bytes[static_cast<std::size_t>(whole)] & mask) == (b.bytes[static_cast<std::size_t>(whole)] & mask);
}

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  // inet_pton wants a terminated string; no address is longer than INET6_ADDRSTRLEN.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN || text.find('\0') != std::string_view::npos) return std::nullopt;
  char buffer[INET6_ADDRSTRLEN] = {};
  std::memcpy(buffer, text.data(), text.size());
  IpAddress address;
  in_addr ipv4{};
  if (inet_pton(AF_INET, buffer, &ipv4) == 1) {
    std::memcpy(address.bytes.data(), kV4MappedPrefix.data(), kV4MappedPrefix.size());
    std::memcpy(address.bytes.data() + 12, &ipv4, 4);
    address.v4 = true;
    return address;
  }
  if (inet_pton(AF_INET6, buffer, address.bytes.data()) != 1) return std::nullopt;
  address.v4 = std::memcmp(address.bytes.data(), kV4MappedPrefix.data(), kV4MappedPrefix.size()) == 0;
  return address;
}

std::string IpAddress::ToString() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (v4) {
    inet_ntop(AF_INET, bytes.data() + 12, buffer, sizeof buffer);
  } else {
    inet_ntop(AF_INET6, bytes.data(), buffer, sizeof buffer);
  }
  return buffer;
}

Result<TrustedProxies> TrustedProxies::Parse(std::string_view list) {
  TrustedProxies proxies;
  std::size_t at = 0;
  while (at < list.size()) {
    const auto end = list.find_first_of(", \t", at);
    const auto entry = list.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    at = end == std::string_view::npos ? list.size() : end + 1;
    if (entry.empty()) continue;
    const auto bad = [&](const std::string& why) {
      return MakeError(ErrorCode::kInvalidArgument, "trusted proxies: '" + std::string(entry) + "' is not " + why);
    };
    const auto slash = entry.find('/');
    const auto address = IpAddress::Parse(entry.substr(0, slash));
    if (!address) return bad("an IP address or a CIDR block (like 10.0.0.0/8)");
    const int bits = address->v4 ? 32 : 128;
    int length = bits;
    if (slash != std::string_view::npos) {
      const auto digits = entry.substr(slash + 1);
      const auto [end_of_number, error] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
      if (digits.empty() || error != std::errc() || end_of_number != digits.data() + digits.size() || length < 0 ||
          length > bits) {
        return bad("a CIDR block: the prefix length must be 0 to " + std::to_string(bits));
      }
    }
    proxies.blocks_.push_back(Block{*address, length + (address->v4 ? 96 : 0)});
  }
  return proxies;
}

bool TrustedProxies::Trusts(const IpAddress& address) const {
  for (const auto& block : blocks_) {
    if (SamePrefix(address, block.network, block.prefix)) return true;
  }
  return false;
}

std::string TrustedProxies::ClientAddress(std::string_view peer, std::string_view forwarded_for) const {
  const auto direct = IpAddress::Parse(peer);
  if (!direct) return std::string(peer);  // not an IP peer (a Unix socket): nobody to trust
  if (!Trusts(*direct)) return direct->ToString();
  std::optional<IpAddress> leftmost;
  std::size_t end = forwarded_for.size();
  for (int hop = 0; hop < kMostHops; ++hop) {
    const auto comma = forwarded_for.rfind(',', end == 0 ? 0 : end - 1);
    const bool first = comma == std::string_view::npos || end == 0;
    const std::size_t start = first ? 0 : comma + 1;
    const auto entry = Trim(forwarded_for.substr(start, end - start));
    if (entry.empty() && first && !leftmost) break;  // no header
    const auto address = IpAddress::Parse(entry);
    if (!address) return direct->ToString();
    if (!Trusts(*address)) return address->ToString();
    leftmost = address;
    if (first) break;
    end = comma;
  }
  return leftmost ? leftmost->ToString() : direct->ToString();
}

std::string TrustedProxies::ToString() const {
  std::string out;
  for (const auto& block : blocks_) {
    if (!out.empty()) out += ", ";
    IpAddress network = block.network;
    // The address as given with the bits past the prefix cleared.
    for (int bit = block.prefix; bit < 128; ++bit) {
      auto& byte = network.bytes[static_cast<std::size_t>(bit / 8)];
      byte = static_cast<std::uint8_t>(byte & ~(0x80 >> (bit % 8)));
    }
    out += network.ToString() + "/" + std::to_string(block.prefix - (network.v4 ? 96 : 0));
  }
  return out.empty() ? "none" : out;
}

}  // namespace barbershop::common
