#include "proto/credentials/revocation.hpp"

namespace zt {
namespace {

void write_body(ByteWriter& w, const Revocation& v) {
  w.u32(0);  // unused
  w.u32(v.id);
  w.u64(v.network_id);
  w.u32(0);  // unused
  w.u32(v.credential_id);
  w.u64(static_cast<std::uint64_t>(v.threshold));
  w.u64(v.flags);
  w.u40(v.target.value());
  w.u40(v.signed_by.value());
  w.u8(static_cast<std::uint8_t>(v.credential_type));
}

}  // namespace

std::optional<Revocation> Revocation::read(ByteReader& r) {
  Revocation v;
  r.skip(4);
  v.id = r.u32();
  v.network_id = r.u64();
  r.skip(4);
  v.credential_id = r.u32();
  v.threshold = static_cast<std::int64_t>(r.u64());
  v.flags = r.u64();
  v.target = Address(r.u40());
  v.signed_by = Address(r.u40());
  v.credential_type = static_cast<CredentialType>(r.u8());
  credential_detail::read_signature(r, v.signature);
  credential_detail::skip_additional_fields(r);
  if (!r.ok()) return std::nullopt;
  return v;
}

std::optional<Revocation> Revocation::parse(std::span<const std::uint8_t> bytes) {
  ByteReader r(bytes);
  auto v = read(r);
  if (!v || !r.at_end()) return std::nullopt;
  return v;
}

void Revocation::write(ByteWriter& w) const {
  write_body(w, *this);
  credential_detail::write_signature(w, signature);
  w.u16(0);
}

Bytes Revocation::serialize() const {
  Bytes out;
  ByteWriter w(out);
  write(w);
  return out;
}

Bytes Revocation::signing_message() const {
  Bytes out;
  ByteWriter w(out);
  w.u64(kSigningFence);
  write_body(w, *this);
  w.u16(0);
  w.u64(kSigningFence);
  return out;
}

bool Revocation::sign(const Identity& controller) {
  if (!controller.has_private()) return false;
  signed_by = controller.address();
  return credential_detail::sign_message(controller, signing_message(), signature);
}

bool Revocation::verify(const Identity& controller) const {
  return credential_detail::verify_controller_signature(controller, network_id, signed_by,
                                                        signing_message(), signature);
}

}  // namespace zt
