// Reassembly: the input is a stream of datagrams, each preceded by a
// control byte (top 2 bits: clock advance in 2 s steps; low 6 bits: high
// bits of the length) and a length byte, all fed to one Reassembler.
// Completed packets are split again and must reassemble to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "proto/fragment.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void resplit(const zt::Packet& p) {
  for (std::size_t mtu : {std::size_t{600}, zt::kDefaultPhysMtu}) {
    const auto parts = zt::fragment_packet(p.bytes(), mtu);
    if (parts.size() < 2) continue;
    static zt::Reassembler again;  // cleared per use: allocating it each time dominates
    again.clear();
    std::optional<zt::Packet> done;
    for (const auto& part : parts) {
      check(part.size() <= mtu);
      done = zt::is_fragment(part) ? again.add_fragment(part, 0) : again.add_head(part, 0);
    }
    check(done.has_value() && done->size() == p.size());
    check(std::memcmp(done->data(), p.data(), p.size()) == 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static zt::Reassembler r;
  r.clear();
  std::int64_t now = 1000;
  std::size_t pos = 0;
  while (pos + 2 <= size) {
    const std::uint8_t ctrl = data[pos];
    std::size_t len = (static_cast<std::size_t>(ctrl & 0x3f) << 8) | data[pos + 1];
    pos += 2;
    now += (ctrl >> 6) * 2000;
    if (len > size - pos) len = size - pos;
    const std::span<const std::uint8_t> datagram(data + pos, len);
    pos += len;

    const auto done = zt::is_fragment(datagram) ? r.add_fragment(datagram, now)
                                                : r.add_head(datagram, now);
    check(r.in_flight() <= zt::kReassemblySlots);
    if (done) {
      check(done->size() >= zt::kMinPacketLength && done->size() <= zt::kMaxPacketLength);
      if (done->fragmented()) resplit(*done);
    }
  }
  return 0;
}
