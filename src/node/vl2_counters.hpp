#pragma once
// Counters of what the VL2 engine did: frames in and out, and every frame
// or VL2 packet it dropped, by reason. Tests and /status read them.
#include <cstdint>

namespace zt {

struct Vl2Counters {
  std::uint64_t frames_in = 0;         // delivered to a port (unicast and multicast)
  std::uint64_t frames_out = 0;        // FRAME / EXT_FRAME / MULTICAST_FRAME packets sent
  std::uint64_t multicast_in = 0;      // of frames_in, from MULTICAST_FRAME
  std::uint64_t multicast_out = 0;     // of frames_out, MULTICAST_FRAME
  std::uint64_t configs_applied = 0;   // configs that changed a network
  std::uint64_t credentials_pushed = 0;  // NETWORK_CREDENTIALS packets sent

  std::uint64_t drop_unknown_network = 0;  // a network we have not joined
  std::uint64_t drop_no_config = 0;        // joined but not configured yet
  std::uint64_t drop_not_member = 0;       // sender failed the gate (no/old/revoked COM)
  std::uint64_t drop_filtered = 0;         // the rules said no
  std::uint64_t drop_bridging = 0;         // a foreign MAC from or for a non-bridge
  std::uint64_t drop_multicast = 0;        // multicast disabled, bad group or source
  std::uint64_t drop_malformed = 0;        // a VL2 payload that does not parse
  std::uint64_t drop_bad_credential = 0;   // credentials rejected (signature, age, revoked)
  std::uint64_t drop_bad_config = 0;       // chunks or configs rejected
  std::uint64_t drop_rate_limited = 0;     // NETWORK_CREDENTIALS faster than 1/s
  std::uint64_t drop_untrusted = 0;        // errors, LIKEs, gathers from peers not allowed to send them
};

}  // namespace zt
