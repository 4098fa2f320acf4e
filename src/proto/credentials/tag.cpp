#include "proto/credentials/tag.hpp"

namespace zt {
namespace {

void write_body(ByteWriter& w, const Tag& t) {
  w.u64(t.network_id);
  w.u64(static_cast<std::uint64_t>(t.timestamp));
  w.u32(t.id);
  w.u32(t.value);
  w.u40(t.issued_to.value());
  w.u40(t.signed_by.value());
}

}  // namespace

std::optional<Tag> Tag::read(ByteReader& r) {
  Tag t;
  t.network_id = r.u64();
  t.timestamp = static_cast<std::int64_t>(r.u64());
  t.id = r.u32();
  t.value = r.u32();
  t.issued_to = Address(r.u40());
  t.signed_by = Address(r.u40());
  credential_detail::read_signature(r, t.signature);
  credential_detail::skip_additional_fields(r);
  if (!r.ok()) return std::nullopt;
  return t;
}

std::optional<Tag> Tag::parse(std::span<const std::uint8_t> bytes) {
  ByteReader r(bytes);
  auto t = read(r);
  if (!t || !r.at_end()) return std::nullopt;
  return t;
}

void Tag::write(ByteWriter& w) const {
  write_body(w, *this);
  credential_detail::write_signature(w, signature);
  w.u16(0);  // no additional fields
}

Bytes Tag::serialize() const {
  Bytes out;
  ByteWriter w(out);
  write(w);
  return out;
}

Bytes Tag::signing_message() const {
  Bytes out;
  ByteWriter w(out);
  w.u64(kSigningFence);
  write_body(w, *this);
  w.u16(0);
  w.u64(kSigningFence);
  return out;
}

bool Tag::sign(const Identity& controller) {
  if (!controller.has_private()) return false;
  signed_by = controller.address();
  return credential_detail::sign_message(controller, signing_message(), signature);
}

bool Tag::verify(const Identity& controller) const {
  return credential_detail::verify_controller_signature(controller, network_id, signed_by,
                                                        signing_message(), signature);
}

}  // namespace zt
