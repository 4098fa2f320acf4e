// Hostile bytes as an identity, in text and binary form. Whatever parses must
// round-trip exactly. (locally_validate is not called: 2 MiB per call.)
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "proto/hex.hpp"
#include "proto/identity.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void same(const zt::Identity& a, const zt::Identity& b) {
  check(a == b);
  check(a.has_private() == b.has_private());
  check(!a.has_private() || a.private_key() == b.private_key());
}

void text_form(const std::uint8_t* data, std::size_t size) {
  std::string error;
  auto id = zt::Identity::from_string(
      std::string_view(reinterpret_cast<const char*>(data), size), &error);
  if (!id) {
    check(!error.empty());
    return;
  }
  const std::string text = id->to_string(true);
  auto again = zt::Identity::from_string(text);
  check(again.has_value());
  same(*id, *again);
  check(again->to_string(true) == text);
  check(zt::Identity::from_string(id->to_string(false)).has_value());
}

void binary_form(const std::uint8_t* data, std::size_t size) {
  zt::ByteReader r({data, size});
  auto id = zt::Identity::deserialize(r);
  if (!id) return;
  check(r.position() == zt::Identity::kPublicBinarySize ||
        r.position() == zt::Identity::kSecretBinarySize);
  zt::Bytes bytes;
  zt::ByteWriter w(bytes);
  id->serialize(w, true);
  check(bytes.size() == r.position() && std::equal(bytes.begin(), bytes.end(), data));
  zt::ByteReader r2(bytes);
  auto again = zt::Identity::deserialize(r2);
  check(again.has_value() && r2.at_end());
  same(*id, *again);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  text_form(data, size);
  binary_form(data, size);
  return 0;
}
