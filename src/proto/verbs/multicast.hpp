#pragma once
// Multicast verbs (vl1.md §12.10, §12.14, §12.15; vl2.md §12): LIKE
// announcements, GATHER requests and their OK, MULTICAST_FRAME and its OK.
// Spans in the structs are views into the parsed payload.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "proto/address.hpp"
#include "proto/byte_io.hpp"
#include "proto/mac_address.hpp"

namespace zt {

// A multicast group: a MAC plus 32 bits of "additional distinguishing
// information" (the target IPv4 for ARP, else 0).
struct MulticastGroup {
  MacAddress mac;
  std::uint32_t adi = 0;
  friend auto operator<=>(const MulticastGroup&, const MulticastGroup&) = default;
};

MulticastGroup read_multicast_group(ByteReader& r);
void write_multicast_group(ByteWriter& w, const MulticastGroup& g);

struct MulticastSubscription {
  std::uint64_t network_id = 0;
  MulticastGroup group;
  friend bool operator==(const MulticastSubscription&, const MulticastSubscription&) = default;
};

// MULTICAST_LIKE: whole 18-byte records only.
struct MulticastLike {
  std::vector<MulticastSubscription> subscriptions;
};
std::optional<MulticastLike> parse_multicast_like(std::span<const std::uint8_t> payload);
void write_multicast_like(ByteWriter& w, const MulticastLike& like);

inline constexpr std::uint8_t kMulticastGatherFlagCom = 0x01;

struct MulticastGather {
  std::uint64_t network_id = 0;
  std::uint8_t flags = 0;
  MulticastGroup group;
  std::uint32_t gather_limit = 0;
  std::span<const std::uint8_t> com;  // present iff flags & kMulticastGatherFlagCom
};
std::optional<MulticastGather> parse_multicast_gather(std::span<const std::uint8_t> payload);
// Writes `com` iff the COM flag is set.
void write_multicast_gather(ByteWriter& w, const MulticastGather& g);

// Members known to subscribe to a group, as a gather reply carries them.
struct GatherResult {
  std::uint32_t total_known = 0;
  std::vector<Address> members;
};

struct OkMulticastGather {
  std::uint64_t network_id = 0;
  MulticastGroup group;
  GatherResult result;
};
std::optional<OkMulticastGather> parse_ok_multicast_gather(std::span<const std::uint8_t> body);
void write_ok_multicast_gather(ByteWriter& w, const OkMulticastGather& ok);

inline constexpr std::uint8_t kMulticastFrameFlagCom = 0x01;          // deprecated
inline constexpr std::uint8_t kMulticastFrameFlagGatherLimit = 0x02;
inline constexpr std::uint8_t kMulticastFrameFlagSourceMac = 0x04;
inline constexpr std::uint8_t kMulticastFrameFlagReplicate = 0x08;

struct MulticastFrame {
  std::uint64_t network_id = 0;
  std::uint8_t flags = 0;
  std::span<const std::uint8_t> com;  // iff kMulticastFrameFlagCom
  std::uint32_t gather_limit = 0;     // iff kMulticastFrameFlagGatherLimit
  MacAddress source;                  // iff kMulticastFrameFlagSourceMac
  MulticastGroup group;               // destination MAC and ADI
  std::uint16_t ethertype = 0;
  std::span<const std::uint8_t> data;
};
std::optional<MulticastFrame> parse_multicast_frame(std::span<const std::uint8_t> payload);
// Writes the optional fields the flags select.
void write_multicast_frame(ByteWriter& w, const MulticastFrame& f);

inline constexpr std::uint8_t kOkMulticastFrameFlagCom = 0x01;
inline constexpr std::uint8_t kOkMulticastFrameFlagGather = 0x02;

struct OkMulticastFrame {
  std::uint64_t network_id = 0;
  MulticastGroup group;
  std::uint8_t flags = 0;
  std::span<const std::uint8_t> com;  // iff kOkMulticastFrameFlagCom
  GatherResult result;                // iff kOkMulticastFrameFlagGather
};
std::optional<OkMulticastFrame> parse_ok_multicast_frame(std::span<const std::uint8_t> body);
void write_ok_multicast_frame(ByteWriter& w, const OkMulticastFrame& ok);

}  // namespace zt
