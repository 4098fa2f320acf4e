#include "proto/address.hpp"

#include "proto/byte_io.hpp"
#include "proto/hex.hpp"

namespace zt {

Address Address::from_bytes(const std::uint8_t* p) { return Address(load_be(p, kLength)); }

std::optional<Address> Address::from_string(std::string_view text) {
  if (text.size() != 2 * kLength) return std::nullopt;
  auto v = parse_hex_u64(text);
  if (!v) return std::nullopt;
  return Address(*v);
}

void Address::to_bytes(std::uint8_t* p) const { store_be(p, value_, kLength); }

std::string Address::to_string() const { return to_hex_u64(value_, 10); }

}  // namespace zt
