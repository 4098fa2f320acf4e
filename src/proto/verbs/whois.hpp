#pragma once
// WHOIS (vl1.md §12.5) and OK(WHOIS): addresses asked for, identities given.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "proto/address.hpp"
#include "proto/byte_io.hpp"
#include "proto/identity.hpp"

namespace zt {

// One or more whole 5-byte addresses.
struct Whois {
  std::vector<Address> addresses;
};
std::optional<Whois> parse_whois(std::span<const std::uint8_t> payload);
void write_whois(ByteWriter& w, const Whois& whois);

// Upstream uses only the first identity of a reply; the rest are counted.
struct OkWhois {
  Identity identity;  // public part only
  std::size_t more_identities = 0;  // well-formed identities after the first
};
// Fails unless the first identity is well formed; stops counting at the
// first malformed one after it.
std::optional<OkWhois> parse_ok_whois(std::span<const std::uint8_t> body);
void write_ok_whois(ByteWriter& w, std::span<const Identity> identities);

}  // namespace zt
