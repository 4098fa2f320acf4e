#include "stack/stack_peer.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "zts.h"

extern char** environ;

namespace zt::test {
namespace {

constexpr const char* kPeerVariable = "ZTSDK_STACK_PEER";
constexpr std::uint64_t kLocalMac = 0x020000000901, kPeerMac = 0x020000000902;

std::unique_ptr<stack::StackInterface> make_interface(std::uint64_t mac, const char* ip4,
                                                      const char* ip6, stack::UdpFrameLink& link,
                                                      std::string* error) {
  stack::InterfaceConfig c;
  c.mac = MacAddress(mac);
  c.addresses = {*InetAddress::from_string(std::string(ip4) + "/24"),
                 *InetAddress::from_string(std::string(ip6) + "/64")};
  return stack::StackInterface::create(c, link.sink(), error);
}

// Sends all of `data` on a blocking socket.
bool send_all(int fd, const char* data, std::size_t len) {
  while (len > 0) {
    const ssize_t n = zts_bsd_send(fd, data, len, 0);
    if (n <= 0) return false;
    data += n;
    len -= static_cast<std::size_t>(n);
  }
  return true;
}

int open_service(int family, int type, const char* any) {
  const int fd = zts_bsd_socket(family, type, 0);
  if (fd < 0) return -1;
  if (family == ZTS_AF_INET6) {
    const int on = 1;  // the IPv4 socket has the IPv4 side of port 7
    zts_bsd_setsockopt(fd, ZTS_IPPROTO_IPV6, ZTS_IPV6_V6ONLY, &on, sizeof on);
  }
  if (zts_bind(fd, any, PeerAddresses::kEchoPort) < 0) return -1;
  if (type == ZTS_SOCK_STREAM && zts_bsd_listen(fd, 128) < 0) return -1;
  return fd;
}

// Echoes every TCP byte and UDP datagram back, one poll loop for all.
// `ready` (the line the parent waits for) goes out once the sockets listen,
// so the parent never connects to a port that is not open yet.
[[noreturn]] void serve_echo(std::uint16_t link_port) {
  std::vector<zts_pollfd> fds;
  std::vector<bool> is_listener, is_udp;
  auto add = [&](int fd, bool listener, bool udp) {
    fds.push_back({fd, ZTS_POLLIN, 0});
    is_listener.push_back(listener);
    is_udp.push_back(udp);
  };
  add(open_service(ZTS_AF_INET, ZTS_SOCK_STREAM, "0.0.0.0"), true, false);
  add(open_service(ZTS_AF_INET6, ZTS_SOCK_STREAM, "::"), true, false);
  add(open_service(ZTS_AF_INET, ZTS_SOCK_DGRAM, "0.0.0.0"), false, true);
  add(open_service(ZTS_AF_INET6, ZTS_SOCK_DGRAM, "::"), false, true);
  for (const zts_pollfd& p : fds)
    if (p.fd < 0) std::_Exit(4);
  std::printf("%u\n", link_port);
  std::fflush(stdout);
  std::vector<char> buffer(256 * 1024);
  for (;;) {
    if (zts_bsd_poll(fds.data(), static_cast<zts_nfds_t>(fds.size()), -1) < 0) std::_Exit(3);
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      const int fd = fds[i].fd;
      if (is_listener[i]) {
        const int c = zts_bsd_accept(fd, nullptr, nullptr);
        if (c >= 0) {
          zts_set_no_delay(c, 1);
          add(c, false, false);
        }
      } else if (is_udp[i]) {
        zts_sockaddr_storage from{};
        zts_socklen_t len = sizeof from;
        const ssize_t n = zts_bsd_recvfrom(fd, buffer.data(), buffer.size(), ZTS_MSG_DONTWAIT,
                                           reinterpret_cast<zts_sockaddr*>(&from), &len);
        if (n >= 0)
          zts_bsd_sendto(fd, buffer.data(), static_cast<size_t>(n), 0,
                         reinterpret_cast<zts_sockaddr*>(&from), len);
      } else {
        const ssize_t n = zts_bsd_recv(fd, buffer.data(), buffer.size(), ZTS_MSG_DONTWAIT);
        if (n > 0 && send_all(fd, buffer.data(), static_cast<std::size_t>(n))) continue;
        if (n < 0 && zts_errno == ZTS_EAGAIN) continue;
        zts_bsd_close(fd);  // end of stream or error
        fds.erase(fds.begin() + static_cast<std::ptrdiff_t>(i));
        is_listener.erase(is_listener.begin() + static_cast<std::ptrdiff_t>(i));
        is_udp.erase(is_udp.begin() + static_cast<std::ptrdiff_t>(i));
        --i;
      }
    }
  }
}

[[noreturn]] void run_peer(std::uint16_t parent_port) {
  std::string error;
  auto link = stack::UdpFrameLink::open(0, &error);
  if (!link) std::_Exit(2);
  link->set_peer(parent_port);
  auto iface =
      make_interface(kPeerMac, PeerAddresses::kPeer4, PeerAddresses::kPeer6, *link, &error);
  if (!iface) std::_Exit(2);
  link->start(*iface);
  // The parent closes our stdin when done (or dies): leave then.
  std::thread([] {
    char c;
    while (read(0, &c, 1) > 0) {
    }
    std::_Exit(0);
  }).detach();
  serve_echo(link->port());
}

// The child process is this binary again; it becomes the peer here, before
// main() and the test framework start.
[[maybe_unused]] const bool kRunsAsPeer = [] {
  const char* value = std::getenv(kPeerVariable);
  if (value == nullptr) return false;
  run_peer(static_cast<std::uint16_t>(std::atoi(value)));
}();

}  // namespace

