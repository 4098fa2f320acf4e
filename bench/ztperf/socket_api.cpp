#include "socket_api.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "zts.h"

namespace ztperf {

bool SocketApi::send_all(int fd, const void* data, std::size_t len) {
  auto* p = static_cast<const char*>(data);
  while (len > 0) {
    const ssize_t n = send_some(fd, p, len);
    if (n <= 0) return false;
    p += n;
    len -= static_cast<std::size_t>(n);
  }
  return true;
}

bool SocketApi::recv_all(int fd, void* data, std::size_t len) {
  auto* p = static_cast<char*>(data);
  while (len > 0) {
    const ssize_t n = recv_some(fd, p, len);
    if (n <= 0) return false;
    p += n;
    len -= static_cast<std::size_t>(n);
  }
  return true;
}

namespace {

class ZtsApi final : public SocketApi {
 public:
  const char* name() const override { return "ztsdk"; }

  int listen_on(const std::string& ip, std::uint16_t port, std::uint16_t* bound) override {
    const int fd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
    if (fd < 0) return -1;
    const int on = 1;
    zts_bsd_setsockopt(fd, ZTS_SOL_SOCKET, ZTS_SO_REUSEADDR, &on, sizeof on);
    zts_sockaddr_in a = address(ip, port);
    zts_socklen_t len = sizeof a;
    if (zts_bsd_bind(fd, reinterpret_cast<zts_sockaddr*>(&a), sizeof a) < 0 ||
        zts_bsd_listen(fd, 128) < 0 ||
        zts_bsd_getsockname(fd, reinterpret_cast<zts_sockaddr*>(&a), &len) < 0) {
      zts_bsd_close(fd);
      return -1;
    }
    if (bound) *bound = ntohs(a.sin_port);
    return fd;
  }
  int accept_one(int listener) override { return zts_bsd_accept(listener, nullptr, nullptr); }
  int connect_to(const std::string& ip, std::uint16_t port) override {
    const int fd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
    if (fd < 0) return -1;
    zts_sockaddr_in a = address(ip, port);
    if (zts_bsd_connect(fd, reinterpret_cast<zts_sockaddr*>(&a), sizeof a) < 0) {
      const int err = zts_errno;
      zts_bsd_close(fd);
      zts_errno = err;
      return -1;
    }
    return fd;
  }
  ssize_t send_some(int fd, const void* data, std::size_t len) override {
    return zts_bsd_send(fd, data, len, 0);
  }
  ssize_t recv_some(int fd, void* data, std::size_t len) override {
    return zts_bsd_recv(fd, data, len, 0);
  }
  int shutdown_write(int fd) override { return zts_bsd_shutdown(fd, ZTS_SHUT_WR); }
  int close_fd(int fd) override { return zts_bsd_close(fd); }
  void set_no_delay(int fd) override {
    const int on = 1;
    zts_bsd_setsockopt(fd, ZTS_IPPROTO_TCP, ZTS_TCP_NODELAY, &on, sizeof on);
  }
  int last_error() const override { return zts_errno; }

 private:
  static zts_sockaddr_in address(const std::string& ip, std::uint16_t port) {
    zts_sockaddr_in a{};
    a.sin_len = sizeof a;
    a.sin_family = ZTS_AF_INET;
    a.sin_port = htons(port);
    zts_inet_pton(ZTS_AF_INET, ip.c_str(), &a.sin_addr);
    return a;
  }
};

class KernelApi final : public SocketApi {
 public:
  const char* name() const override { return "kernel"; }

  int listen_on(const std::string& ip, std::uint16_t port, std::uint16_t* bound) override {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    sockaddr_in a = address(ip, port);
    socklen_t len = sizeof a;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 128) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      ::close(fd);
      return -1;
    }
    if (bound) *bound = ntohs(a.sin_port);
    return fd;
  }
  int accept_one(int listener) override {
    return accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  }
  int connect_to(const std::string& ip, std::uint16_t port) override {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in a = address(ip, port);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      const int err = errno;
      ::close(fd);
      errno = err;
      return -1;
    }
    return fd;
  }
  ssize_t send_some(int fd, const void* data, std::size_t len) override {
    return ::send(fd, data, len, MSG_NOSIGNAL);
  }
  ssize_t recv_some(int fd, void* data, std::size_t len) override {
    return ::recv(fd, data, len, 0);
  }
  int shutdown_write(int fd) override { return ::shutdown(fd, SHUT_WR); }
  int close_fd(int fd) override { return ::close(fd); }
  void set_no_delay(int fd) override {
    const int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  }
  int last_error() const override { return errno; }

 private:
  static sockaddr_in address(const std::string& ip, std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
    return a;
  }
};

}  // namespace

SocketApi& zts_api() {
  static ZtsApi api;
  return api;
}

SocketApi& kernel_api() {
  static KernelApi api;
  return api;
}

}  // namespace ztperf
