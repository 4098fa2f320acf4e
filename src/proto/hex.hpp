#pragma once
// Lowercase hex text <-> bytes, strict on input.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zt {

using Bytes = std::vector<std::uint8_t>;

std::string to_hex(std::span<const std::uint8_t> bytes);

// An even number of hex digits (either case), nothing else; nullopt otherwise.
std::optional<Bytes> from_hex(std::string_view text);

// Exactly out.size() bytes worth of hex digits; false otherwise.
bool from_hex_exact(std::string_view text, std::span<std::uint8_t> out);

// `value` as `digits` lowercase hex digits, zero padded.
std::string to_hex_u64(std::uint64_t value, int digits = 16);

// 1..16 hex digits, nothing else.
std::optional<std::uint64_t> parse_hex_u64(std::string_view text);

}  // namespace zt
