#include "proto/fragment.hpp"

#include <algorithm>
#include <cstring>

#include "proto/byte_io.hpp"

namespace zt {

bool is_fragment(std::span<const std::uint8_t> datagram) {
  return datagram.size() > kMinFragmentLength &&
         datagram[kFragmentIndicatorOffset] == kFragmentIndicator;
}

std::optional<FragmentHeader> FragmentHeader::parse(std::span<const std::uint8_t> datagram) {
  if (!is_fragment(datagram)) return std::nullopt;
  ByteReader r(datagram);
  FragmentHeader h;
  h.packet_id = r.u64();
  h.destination = Address(r.u40());
  r.skip(1);  // the 0xff indicator
  const std::uint8_t counts = r.u8();
  h.total = counts >> 4;
  h.number = counts & 0x0f;
  h.hops = r.u8() & kFlagHopsMask;
  h.data = r.take(r.remaining());
  if (!r.ok()) return std::nullopt;
  return h;
}

bool FragmentHeader::counts_are_sane() const {
  return total > 1 && total <= kMaxPacketFragments && number >= 1 && number < total;
}

void set_fragment_hops(std::span<std::uint8_t> fragment, std::uint8_t hops) {
  if (fragment.size() < kMinFragmentLength) return;
  fragment[kFragmentHopsOffset] = hops & kFlagHopsMask;
}

bool needs_fragmenting(std::size_t size, std::size_t mtu) { return size > mtu; }

std::optional<std::size_t> fragments_needed(std::span<const std::uint8_t> armored_packet,
                                            std::size_t mtu) {
  const std::size_t size = armored_packet.size();
  if (size < kMinPacketLength || size > kMaxPacketLength || mtu < kMinPacketLength)
    return std::nullopt;
  // A packet that needs fragmenting is larger than the MTU, so the MTU is
  // below kMaxPacketLength and a fragment fits split_packet's buffer.
  if (!needs_fragmenting(size, mtu)) return 0;
  if ((armored_packet[kFlagsOffset] & kFlagFragmented) == 0) return std::nullopt;
  const std::size_t chunk = mtu - kMinFragmentLength;
  const std::size_t fragments = (size - mtu + chunk - 1) / chunk;
  if (fragments + 1 > kMaxPacketFragments) return std::nullopt;
  return fragments;
}

std::vector<Bytes> fragment_packet(std::span<const std::uint8_t> armored_packet, std::size_t mtu) {
  std::vector<Bytes> out;
  split_packet(armored_packet, mtu, [&out](std::span<const std::uint8_t> datagram) {
    out.emplace_back(datagram.begin(), datagram.end());
  });
  return out;
}

// One packet being collected. Parts are stored in arrival order in its
// arena (kMaxPacketLength bytes, the largest valid packet, kept apart from
// the entries so that looking a packet up walks a few kilobytes, not the
// arenas' megabyte).
struct Reassembler::Entry {
  bool used = false;
  std::uint64_t packet_id = 0;
  std::int64_t created = 0;
  std::uint8_t total = 0;  // 0 until a fragment tells us
  std::uint8_t have = 0;   // bit 0: head, bit n: fragment n
  std::size_t used_bytes = 0;
  std::array<std::uint16_t, kMaxPacketFragments> offset{};
  std::array<std::uint16_t, kMaxPacketFragments> length{};
  std::uint8_t* arena = nullptr;

