#include "proto/credentials/credential.hpp"

#include "proto/network_id.hpp"

namespace zt::credential_detail {

void read_signature(ByteReader& r, Signature& out) {
  out.fill(0);
  if (r.u8() == kSignatureTypeC25519) {
    if (r.u16() != out.size()) {
      r.fail();
      return;
    }
    r.copy(out.data(), out.size());
  } else {
    r.skip(r.u16());
  }
}

void write_signature(ByteWriter& w, const Signature& sig) {
  w.u8(kSignatureTypeC25519);
  w.u16(static_cast<std::uint16_t>(sig.size()));
  w.bytes(sig.data(), sig.size());
}

void skip_additional_fields(ByteReader& r) { r.skip(r.u16()); }

bool sign_message(const Identity& signer, const Bytes& message, Signature& out) {
  if (!signer.has_private()) return false;
  out = signer.sign(message.data(), message.size());
  return true;
}

bool verify_controller_signature(const Identity& controller, std::uint64_t nwid, Address signed_by,
                                 const Bytes& message, const Signature& sig) {
  if (signed_by.is_nil() || signed_by != network_controller(nwid)) return false;
  if (controller.address() != signed_by) return false;
  return controller.verify(message.data(), message.size(), sig.data(), sig.size());
}

}  // namespace zt::credential_detail
