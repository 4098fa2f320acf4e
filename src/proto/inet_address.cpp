#include "proto/inet_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace zt {

InetAddress InetAddress::v4(const std::uint8_t ip[4], std::uint16_t port) {
  InetAddress a;
  a.family_ = Family::kV4;
  std::memcpy(a.ip_.data(), ip, 4);
  a.port_ = port;
  return a;
}

InetAddress InetAddress::v6(const std::uint8_t ip[16], std::uint16_t port) {
  InetAddress a;
  a.family_ = Family::kV6;
  std::memcpy(a.ip_.data(), ip, 16);
  a.port_ = port;
  return a;
}

std::optional<InetAddress> InetAddress::from_string(std::string_view text) {
  std::string host(text);
  std::uint16_t port = 0;
  if (auto slash = text.rfind('/'); slash != std::string_view::npos) {
    host = std::string(text.substr(0, slash));
    auto p = text.substr(slash + 1);
    unsigned v = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (ec != std::errc() || end != p.data() + p.size() || p.empty() || v > 65535) return std::nullopt;
    port = static_cast<std::uint16_t>(v);
  }
  std::uint8_t buf[16];
  if (inet_pton(AF_INET, host.c_str(), buf) == 1) return v4(buf, port);
  if (inet_pton(AF_INET6, host.c_str(), buf) == 1) return v6(buf, port);
  return std::nullopt;
}

std::string InetAddress::ip_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (is_v4()) inet_ntop(AF_INET, ip_.data(), buf, sizeof buf);
  else if (is_v6()) inet_ntop(AF_INET6, ip_.data(), buf, sizeof buf);
  else return "(nil)";
  return buf;
}

std::string InetAddress::to_string() const {
  if (is_nil()) return "(nil)";
  return ip_string() + "/" + std::to_string(port_);
}

void InetAddress::serialize(ByteWriter& w) const {
  switch (family_) {
    case Family::kNone:
      w.u8(0);
      return;
    case Family::kV4:
      w.u8(4);
      w.bytes(ip_.data(), 4);
      w.u16(port_);
      return;
    case Family::kV6:
      w.u8(6);
      w.bytes(ip_.data(), 16);
      w.u16(port_);
      return;
  }
}

InetAddress InetAddress::deserialize(ByteReader& r) {
  InetAddress a;
  switch (r.u8()) {
    case 0:
      return a;
    case 4:
      a.family_ = Family::kV4;
      r.copy(a.ip_.data(), 4);
      a.port_ = r.u16();
      break;
    case 6:
      a.family_ = Family::kV6;
      r.copy(a.ip_.data(), 16);
      a.port_ = r.u16();
      break;
    case 1:  // reserved Ethernet / Bluetooth forms: skipped
    case 2:
      r.skip(6);
      return InetAddress();
    case 3:
      r.skip(r.u16());
      return InetAddress();
    default:
      r.fail();
      return InetAddress();
  }
  if (!r.ok()) return InetAddress();
  return a;
}

}  // namespace zt