std::unique_ptr<StackPeer> StackPeer::start(std::string* error) {
  std::unique_ptr<StackPeer> peer(new StackPeer);
  peer->link_ = stack::UdpFrameLink::open(0, error);
  if (!peer->link_) return nullptr;

  int to_child[2], from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0) {
    *error = "pipe failed";
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
  posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) env_storage.emplace_back(*e);
  env_storage.push_back(std::string(kPeerVariable) + "=" + std::to_string(peer->link_->port()));
  std::vector<char*> envp;
  for (auto& s : env_storage) envp.push_back(s.data());
  envp.push_back(nullptr);
  char name[] = "ztsdk_stack_peer";
  char* argv[] = {name, nullptr};
  const int spawned =
      posix_spawn(&peer->child_, "/proc/self/exe", &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(to_child[0]);
  close(from_child[1]);
  peer->child_stdin_ = to_child[1];
  if (spawned != 0) {
    close(from_child[0]);
    *error = std::string("posix_spawn: ") + std::strerror(spawned);
    peer->child_ = -1;
    return nullptr;
  }

  // The child's link port, one line.
  std::string line;
  pollfd p{from_child[0], POLLIN, 0};
  char c;
  while (line.find('\n') == std::string::npos && poll(&p, 1, 10000) == 1 &&
         read(from_child[0], &c, 1) == 1)
    line += c;
  close(from_child[0]);
  const int child_port = std::atoi(line.c_str());
  if (child_port <= 0) {
    *error = "the peer process did not start";
    return nullptr;
  }
  peer->link_->set_peer(static_cast<std::uint16_t>(child_port));
  peer->iface_ = make_interface(kLocalMac, PeerAddresses::kLocal4, PeerAddresses::kLocal6,
                                *peer->link_, error);
  if (!peer->iface_) return nullptr;
  peer->link_->start(*peer->iface_);
  return peer;
}

StackPeer::~StackPeer() {
  if (child_stdin_ >= 0) close(child_stdin_);
  if (child_ > 0) {
    int status = 0;
    if (waitpid(child_, &status, 0) != child_) kill(child_, SIGKILL);
  }
  link_.reset();  // its thread feeds iface_: stop it first
  iface_.reset();
}

}  // namespace zt::test
