#pragma once
// Unicast Ethernet frames (vl1.md §12.7–12.8, vl2.md §9): FRAME, whose MACs
// are implied by the ZeroTier addresses, EXT_FRAME with explicit MACs, and
// OK(EXT_FRAME). Spans are views into the parsed payload.
#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "proto/byte_io.hpp"
#include "proto/mac_address.hpp"

namespace zt {

struct Frame {
  std::uint64_t network_id = 0;
  std::uint16_t ethertype = 0;
  std::span<const std::uint8_t> data;  // the Ethernet payload
};
std::optional<Frame> parse_frame(std::span<const std::uint8_t> payload);
void write_frame(ByteWriter& w, const Frame& f);
// FRAME's fields before the data (network id, ethertype), for a sender that
// hands the data over as a second piece instead of copying it behind them.
inline constexpr std::size_t kFrameHeaderSize = 10;
std::array<std::uint8_t, kFrameHeaderSize> frame_header(std::uint64_t network_id,
                                                        std::uint16_t ethertype);

inline constexpr std::uint8_t kExtFrameFlagCom = 0x01;  // deprecated, still parsed
inline constexpr std::uint8_t kExtFrameSubtypeMask = 0x0e;  // TEE/REDIRECT/WATCH copies
inline constexpr std::uint8_t kExtFrameFlagAckRequested = 0x10;  // answer OK(EXT_FRAME)

struct ExtFrame {
  std::uint64_t network_id = 0;
  std::uint8_t flags = 0;
  std::span<const std::uint8_t> com;  // iff flags & kExtFrameFlagCom
  MacAddress to;
  MacAddress from;
  std::uint16_t ethertype = 0;
  std::span<const std::uint8_t> data;
};
std::optional<ExtFrame> parse_ext_frame(std::span<const std::uint8_t> payload);
// Writes `com` iff the COM flag is set.
void write_ext_frame(ByteWriter& w, const ExtFrame& f);

struct OkExtFrame {
  std::uint64_t network_id = 0;
};
std::optional<OkExtFrame> parse_ok_ext_frame(std::span<const std::uint8_t> body);
void write_ok_ext_frame(ByteWriter& w, const OkExtFrame& ok);

}  // namespace zt
