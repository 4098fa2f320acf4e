// The intercept's control socket: accepting programs' control connections,
// reading requests, dispatching them, replying (intercept_server.hpp). The
// socket kinds live in intercept_tcp.cpp, intercept_udp.cpp and
// intercept_status.cpp.
#include "service/intercept_server.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>

#include "crypto/random.hpp"
#include "service/intercept_entries.hpp"

namespace zt::service {

using intercept::Op;
using intercept::Reply;
using intercept::Request;

intercept::Endpoint to_endpoint(const InetAddress& a, std::uint8_t domain) {
  intercept::Endpoint e;
  const InetAddress plain = unmapped(a);
  if (plain.is_v4() && domain == 6) {
    e.family = 6;
    e.ip[10] = e.ip[11] = 0xff;
    std::memcpy(e.ip + 12, plain.ip(), 4);
  } else if (plain.is_v4()) {
    e.family = 4;
    std::memcpy(e.ip, plain.ip(), 4);
  } else if (plain.is_v6()) {
    e.family = 6;
    std::memcpy(e.ip, plain.ip(), 16);
  } else if (domain == 4 || domain == 6) {
    e.family = domain;  // the wildcard address of the socket's family
  }
  e.port = a.port();
  return e;
}

InetAddress from_endpoint(const intercept::Endpoint& e) {
  if (e.family == 4) return InetAddress::v4(e.ip, e.port);
  if (e.family == 6) return unmapped(InetAddress::v6(e.ip, e.port));
  return InetAddress();
}

bool make_pair(int type, int fds[2]) {
  return socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds) == 0;
}

