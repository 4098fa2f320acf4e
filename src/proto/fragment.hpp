#pragma once
// Fragmentation (vl1.md §10): splitting an armored packet that exceeds the
// path MTU into a head and fragments, and putting received ones back
// together. Reassembly memory is fixed at construction, whatever arrives.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "proto/address.hpp"
#include "proto/hex.hpp"
#include "proto/packet.hpp"

namespace zt {

// A datagram longer than a fragment header with 0xff where a head would
// carry the first byte of its (never 0xff-prefixed) source address.
bool is_fragment(std::span<const std::uint8_t> datagram);

// The fields of a fragment's 16-byte header, plus a view of its data.
struct FragmentHeader {
  std::uint64_t packet_id = 0;
  Address destination;
  std::uint8_t total = 0;   // parts including the head
  std::uint8_t number = 0;  // 1..total-1
  std::uint8_t hops = 0;
  std::span<const std::uint8_t> data;

  // nullopt unless is_fragment(datagram). Does not apply the count rules.
  static std::optional<FragmentHeader> parse(std::span<const std::uint8_t> datagram);
  // total <= kMaxPacketFragments, total > 1, 1 <= number < total.
  bool counts_are_sane() const;
};

// Sets a fragment's hop count (relays increment it like a packet's).
void set_fragment_hops(std::span<std::uint8_t> fragment, std::uint8_t hops);

// Whether a packet of `size` bytes must be sent as head + fragments; the
// FRAGMENTED flag must then be set before armoring.
bool needs_fragmenting(std::size_t size, std::size_t mtu);

// Splits an armored packet into datagrams of at most `mtu` bytes: the head
// first, then fragments 1..n. A packet that fits comes back whole. Empty
// when the packet is shorter than a header, the MTU cannot hold a header,
// more than kMaxPacketFragments parts would be needed, or the packet needs
// fragmenting but its FRAGMENTED flag is clear.
std::vector<Bytes> fragment_packet(std::span<const std::uint8_t> armored_packet,
                                   std::size_t mtu = kDefaultPhysMtu);

// The number of fragments after the head that split_packet will emit, or
// nullopt where fragment_packet returns empty.
std::optional<std::size_t> fragments_needed(std::span<const std::uint8_t> armored_packet,
                                            std::size_t mtu);

// What fragment_packet does without allocating, for the send path: calls
// emit(datagram) for the head, a view of the packet itself, then for each
// fragment, built in a buffer on the stack (valid during the call). False,
// with nothing emitted, where fragment_packet returns empty.
template <class Emit>
bool split_packet(std::span<const std::uint8_t> armored_packet, std::size_t mtu, Emit&& emit);

// Why the reassembler dropped something, for the engine's statistics.
struct ReassemblyCounters {
  std::uint64_t malformed = 0;       // head too short or too long, fragment unparseable
  std::uint64_t bad_counts = 0;      // fragment total/number outside the sanity rules
  std::uint64_t duplicates = 0;      // a part we already hold
  std::uint64_t total_mismatch = 0;  // a fragment disagreeing with the entry's total
  std::uint64_t oversize = 0;        // parts adding up to more than kMaxPacketLength
  std::uint64_t expired = 0;         // incomplete for longer than kReceiveQueueTimeout
  std::uint64_t evicted = 0;         // pushed out by a newer packet while all slots were busy
  std::uint64_t completed = 0;       // packets handed back whole
};

// Incomplete packets the reassembler holds at most. Upstream holds 32; a
// path that reorders (50 ms of jitter at a few thousand packets per second)
// has more than that in progress at once, and each eviction loses a packet.
// An unused slot costs no memory: its arena is never touched.
inline constexpr std::size_t kReassemblySlots = 128;

// Collects heads and fragments by packet ID. Holds at most kReassemblySlots
// incomplete packets; when all slots are busy the oldest is evicted, so a
// flood of fragments for new IDs costs no memory beyond the fixed slots.
class Reassembler {
 public:
  Reassembler();
  ~Reassembler();
  Reassembler(const Reassembler&) = delete;
  Reassembler& operator=(const Reassembler&) = delete;

  // A head (a datagram that is not a fragment). Returned at once when its
  // FRAGMENTED flag is clear; otherwise stored until the fragments are in.
  std::optional<Packet> add_head(std::span<const std::uint8_t> head, std::int64_t now);
  // A fragment; returns the assembled packet when it was the last part.
  std::optional<Packet> add_fragment(std::span<const std::uint8_t> fragment, std::int64_t now);
  // Drops entries older than kReceiveQueueTimeout (also done on every add).
  void expire(std::int64_t now);
  // Drops every entry (counters are kept).
  void clear();

  std::size_t in_flight() const;
  const ReassemblyCounters& counters() const { return counters_; }

 private:
  struct Entry;

  Entry* find(std::uint64_t packet_id);
  Entry& claim(std::uint64_t packet_id, std::int64_t now);
  bool store(Entry& e, unsigned part, std::span<const std::uint8_t> bytes);
  std::optional<Packet> complete_if_ready(Entry& e);

  std::unique_ptr<std::array<Entry, kReassemblySlots>> entries_;
  std::unique_ptr<std::uint8_t[]> arenas_;
  ReassemblyCounters counters_;
};

template <class Emit>
bool split_packet(std::span<const std::uint8_t> armored_packet, std::size_t mtu, Emit&& emit) {
  const std::optional<std::size_t> fragments = fragments_needed(armored_packet, mtu);
  if (!fragments) return false;
  if (*fragments == 0) {
    emit(armored_packet);
    return true;
  }
  emit(armored_packet.first(mtu));
  const std::size_t chunk = mtu - kMinFragmentLength;
  const auto total = static_cast<std::uint8_t>(*fragments + 1);
  std::array<std::uint8_t, kMaxPhysMtu> f;
  std::size_t pos = mtu;
  for (std::uint8_t number = 1; number <= *fragments; ++number) {
    const std::size_t n = std::min(chunk, armored_packet.size() - pos);
    std::copy_n(armored_packet.begin(), kPacketIdLength + kAddressLength, f.begin());  // id, dest
    f[kFragmentIndicatorOffset] = kFragmentIndicator;
    f[kFragmentCountsOffset] = static_cast<std::uint8_t>((total << 4) | number);
    f[kFragmentHopsOffset] = 0;
    std::copy_n(armored_packet.begin() + static_cast<std::ptrdiff_t>(pos), n,
                f.begin() + kFragmentDataOffset);
    emit(std::span<const std::uint8_t>(f.data(), kFragmentDataOffset + n));
    pos += n;
  }
  return true;
}

}  // namespace zt
