#pragma once
// USER_MESSAGE (vl1.md §12.18): an application message with a 64-bit type.
#include <cstdint>
#include <optional>
#include <span>

#include "proto/byte_io.hpp"

namespace zt {

inline constexpr std::uint64_t kUserMessageReservedTypeMax = 65535;  // ZeroTier's own types

struct UserMessage {
  std::uint64_t type_id = 0;
  std::span<const std::uint8_t> data;  // a view into the payload
};

std::optional<UserMessage> parse_user_message(std::span<const std::uint8_t> payload);
void write_user_message(ByteWriter& w, const UserMessage& m);

}  // namespace zt
