// UDP datagrams on 127.0.0.1 as the wire between two stacks.
#include "stack/udp_frame_link.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

namespace zt::stack {
namespace {

// Largest frame: ZeroTier's largest MTU plus the Ethernet header.
constexpr std::size_t kMaxFrame = 10000 + StackInterface::kEthernetHeader;
constexpr std::size_t kBatch = 64;
// Deep kernel buffers: TCP through lwIP recovers slowly from a lost frame
// (no SACK on the sending side), so the wire should not drop under bursts.
constexpr int kSocketBuffer = 8 * 1024 * 1024;

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

void set_buffer(int fd, int option, int forced_option) {
  // The forced variant ignores net.core.[rw]mem_max but needs CAP_NET_ADMIN.
  if (setsockopt(fd, SOL_SOCKET, forced_option, &kSocketBuffer, sizeof kSocketBuffer) != 0)
    setsockopt(fd, SOL_SOCKET, option, &kSocketBuffer, sizeof kSocketBuffer);
}

}  // namespace

std::unique_ptr<UdpFrameLink> UdpFrameLink::open(std::uint16_t port, std::string* error) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    if (error) *error = std::string("UDP socket: ") + std::strerror(errno);
    return nullptr;
  }
  set_buffer(fd, SO_RCVBUF, SO_RCVBUFFORCE);
  set_buffer(fd, SO_SNDBUF, SO_SNDBUFFORCE);
  sockaddr_in a = loopback(port);
  socklen_t len = sizeof a;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (error) *error = "binding 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno);
    close(fd);
    return nullptr;
  }
  const int stop_fd = eventfd(0, EFD_CLOEXEC);
  if (stop_fd < 0) {
    if (error) *error = std::string("eventfd: ") + std::strerror(errno);
    close(fd);
    return nullptr;
  }
  return std::unique_ptr<UdpFrameLink>(new UdpFrameLink(fd, stop_fd, ntohs(a.sin_port)));
}

UdpFrameLink::~UdpFrameLink() {
  if (receiver_.joinable()) {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = write(stop_fd_, &one, sizeof one);
    receiver_.join();
  }
  close(stop_fd_);
  close(fd_);
}

StackInterface::FrameSink UdpFrameLink::sink() {
  return [this](std::span<const std::uint8_t> frame) {
    const sockaddr_in to = loopback(peer_port_);
    if (sendto(fd_, frame.data(), frame.size(), MSG_DONTWAIT,
               reinterpret_cast<const sockaddr*>(&to),
               sizeof to) == static_cast<ssize_t>(frame.size()))
      sent_.fetch_add(1, std::memory_order_relaxed);
    else
      send_failures_.fetch_add(1, std::memory_order_relaxed);
  };
}

void UdpFrameLink::start(StackInterface& iface) {
  receiver_ = std::thread([this, &iface] { receive_loop(iface); });
}

void UdpFrameLink::receive_loop(StackInterface& iface) {
  std::vector<std::uint8_t> buffers(kBatch * kMaxFrame);
  std::array<iovec, kBatch> iov{};
  std::array<mmsghdr, kBatch> messages{};
  for (std::size_t i = 0; i < kBatch; ++i) {
    iov[i] = {buffers.data() + i * kMaxFrame, kMaxFrame};
    messages[i].msg_hdr.msg_iov = &iov[i];
    messages[i].msg_hdr.msg_iovlen = 1;
  }
  std::array<std::span<const std::uint8_t>, kBatch> frames;
  pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
  for (;;) {
    if (poll(fds, 2, -1) < 0 && errno != EINTR) return;
    if (fds[1].revents != 0) return;
    const int n = recvmmsg(fd_, messages.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) continue;
    for (int i = 0; i < n; ++i) {
      const auto k = static_cast<std::size_t>(i);
      frames[k] =
          std::span<const std::uint8_t>(buffers.data() + k * kMaxFrame, messages[k].msg_len);
    }
    received_.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
    iface.input_frames(std::span(frames.data(), static_cast<std::size_t>(n)));
  }
}

}  // namespace zt::stack
