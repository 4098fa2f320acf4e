#pragma once
// The seam where VL2 (networks, multicast, configs) plugs into the VL1
// engine: authenticated packets whose verbs VL1 does not handle itself are
// offered to a handler, so network code never touches the receive pipeline.
#include <cstdint>
#include <span>

#include "node/node_host.hpp"
#include "proto/address.hpp"
#include "proto/inet_address.hpp"
#include "proto/packet.hpp"

namespace zt {

struct InboundPacket {
  Address source;
  Verb verb = Verb::kNop;
  std::uint64_t packet_id = 0;  // as on the wire: what an OK/ERROR reply names
  std::uint8_t hops = 0;
  LocalSocket socket = kAnySocket;  // where it arrived from (a relay when hops > 0)
  InetAddress from;
  std::span<const std::uint8_t> payload;  // decrypted, decompressed, after the verb byte
};

class PacketHandler {
 public:
  virtual ~PacketHandler() = default;

  // Gets FRAME, EXT_FRAME, MULTICAST_*, NETWORK_*, USER_MESSAGE, ... and
  // OK/ERROR answering verbs other than HELLO, WHOIS and Node::echo's
  // ECHOs. Returns false for what it does not handle (counted as
  // drop_unsupported). Receiving FRAME, EXT_FRAME, NETWORK_CONFIG* or
  // MULTICAST_FRAME successfully marks the peer active (§18.1 keepalives).
  virtual bool on_packet(std::int64_t now, const InboundPacket& packet) = 0;
};

}  // namespace zt
