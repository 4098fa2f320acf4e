#include "stack/tap/route_netlink.hpp"

#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace zt::stack::tap {
namespace {

// A request is answered at once; this only guards against a kernel that
// never answers, so the loop thread cannot hang on it.
constexpr int kAckTimeoutSeconds = 3;
// Acks to our requests echo the request; ours are small, errors carry it.
constexpr std::size_t kReceiveBuffer = 16 * 1024;

std::uint32_t seq_of(const NetlinkBytes& request) {
  nlmsghdr h{};
  if (request.size() >= sizeof h) std::memcpy(&h, request.data(), sizeof h);
  return h.nlmsg_seq;
}

}  // namespace

std::unique_ptr<RouteNetlink> RouteNetlink::open(std::string* error) {
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) {
    if (error) *error = std::string("cannot open a netlink socket: ") + std::strerror(errno);
    return nullptr;
  }
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;  // nl_pid 0: the kernel picks a unique port id
  timeval timeout{kAckTimeoutSeconds, 0};
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) < 0 ||
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) < 0) {
    if (error) *error = std::string("cannot set up a netlink socket: ") + std::strerror(errno);
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<RouteNetlink>(new RouteNetlink(fd));
}

RouteNetlink::~RouteNetlink() { ::close(fd_); }

int RouteNetlink::transact(const NetlinkBytes& request) {
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd_, request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof kernel) < 0)
    return errno;
  const std::uint32_t seq = seq_of(request);
  std::vector<std::uint8_t> buffer(kReceiveBuffer);
  for (;;) {
    sockaddr_nl from{};
    socklen_t from_len = sizeof from;
    const ssize_t n = ::recvfrom(fd_, buffer.data(), buffer.size(), 0,
                                 reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK ? ETIMEDOUT : errno;
    }
    if (from.nl_pid != 0) continue;  // only the kernel answers
    if (std::optional<int> answer = parse_ack({buffer.data(), static_cast<std::size_t>(n)}, seq))
      return *answer;
    // An ack to an earlier request that timed out: keep waiting for ours.
  }
}

}  // namespace zt::stack::tap
