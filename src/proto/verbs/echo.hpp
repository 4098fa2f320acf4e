#pragma once
// ECHO (vl1.md §12.9) and OK(ECHO): arbitrary bytes, returned as received.
// An empty ECHO is upstream's keepalive.
#include <cstdint>
#include <span>

#include "proto/byte_io.hpp"

namespace zt {

struct Echo {
  std::span<const std::uint8_t> data;  // a view into the payload
};

// Any payload is a valid ECHO (and OK(ECHO) body).
inline Echo parse_echo(std::span<const std::uint8_t> payload) { return Echo{payload}; }
inline void write_echo(ByteWriter& w, const Echo& echo) { w.bytes(echo.data); }

}  // namespace zt
