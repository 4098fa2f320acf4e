// Hostile Ethernet frames into the TCP/IP stack: two interfaces (IPv4 and
// IPv6, one with a managed route), a TCP listener and a UDP socket, so that
// lwIP's ARP, IPv4/IPv6, fragment, ICMP, neighbour discovery, TCP and UDP
// input and our input filters all parse fuzzer bytes. Nothing may crash,
// trip an lwIP assertion or hang. lwIP's state carries over from input to
// input, as it would on a network.
//
// Input: frames, each as a 2-byte big-endian length and that many bytes.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "stack/stack_interface.hpp"
#include "zts.h"

namespace {

constexpr std::size_t kMaxFrames = 64;

struct World {
  std::unique_ptr<zt::stack::StackInterface> a, b;
  int tcp = -1, udp = -1;
};

std::unique_ptr<zt::stack::StackInterface> make(std::uint64_t mac,
                                                std::vector<const char*> addresses,
                                                std::vector<zt::stack::Route> routes = {}) {
  zt::stack::InterfaceConfig c;
  c.mac = zt::MacAddress(mac);
  for (const char* a : addresses) c.addresses.push_back(*zt::InetAddress::from_string(a));
  c.routes = std::move(routes);
  return zt::stack::StackInterface::create(c, [](std::span<const std::uint8_t>) {});
}

World& world() {
  static World w = [] {
    World w;
    w.a = make(0x020000000001, {"10.0.0.1/24", "fd00::1/64", "fc11:2233:4455:6677:8899::1/40"},
               {{*zt::InetAddress::from_string("192.168.0.0/16"),
                 *zt::InetAddress::from_string("10.0.0.254")}});
    w.b = make(0x020000000002, {"10.1.0.1/24", "fd01::1/64"});
    w.tcp = zts_bsd_socket(ZTS_AF_INET6, ZTS_SOCK_STREAM, 0);  // dual-stack: IPv4 and IPv6
    zts_bind(w.tcp, "::", 80);
    zts_listen(w.tcp, 16);
    zts_set_blocking(w.tcp, 0);
    w.udp = zts_udp_server("0.0.0.0", 53);
    return w;
  }();
  return w;
}

}  // namespace

// lwIP's IPv6 reassembly links the fragments it holds through a packed
// header written into each fragment's buffer: the pointer to the next
// fragment is unaligned, which LeakSanitizer does not scan by default, so
// fragments still awaiting their datagram at exit looked leaked (they are
// freed when reassembly gives up, after IPV6_REASS_MAXAGE seconds).
extern "C" const char* __lsan_default_options() { return "use_unaligned=1"; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = world();
  std::vector<std::span<const std::uint8_t>> frames;
  for (std::size_t at = 0; at + 2 <= size && frames.size() < kMaxFrames;) {
    const std::size_t len = static_cast<std::size_t>(data[at] << 8 | data[at + 1]);
    at += 2;
    if (len > size - at) break;
    frames.emplace_back(data + at, len);
    at += len;
  }
  w.a->input_frames(frames);

  // Keep queues from growing across inputs.
  char buf[2048];
  while (zts_bsd_recv(w.udp, buf, sizeof buf, ZTS_MSG_DONTWAIT) > 0) {
  }
  for (int c; (c = zts_bsd_accept(w.tcp, nullptr, nullptr)) >= 0;) {
    zts_bsd_recv(c, buf, sizeof buf, ZTS_MSG_DONTWAIT);
    zts_bsd_close(c);
  }
  return 0;
}
