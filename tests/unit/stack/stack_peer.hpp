#pragma once
// A second TCP/IP stack for tests: lwIP is one instance per process, so the
// peer is this test binary started again as a child process that runs an
// echo service (TCP and UDP port 7, IPv4 and IPv6) on its own interface.
// The two stacks' frames travel as UDP datagrams on 127.0.0.1
// (UdpFrameLink). The child exits when the parent closes its stdin or dies.
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "stack/stack_interface.hpp"
#include "stack/udp_frame_link.hpp"

namespace zt::test {

struct PeerAddresses {
  static constexpr const char* kLocal4 = "10.9.0.1";
  static constexpr const char* kPeer4 = "10.9.0.2";
  static constexpr const char* kLocal6 = "fd09::1";
  static constexpr const char* kPeer6 = "fd09::2";
  static constexpr unsigned short kEchoPort = 7;
};

// This process's interface (10.9.0.1, fd09::1) wired to a child process's
// (10.9.0.2, fd09::2).
class StackPeer {
 public:
  static std::unique_ptr<StackPeer> start(std::string* error);
  ~StackPeer();

 private:
  StackPeer() = default;
  std::unique_ptr<stack::UdpFrameLink> link_;
  std::unique_ptr<stack::StackInterface> iface_;
  pid_t child_ = -1;
  int child_stdin_ = -1;
};

}  // namespace zt::test
