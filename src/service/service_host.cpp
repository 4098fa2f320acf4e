#include "service/service_host.hpp"

#include "crypto/random.hpp"
#include "proto/hex.hpp"
#include "service/service_log.hpp"

namespace zt::service {

ServiceHost::ServiceHost(const io::HomeDir& home, EventSink on_event)
    : home_(home), on_event_(std::move(on_event)) {}

bool ServiceHost::send_datagram(LocalSocket socket, const InetAddress& to,
                                std::span<const std::uint8_t> data, unsigned ttl) {
  return transport_ && transport_->send(socket, to, data, ttl);
}

void ServiceHost::on_event(const NodeEvent& event) {
  // Echo replies are answers to someone's ping, not news worth a log line.
  if (event.type != NodeEventType::kEchoReply) log_line(describe_event(event));
  if (on_event_) on_event_(event);
}

void ServiceHost::store(std::string_view name, std::span<const std::uint8_t> data) {
  std::string error;
  if (!home_.store(name, data, &error))
    log_line("cannot store " + std::string(name) + ": " + error);
}

std::optional<std::vector<std::uint8_t>> ServiceHost::load(std::string_view name) {
  std::string error;
  bool missing = false;
  std::optional<Bytes> bytes = home_.load(name, &error, &missing);
  if (!bytes && !missing) log_line("cannot load " + std::string(name) + ": " + error);
  return bytes;
}

void ServiceHost::random_bytes(void* out, std::size_t len) { crypto::secure_random(out, len); }

std::string describe_event(const NodeEvent& e) {
  switch (e.type) {
    case NodeEventType::kOnline:
      return "online: a root answered";
    case NodeEventType::kOffline:
      return "offline: no root heard from lately";
    case NodeEventType::kPeerDirect:
      return "peer " + e.peer.to_string() + ": direct path established";
    case NodeEventType::kPeerRelayed:
      return "peer " + e.peer.to_string() + ": lost its direct paths, now relayed";
    case NodeEventType::kEchoReply:
      return "echo reply from " + e.peer.to_string() + " (" +
             (e.via_relay ? "relayed" : "direct") + ", " + std::to_string(e.rtt_ms) + " ms)";
    case NodeEventType::kWorldUpdated:
      return "world updated: " + e.message;
    case NodeEventType::kIdentityCollision:
      return "fatal: root " + e.peer.to_string() +
             " says another node holds our address; make a new identity (move identity.secret "
             "and identity.public out of the home directory)";
    case NodeEventType::kNetworkStatus:
      return "network " + to_hex_u64(e.network_id, 16) + ": " + network_status_name(e.network_status);
    case NodeEventType::kTrace:
      return e.message;
  }
  return e.message;
}

}  // namespace zt::service
