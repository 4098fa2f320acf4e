#pragma once
// A wire between two processes' stacks without ZeroTier: each Ethernet
// frame of one StackInterface travels as one UDP datagram on 127.0.0.1 to
// a peer link, whose receive thread feeds it into the peer's interface in
// batches. For tests and benchmarks of the stack alone, and to compare
// against the ZeroTier path later.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "stack/stack_interface.hpp"

namespace zt::stack {

class UdpFrameLink {
 public:
  // Binds 127.0.0.1:port (0: any free port). nullptr with *error on failure.
  static std::unique_ptr<UdpFrameLink> open(std::uint16_t port = 0, std::string* error = nullptr);
  ~UdpFrameLink();  // stops the receive thread
  UdpFrameLink(const UdpFrameLink&) = delete;
  UdpFrameLink& operator=(const UdpFrameLink&) = delete;

  std::uint16_t port() const { return port_; }
  // Where frames are sent: the peer link's port on 127.0.0.1.
  void set_peer(std::uint16_t port) { peer_port_ = port; }

  // The sink to give the interface: sends each frame to the peer.
  StackInterface::FrameSink sink();
  // Feeds received frames into `iface` from a thread of the link's own,
  // until the link is destroyed (destroy it before the interface).
  void start(StackInterface& iface);

  std::uint64_t frames_sent() const { return sent_; }
  std::uint64_t frames_received() const { return received_; }
  // Frames the kernel did not take (its buffer full): lost, as on a wire.
  std::uint64_t send_failures() const { return send_failures_; }

 private:
  UdpFrameLink(int fd, int stop_fd, std::uint16_t port) : fd_(fd), stop_fd_(stop_fd), port_(port) {}
  void receive_loop(StackInterface& iface);

  int fd_;
  int stop_fd_;  // eventfd that wakes the receive thread to stop
  std::uint16_t port_;
  std::uint16_t peer_port_ = 0;
  std::thread receiver_;
  std::atomic<std::uint64_t> sent_{0}, send_failures_{0}, received_{0};
};

}  // namespace zt::stack
