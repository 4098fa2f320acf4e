#include "proto/verbs/rendezvous.hpp"

namespace zt {

std::optional<Rendezvous> parse_rendezvous(std::span<const std::uint8_t> payload) {
  ByteReader r(payload);
  Rendezvous rv;
  rv.flags = r.u8();
  rv.with = Address(r.u40());
  const std::uint16_t port = r.u16();
  const std::size_t ip_length = r.u8();
  auto ip = r.take(ip_length);
  if (!r.ok()) return std::nullopt;
  if (ip_length == 4) rv.at = InetAddress::v4(ip.data(), port);
  else if (ip_length == 16) rv.at = InetAddress::v6(ip.data(), port);
  else return std::nullopt;
  return rv;
}

void write_rendezvous(ByteWriter& w, const Rendezvous& rv) {
  w.u8(rv.flags);
  w.u40(rv.with.value());
  w.u16(rv.at.port());
  w.u8(static_cast<std::uint8_t>(rv.at.ip_length()));
  w.bytes(rv.at.ip(), rv.at.ip_length());
}

}  // namespace zt
