#include "proto/verbs/attached_com.hpp"

#include "proto/address.hpp"

namespace zt {

std::span<const std::uint8_t> read_attached_com(ByteReader& r) {
  // Walk a copy to learn the length, then take exactly that from `r`.
  ByteReader scan = r;
  const std::size_t start = scan.position();
  if (scan.u8() != kComFormat) {
    r.fail();
    return {};
  }
  const std::size_t qualifiers = scan.u16();
  if (qualifiers > kComMaxQualifiers) {
    r.fail();
    return {};
  }
  scan.skip(qualifiers * kComQualifierSize);
  const bool is_signed = scan.u40() != 0;  // the signer's address; zero means unsigned
  if (is_signed) scan.skip(kComSignatureSize);
  if (!scan.ok()) {
    r.fail();
    return {};
  }
  return r.take(scan.position() - start);
}

}  // namespace zt
