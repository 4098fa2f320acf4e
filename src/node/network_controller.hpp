#pragma once
// The seam between the engine and a network controller (controller.md):
// a node whose address is the top 40 bits of a network id serves that
// network's configs. The engine hands each NETWORK_CONFIG_REQUEST to the
// controller; the controller answers (now or later, e.g. a push after an
// API change) through the sender, which the engine implements: it signs,
// chunks and sends the config, or applies it directly when the member is
// this node itself. The controller itself (src/controller) does I/O; the
// engine does not.
#include <cstdint>
#include <span>

#include "node/node_host.hpp"
#include "proto/address.hpp"
#include "proto/identity.hpp"
#include "proto/inet_address.hpp"
#include "proto/verbs/ok_error.hpp"

namespace zt {

struct NetworkConfig;
struct Revocation;

// Implemented by the engine. Call only on the thread that owns the Node.
class NetworkControllerSender {
 public:
  virtual ~NetworkControllerSender() = default;

  // A config for `member`: as OK(NETWORK_CONFIG_REQUEST) answering
  // `request_packet_id`, or as a NETWORK_CONFIG push when it is 0.
  virtual void send_config(std::int64_t now, std::uint64_t network_id, Address member,
                           std::uint64_t request_packet_id, const NetworkConfig& config) = 0;
  // ERROR(NETWORK_CONFIG_REQUEST): kObjectNotFound, kNetworkAccessDenied or
  // kNetworkAuthenticationRequired (with `auth_info`, a Dictionary).
  virtual void send_error(std::int64_t now, std::uint64_t network_id, Address member,
                          std::uint64_t request_packet_id, ErrorCode code,
                          std::span<const std::uint8_t> auth_info = {}) = 0;
  // NETWORK_CREDENTIALS carrying just this revocation.
  virtual void send_revocation(std::int64_t now, Address member, const Revocation& revocation) = 0;
};

class NetworkController {
 public:
  virtual ~NetworkController() = default;

  // A member asks for the config of `network_id` (whose top 40 bits are
  // this node's address). `physical` is where the request came from when
  // it arrived directly, nil when relayed or asked in-process;
  // `request_packet_id` is 0 for the in-process request of this node.
  // `metadata` is the request's Dictionary (vl2.md §6.1).
  virtual void request(std::int64_t now, NetworkControllerSender& sender, std::uint64_t network_id,
                       const Identity& member, std::uint64_t request_packet_id,
                       const InetAddress& physical, std::span<const std::uint8_t> metadata) = 0;
};

}  // namespace zt
