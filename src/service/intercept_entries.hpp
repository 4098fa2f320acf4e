#pragma once
// Internal to the intercept server's files: what it keeps per control
// connection and per virtual socket, and the small socket helpers they
// share. Poller thread only, except where a field says otherwise.
#include <sys/socket.h>

#include <atomic>
#include <deque>
#include <memory>
#include <span>
#include <vector>

#include "service/intercept_server.hpp"

namespace zt::service {

struct InterceptServer::Control {
  int fd = -1;
  std::uint64_t token = 0;
};

struct InterceptServer::Listener {
  std::uint64_t id = 0;
  std::uint8_t domain = 4;
  std::shared_ptr<stack::TcpListener> lwip;
  int channel = -1;  // our end of the program's listening fd
  std::uint64_t channel_token = 0;
  int kernel = -1;   // a wildcard listener's kernel half
  std::uint64_t kernel_token = 0;
  bool kernel_paused = false;
  // Accepted connections the channel had no room for yet.
  struct Pending {
    std::vector<std::uint8_t> notice;
    int fd = -1;
    std::shared_ptr<stack::TcpRelay> relay;  // null for a kernel connection
  };
  std::deque<Pending> queue;
  std::size_t backlog = 128;
  bool nodelay = false;
  bool keepalive = false;
  bool closed = false;
};

struct InterceptServer::Datagram {
  std::uint64_t id = 0;
  std::uint8_t domain = 4;
  std::unique_ptr<stack::UdpEndpoint> endpoint;
  int fd = -1;  // our end of the program's UDP fd
  std::uint64_t token = 0;
  int kernel = -1;  // a wildcard socket's kernel half
  std::uint64_t kernel_token = 0;
  InetAddress peer;  // connected peer, nil if none
  std::shared_ptr<std::atomic<std::uint64_t>> dropped = std::make_shared<std::atomic<std::uint64_t>>(0);
};

struct InterceptServer::Entry {
  std::uint64_t id = 0;
  intercept::SocketKind kind = intercept::SocketKind::kStream;
  std::uint8_t domain = 4;
  // kBound: the port held, and our end of the placeholder (watched for the
  // program closing it).
  std::unique_ptr<stack::TcpPortReservation> reservation;
  stack::LocalBinding binding;
  int placeholder = -1;
  std::uint64_t placeholder_token = 0;
  // kStream
  std::shared_ptr<stack::TcpRelay> relay;
  // kListener
  std::shared_ptr<Listener> listener;
  // kDatagram
  std::shared_ptr<Datagram> datagram;
  // Options set before connect/listen, carried over.
  bool nodelay = false;
  bool keepalive = false;
};

// The reply to q, with errno `error` (0: success).
inline intercept::Reply answer(const intercept::Request& q, int error = 0) {
  intercept::Reply r;
  r.op = q.op;
  r.id = q.id;
  r.error = error;
  return r;
}

// The protocol's endpoints and ours. An IPv4 address given to an AF_INET6
// program socket is shown IPv4-mapped, as the kernel would.
intercept::Endpoint to_endpoint(const InetAddress& a, std::uint8_t domain);
InetAddress from_endpoint(const intercept::Endpoint& e);

// A stream socket's state, SO_ERROR and addresses as the program sees them.
void describe_stream(const stack::TcpRelay::Status& st, std::uint8_t domain, intercept::Reply& r);

// socketpair with CLOEXEC; false with errno set.
bool make_pair(int type, int fds[2]);
// sendmsg with MSG_DONTWAIT|MSG_NOSIGNAL and an optional fd; the errno, or 0.
int send_message(int socket, std::span<const std::uint8_t> bytes, int fd);

}  // namespace zt::service