  void reset() {
    used = false;
    total = 0;
    have = 0;
    used_bytes = 0;
  }
};

// The arenas are left uninitialised: written before they are read, and an
// arena never used costs no memory.
Reassembler::Reassembler()
    : entries_(std::make_unique<std::array<Entry, kReassemblySlots>>()),
      arenas_(std::make_unique_for_overwrite<std::uint8_t[]>(kReassemblySlots * kMaxPacketLength)) {
  for (std::size_t i = 0; i < kReassemblySlots; ++i)
    (*entries_)[i].arena = arenas_.get() + i * kMaxPacketLength;
}
Reassembler::~Reassembler() = default;

std::size_t Reassembler::in_flight() const {
  std::size_t n = 0;
  for (const Entry& e : *entries_) n += e.used ? 1 : 0;
  return n;
}

void Reassembler::expire(std::int64_t now) {
  for (Entry& e : *entries_) {
    if (e.used && now - e.created > kReceiveQueueTimeout) {
      e.reset();
      ++counters_.expired;
    }
  }
}

void Reassembler::clear() {
  for (Entry& e : *entries_) e.reset();
}

Reassembler::Entry* Reassembler::find(std::uint64_t packet_id) {
  for (Entry& e : *entries_)
    if (e.used && e.packet_id == packet_id) return &e;
  return nullptr;
}

// A free slot, or else the oldest entry (upstream's ring overwrites too).
Reassembler::Entry& Reassembler::claim(std::uint64_t packet_id, std::int64_t now) {
  Entry* slot = nullptr;
  for (Entry& e : *entries_) {
    if (!e.used) {
      slot = &e;
      break;
    }
    if (slot == nullptr || e.created < slot->created) slot = &e;
  }
  if (slot->used) ++counters_.evicted;
  slot->reset();
  slot->used = true;
  slot->packet_id = packet_id;
  slot->created = now;
  return *slot;
}

bool Reassembler::store(Entry& e, unsigned part, std::span<const std::uint8_t> bytes) {
  if (bytes.size() > kMaxPacketLength - e.used_bytes) {
    // These parts can never form a valid packet; free the slot now.
    e.reset();
    ++counters_.oversize;
    return false;
  }
  std::memcpy(e.arena + e.used_bytes, bytes.data(), bytes.size());
  e.offset[part] = static_cast<std::uint16_t>(e.used_bytes);
  e.length[part] = static_cast<std::uint16_t>(bytes.size());
  e.used_bytes += bytes.size();
  e.have |= static_cast<std::uint8_t>(1u << part);
  return true;
}

std::optional<Packet> Reassembler::complete_if_ready(Entry& e) {
  if (e.total == 0 || e.have != (1u << e.total) - 1) return std::nullopt;
  auto packet = Packet::from_bytes({e.arena + e.offset[0], e.length[0]});
  for (unsigned part = 1; packet && part < e.total; ++part)
    packet->append_bytes({e.arena + e.offset[part], e.length[part]});
  e.reset();
  if (packet) ++counters_.completed;
  return packet;
}

std::optional<Packet> Reassembler::add_head(std::span<const std::uint8_t> head, std::int64_t now) {
  if (head.size() < kMinPacketLength || head.size() > kMaxPacketLength) {
    ++counters_.malformed;
    return std::nullopt;
  }
  if ((head[kFlagsOffset] & kFlagFragmented) == 0) return Packet::from_bytes(head);
  expire(now);
  const std::uint64_t id = load_be(head.data() + kPacketIdOffset, kPacketIdLength);
  Entry* e = find(id);
  if (e == nullptr) e = &claim(id, now);
  if (e->have & 1u) {
    ++counters_.duplicates;
    return std::nullopt;
  }
  if (!store(*e, 0, head)) return std::nullopt;
  return complete_if_ready(*e);
}

std::optional<Packet> Reassembler::add_fragment(std::span<const std::uint8_t> fragment,
                                                std::int64_t now) {
  const auto h = FragmentHeader::parse(fragment);
  if (!h) {
    ++counters_.malformed;
    return std::nullopt;
  }
  if (!h->counts_are_sane()) {
    ++counters_.bad_counts;
    return std::nullopt;
  }
  expire(now);
  Entry* e = find(h->packet_id);
  if (e == nullptr) e = &claim(h->packet_id, now);
  if (e->total != 0 && e->total != h->total) {
    ++counters_.total_mismatch;
    return std::nullopt;
  }
  if (e->have & (1u << h->number)) {
    ++counters_.duplicates;
    return std::nullopt;
  }
  e->total = h->total;
  if (!store(*e, h->number, h->data)) return std::nullopt;
  return complete_if_ready(*e);
}

}  // namespace zt