int send_message(int socket, std::span<const std::uint8_t> bytes, int fd) {
  iovec iov{const_cast<std::uint8_t*>(bytes.data()), bytes.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  if (fd >= 0) {
    std::memset(control, 0, sizeof control);
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  for (;;) {
    if (sendmsg(socket, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0) return 0;
    if (errno != EINTR) return errno;
  }
}

std::unique_ptr<InterceptServer> InterceptServer::start(
    io::Poller& poller, const std::filesystem::path& socket_path,
    std::shared_ptr<VirtualNetworksView> networks, DnsResolver* resolver, LogSink log,
    std::string* error) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string path = socket_path.string();
  if (path.size() >= sizeof addr.sun_path) {
    if (error) *error = "the intercept socket path '" + path + "' is too long for a unix socket";
    return nullptr;
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    if (error) *error = std::string("cannot create the intercept socket: ") + std::strerror(errno);
    return nullptr;
  }
  ::unlink(path.c_str());  // a previous run's, or a crashed one's
  // Created 0600 from the start, not chmod-ed afterwards.
  const mode_t old_mask = umask(0177);
  const int bound = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  umask(old_mask);
  if (bound != 0 || listen(fd, 128) != 0) {
    if (error) *error = "cannot listen on '" + path + "': " + std::strerror(errno);
    ::close(fd);
    return nullptr;
  }
  std::unique_ptr<InterceptServer> s(new InterceptServer(poller, std::move(networks), resolver, std::move(log)));
  s->path_ = socket_path;
  s->listen_fd_ = fd;
  crypto::secure_random(&s->instance_, sizeof s->instance_);
  s->listen_token_ = poller.add(fd, EPOLLIN, [raw = s.get()](std::uint32_t e) { raw->on_listen_socket(e); });
  return s;
}

InterceptServer::InterceptServer(io::Poller& poller, std::shared_ptr<VirtualNetworksView> networks,
                                 DnsResolver* resolver, LogSink log)
    : poller_(poller), networks_(std::move(networks)), resolver_(resolver), log_(std::move(log)) {}

InterceptServer::~InterceptServer() {
  if (poller_.in_thread()) {
    shutdown_all();
  } else {
    std::promise<void> done;
    poller_.post([this, &done] {
      shutdown_all();
      done.set_value();
    });
    done.get_future().wait();
  }
  ::unlink(path_.c_str());
}

InterceptServer::Entry& InterceptServer::add_entry(std::uint64_t id, intercept::SocketKind kind,
                                                   std::uint8_t domain) {
  auto entry = std::make_shared<Entry>();
  entry->id = id;
  entry->kind = kind;
  entry->domain = domain;
  entries_[id] = entry;
  open_count_.fetch_add(1);
  return *entry;
}

void InterceptServer::shutdown_all() {
  alive_.reset();
  if (listen_fd_ >= 0) {
    poller_.remove(listen_fd_, listen_token_);
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
  while (!controls_.empty()) drop_control(controls_.begin()->second);
  auto entries = std::move(entries_);
  entries_.clear();
  for (auto& [id, e] : entries) {
    if (e->relay) e->relay->close();
    if (e->listener) close_listener(e->listener);
    if (e->datagram) close_datagram(e->datagram);
    if (e->placeholder >= 0) {
      poller_.remove(e->placeholder, e->placeholder_token);
      ::close(e->placeholder);
    }
  }
  open_count_.store(0);
}

std::size_t InterceptServer::open_sockets() const { return open_count_.load(); }

void InterceptServer::on_listen_socket(std::uint32_t) {
  for (;;) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return;  // EAGAIN, or a program gave up on connecting
    auto control = std::make_shared<Control>();
    control->fd = fd;
    control->token = poller_.add(fd, EPOLLIN, [this, weak = std::weak_ptr<Control>(control)](std::uint32_t e) {
      if (auto c = weak.lock()) on_control(c, e);
    });
    if (control->token == 0) {
      ::close(fd);
      continue;
    }
    controls_[fd] = control;
  }
}

void InterceptServer::drop_control(const std::shared_ptr<Control>& caller_control) {
  // The caller's reference may be the map's own entry, which erase destroys.
  const std::shared_ptr<Control> control = caller_control;
  if (control->fd < 0) return;
  poller_.remove(control->fd, control->token);
  controls_.erase(control->fd);
  ::close(control->fd);
  control->fd = -1;
}

void InterceptServer::on_control(const std::shared_ptr<Control>& control, std::uint32_t events) {
  // Requests come one at a time per connection (the library waits for each
  // reply), but a burst is read until the socket is empty.
  for (;;) {
    if (control->fd < 0) return;
    std::uint8_t buffer[intercept::kMaxMessage];
    iovec iov{buffer, sizeof buffer};
    alignas(cmsghdr) char cmsg[CMSG_SPACE(sizeof(int) * 4)];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cmsg;
    msg.msg_controllen = sizeof cmsg;
    const ssize_t n = recvmsg(control->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (events & EPOLLHUP) drop_control(control);
      return;
    }
    if (n <= 0) {  // the program closed it (or exited)
      drop_control(control);
      return;
    }
    int fds[4];
    int fd_count = 0;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (std::size_t i = 0; i < count && fd_count < 4; ++i)
        std::memcpy(&fds[fd_count++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
    }
    const std::optional<Request> request =
        (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || fd_count > 1
            ? std::nullopt
            : intercept::decode_request({buffer, static_cast<std::size_t>(n)});
    if (!request) {
      // Not our library, or a different version of it: nothing sensible to say.
      for (int i = 0; i < fd_count; ++i) ::close(fds[i]);
      drop_control(control);
      return;
    }
    handle(*control, *request, fd_count == 1 ? fds[0] : -1);
  }
}

void InterceptServer::handle(Control& c, const Request& q, int fd) {
  switch (q.op) {
    case Op::kNetworks: networks_reply(c, q); break;
    case Op::kTcpBind: tcp_bind(c, q); break;
    case Op::kTcpConnect: tcp_connect(c, q); break;
    case Op::kTcpListen: tcp_listen(c, q, fd); fd = -1; break;
    case Op::kUdpOpen: udp_open(c, q, fd); fd = -1; break;
    case Op::kUdpConnect: udp_connect(c, q); break;
    case Op::kStatus: status(c, q); break;
    case Op::kSetOption: set_option(c, q); break;
    case Op::kGetOption: get_option(c, q); break;
    case Op::kResolve: resolve(c, q); break;
  }
  if (fd >= 0) ::close(fd);  // an fd the op does not take
}

void InterceptServer::reply(Control& c, const Reply& r, int fd) {
  std::uint8_t buffer[intercept::kMaxMessage];
  const std::size_t n = intercept::encode_reply(r, buffer);
  if (n == 0 || c.fd < 0) return;
  // The library waits for this reply, so there is room; if not, it is not
  // our library on the other end.
  if (send_message(c.fd, {buffer, n}, fd) != 0) {
    if (auto it = controls_.find(c.fd); it != controls_.end()) drop_control(it->second);
  }
}

bool InterceptServer::name_socket(int fd, intercept::SocketKind kind, std::uint64_t id) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  char name[intercept::kSocketNameLength];
  intercept::format_socket_name({instance_, kind, id}, name);
  std::memcpy(addr.sun_path, name, sizeof name);
  return bind(fd, reinterpret_cast<sockaddr*>(&addr),
              static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + sizeof name)) == 0;
}

std::size_t InterceptServer::fill_gate(int fd, int* restore) {
  // Unix stream sockets take writes until the writer's queued bytes reach
  // its send buffer: filling it makes the program's writes wait (EAGAIN
  // when nonblocking) and poll() report it unwritable, as for a TCP socket
  // still connecting. The relay reads exactly this many bytes away once the
  // connection is up, before anything the program writes.
  static const std::uint8_t zeros[64 * 1024] = {};
  int original = 0;
  socklen_t len = sizeof original;
  getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &original, &len);
  if (restore) *restore = original;
  const int small = kGateBuffer;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  std::size_t total = 0;
  for (;;) {
    const ssize_t n = send(fd, zeros, sizeof zeros, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      total += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return total;
  }
}

void InterceptServer::bury(std::uint64_t id, Tombstone stone) {
  // Kept so SO_ERROR and getpeername still answer after the service side is
  // gone; bounded, oldest first out.
  constexpr std::size_t kMaxTombstones = 4096;
  if (tombstones_.emplace(id, stone).second) tombstone_order_.push_back(id);
  while (tombstone_order_.size() > kMaxTombstones) {
    tombstones_.erase(tombstone_order_.front());
    tombstone_order_.pop_front();
  }
}

}  // namespace zt::service
