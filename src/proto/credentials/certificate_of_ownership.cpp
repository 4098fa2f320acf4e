#include "proto/credentials/certificate_of_ownership.hpp"

#include <algorithm>

namespace zt {
namespace {

void write_body(ByteWriter& w, const CertificateOfOwnership& c) {
  w.u64(c.network_id);
  w.u64(static_cast<std::uint64_t>(c.timestamp));
  w.u64(c.flags);
  w.u32(c.id);
  w.u16(static_cast<std::uint16_t>(c.things.size()));
  for (const auto& t : c.things) {
    w.u8(t.type);
    w.bytes(t.value.data(), t.value.size());
  }
  w.u40(c.issued_to.value());
  w.u40(c.signed_by.value());
}

bool owns_thing(const CertificateOfOwnership& c, std::uint8_t type, const std::uint8_t* v,
                std::size_t len) {
  return std::any_of(c.things.begin(), c.things.end(), [&](const OwnedThing& t) {
    return t.type == type && std::equal(v, v + len, t.value.begin());
  });
}

}  // namespace

bool CertificateOfOwnership::add(const InetAddress& ip) {
  if (things.size() >= kMaxThings) return false;
  if (ip.is_nil()) return true;
  OwnedThing t;
  t.type = ip.is_v4() ? OwnedThing::kIpv4 : OwnedThing::kIpv6;
  std::copy(ip.ip(), ip.ip() + ip.ip_length(), t.value.begin());
  things.push_back(t);
  return true;
}

bool CertificateOfOwnership::add(MacAddress mac) {
  if (things.size() >= kMaxThings) return false;
  OwnedThing t;
  t.type = OwnedThing::kMac;
  mac.to_bytes(t.value.data());
  things.push_back(t);
  return true;
}

bool CertificateOfOwnership::owns(const InetAddress& ip) const {
  if (ip.is_nil()) return false;
  return owns_thing(*this, ip.is_v4() ? OwnedThing::kIpv4 : OwnedThing::kIpv6, ip.ip(),
                    ip.ip_length());
}

bool CertificateOfOwnership::owns(MacAddress mac) const {
  std::uint8_t b[MacAddress::kLength];
  mac.to_bytes(b);
  return owns_thing(*this, OwnedThing::kMac, b, sizeof(b));
}

std::optional<CertificateOfOwnership> CertificateOfOwnership::read(ByteReader& r) {
  CertificateOfOwnership c;
  c.network_id = r.u64();
  c.timestamp = static_cast<std::int64_t>(r.u64());
  c.flags = r.u64();
  c.id = r.u32();
  const std::size_t count = std::min<std::size_t>(r.u16(), kMaxThings);
  for (std::size_t i = 0; i < count && r.ok(); ++i) {
    OwnedThing t;
    t.type = r.u8();
    r.copy(t.value.data(), t.value.size());
    c.things.push_back(t);
  }
  c.issued_to = Address(r.u40());
  c.signed_by = Address(r.u40());
  credential_detail::read_signature(r, c.signature);
  credential_detail::skip_additional_fields(r);
  if (!r.ok()) return std::nullopt;
  return c;
}

std::optional<CertificateOfOwnership> CertificateOfOwnership::parse(
    std::span<const std::uint8_t> bytes) {
  ByteReader r(bytes);
  auto c = read(r);
  if (!c || !r.at_end()) return std::nullopt;
  return c;
}

void CertificateOfOwnership::write(ByteWriter& w) const {
  write_body(w, *this);
  credential_detail::write_signature(w, signature);
  w.u16(0);
}

Bytes CertificateOfOwnership::serialize() const {
  Bytes out;
  ByteWriter w(out);
  write(w);
  return out;
}

Bytes CertificateOfOwnership::signing_message() const {
  Bytes out;
  ByteWriter w(out);
  w.u64(kSigningFence);
  write_body(w, *this);
  w.u16(0);
  w.u64(kSigningFence);
  return out;
}

bool CertificateOfOwnership::sign(const Identity& controller) {
  if (!controller.has_private()) return false;
  signed_by = controller.address();
  return credential_detail::sign_message(controller, signing_message(), signature);
}

bool CertificateOfOwnership::verify(const Identity& controller) const {
  return credential_detail::verify_controller_signature(controller, network_id, signed_by,
                                                        signing_message(), signature);
}

}  // namespace zt
