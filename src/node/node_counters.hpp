#pragma once
// Counters of what the engine did with its input. Every dropped datagram
// lands in exactly one drop counter; tests and /status read them.
#include <cstdint>

namespace zt {

struct NodeCounters {
  std::uint64_t rx_datagrams = 0;
  std::uint64_t rx_packets = 0;           // authenticated packets dispatched
  std::uint64_t tx_datagrams = 0;
  std::uint64_t relayed = 0;              // packets and fragments forwarded for others

  std::uint64_t drop_malformed = 0;       // too short, bad header, unparsable payload
  std::uint64_t drop_bad_mac = 0;         // failed authentication
  std::uint64_t drop_bad_cipher = 0;      // suite 2 without a trusted path, or 4..7
  std::uint64_t drop_replayed = 0;        // packet id already seen from this peer
  std::uint64_t drop_invalid_identity = 0;
  std::uint64_t drop_rate_limited = 0;    // HELLO/WHOIS/ECHO/identity-check limits
  std::uint64_t drop_unexpected_reply = 0;  // OK/ERROR for nothing we sent
  std::uint64_t drop_unknown_peer = 0;    // waited for WHOIS and gave up, or queue full
  std::uint64_t drop_fragment = 0;        // bad, duplicate or expired fragments
  std::uint64_t drop_relay = 0;           // not relayable (hops, no route, not allowed)
  std::uint64_t drop_path_refused = 0;    // an address the path policy refused (not a datagram)
  std::uint64_t drop_unsupported = 0;     // valid but unhandled verbs
  std::uint64_t drop_decompress = 0;
};

}  // namespace zt
