#pragma once
// The service's side of NodeHost: datagrams go out through the UDP
// transport, objects into the home directory, randomness from the OS, and
// events to the log and to whoever the service wants told.
#include <functional>

#include "io/home_dir.hpp"
#include "io/udp_transport.hpp"
#include "node/node_event.hpp"
#include "node/node_host.hpp"

namespace zt::service {

class ServiceHost final : public NodeHost {
 public:
  using EventSink = std::function<void(const NodeEvent&)>;

  // `home` must outlive the host; the transport is attached once it exists
  // (it needs the node, which needs the host).
  ServiceHost(const io::HomeDir& home, EventSink on_event);
  void attach_transport(io::UdpTransport* transport) { transport_ = transport; }

  bool send_datagram(LocalSocket socket, const InetAddress& to,
                     std::span<const std::uint8_t> data, unsigned ttl) override;
  void on_event(const NodeEvent& event) override;
  void store(std::string_view name, std::span<const std::uint8_t> data) override;
  std::optional<std::vector<std::uint8_t>> load(std::string_view name) override;
  void random_bytes(void* out, std::size_t len) override;

 private:
  const io::HomeDir& home_;
  EventSink on_event_;
  io::UdpTransport* transport_ = nullptr;
};

// The log line for an event (echo replies and traces included).
std::string describe_event(const NodeEvent& event);

}  // namespace zt::service
