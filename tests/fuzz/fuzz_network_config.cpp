// Hostile network configs. The first input byte picks the target:
// 0 NetworkConfig::from_dictionary on the rest; 1 a ConfigAssembler fed a
// sequence of chunks, each framed as [2] length [1] flags (bit 0: "from
// the controller") [length] chunk payload; 2 the request metadata reader.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "proto/byte_io.hpp"
#include "proto/config_request_metadata.hpp"
#include "proto/network_config.hpp"
#include "proto/network_config_chunks.hpp"

namespace {

using Span = std::span<const std::uint8_t>;

constexpr std::uint64_t kNwid = 0xe08309ce1e000001ULL;  // the vl2 vectors' network

void check(bool ok) {
  if (!ok) std::abort();
}

const zt::Identity& controller() {
  static const zt::Identity id = *zt::Identity::from_string(
      "e08309ce1e:0:5e8e58354ca8456b536dbc458853b908b6a41e994f30e28dd0285839fc9709645709331be26bc"
      "6fcb2d15c2686efb3d1e83ab98e5d34be45fdc2d7f0f3452cb9");
  return id;
}

// Parses, writes, and checks the writing settles after one more pass (an
// unknown `ssov` is dropped by the writer and reads back as version 0).
void network_config(Span in) {
  auto c = zt::NetworkConfig::from_dictionary(in);
  if (!c) return;
  (void)c->specialists_with(zt::kSpecialistActiveBridge);
  auto once = c->to_dictionary();
  if (!once) return;  // a near-capacity input can grow when rewritten
  auto again = zt::NetworkConfig::from_dictionary(*once);
  check(again.has_value());
  auto twice = again->to_dictionary();
  if (!twice) return;  // an `ssov` restored at the capacity's edge
  auto settled = zt::NetworkConfig::from_dictionary(*twice);
  check(settled.has_value() && settled->to_dictionary() == twice);
}

void assembler(Span in) {
  zt::ConfigAssembler a(kNwid);
  zt::ByteReader r(in);
  std::int64_t now = 0;
  std::uint64_t packet_id = 1;
  while (r.ok() && !r.at_end()) {
    const std::size_t length = r.u16();
    const bool from_controller = (r.u8() & 0x01) != 0;
    const Span chunk = r.take(std::min(length, r.remaining()));
    auto result = a.add(now += 100, chunk, packet_id++, controller(), from_controller);
    if (result.status == zt::ConfigAssembler::Status::kComplete) {
      check(result.dictionary.size() < zt::kNetworkConfigDictCapacity);
      network_config(result.dictionary);
    } else {
      check(result.dictionary.empty());
    }
  }
}

void metadata(Span in) {
  const auto m = zt::ConfigRequestMetadata::from_dictionary(in);
  (void)m.auth_token();
  (void)m.to_dictionary();
}

using Target = void (*)(Span);

// Keep the order: the seed files' first bytes index this table.
const Target kTargets[] = {network_config, assembler, metadata};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t count = sizeof kTargets / sizeof kTargets[0];
  kTargets[data[0] % count](Span(data + 1, size - 1));
  return 0;
}
