// Throughput and 64-byte request/response latency over a TCP connection,
// the same measurement whichever way the connection is made, so that the
// ways can be compared: the kernel, a program under libztintercept.so, a
// program through the service's SOCKS5, and the direct-call zts_ API of a
// node running inside this process.
//
//   ztsockbench serve PORT
//   ztsockbench client HOST PORT [--socks HOST:PORT] [--seconds S] [--repeat N]
//   ztsockbench direct HOME NWID HOST PORT [--seconds S] [--repeat N]
//       (a zts_ node with HOME's identity and planet runs in this process,
//        joins NWID; the measurement uses its zts_ sockets)
// Prints one line per repetition: "throughput_MBps=N p50_us=N p99_us=N".
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <fstream>
#include <iterator>

#include "zts.h"

namespace {

constexpr std::size_t kMessage = 64;
constexpr int kRoundTrips = 4000;
using Clock = std::chrono::steady_clock;

// The socket calls, from libc or from the zts_ API.
struct Calls {
  std::function<ssize_t(int, const void*, std::size_t)> send;
  std::function<ssize_t(int, void*, std::size_t)> recv;
  std::function<void(int)> shutdown_write;
  std::function<void(int)> close;
};

Calls libc_calls() {
  return {[](int fd, const void* b, std::size_t n) { return ::send(fd, b, n, MSG_NOSIGNAL); },
          [](int fd, void* b, std::size_t n) { return ::recv(fd, b, n, 0); },
          [](int fd) { ::shutdown(fd, SHUT_WR); }, [](int fd) { ::close(fd); }};
}

Calls zts_calls() {
  return {[](int fd, const void* b, std::size_t n) { return zts_bsd_send(fd, b, n, 0); },
          [](int fd, void* b, std::size_t n) { return zts_bsd_recv(fd, b, n, 0); },
          [](int fd) { zts_bsd_shutdown(fd, ZTS_SHUT_WR); }, [](int fd) { zts_bsd_close(fd); }};
}

bool send_all(const Calls& c, int fd, const void* data, std::size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t r = c.send(fd, p, n);
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

bool recv_all(const Calls& c, int fd, void* data, std::size_t n) {
  char* p = static_cast<char*>(data);
  while (n > 0) {
    const ssize_t r = c.recv(fd, p, n);
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

// ---- server --------------------------------------------------------------------

void serve_one(int fd) {
  const Calls c = libc_calls();
  char mode;
  if (!recv_all(c, fd, &mode, 1)) {
    ::close(fd);
    return;
  }
  const int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  if (mode == 'T') {
    std::vector<char> buffer(256 * 1024);
    std::uint64_t total = 0;
    for (;;) {
      const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (n <= 0) break;
      total += static_cast<std::uint64_t>(n);
    }
    send_all(c, fd, &total, sizeof total);
  } else {
    char message[kMessage];
    while (recv_all(c, fd, message, kMessage) && send_all(c, fd, message, kMessage)) {
    }
  }
  ::close(fd);
}

[[noreturn]] void serve(int port) {
  signal(SIGPIPE, SIG_IGN);
  const int l = socket(AF_INET, SOCK_STREAM, 0);
  const int on = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  if (bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(l, 16) != 0) {
    perror("ztsockbench serve");
    std::exit(2);
  }
  std::printf("serving\n");
  std::fflush(stdout);
  for (;;) {
    const int fd = accept(l, nullptr, nullptr);
    if (fd >= 0) std::thread(serve_one, fd).detach();
  }
}

// ---- client --------------------------------------------------------------------

// Connected fd (libc), through SOCKS5 if `socks` is set.
int libc_connect(const char* host, int port, const std::string& socks) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  if (socks.empty()) {
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, host, &a.sin_addr);
    return connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 ? fd : -1;
  }
  const std::size_t colon = socks.find(':');
  a.sin_port = htons(static_cast<std::uint16_t>(std::atoi(socks.c_str() + colon + 1)));
  inet_pton(AF_INET, socks.substr(0, colon).c_str(), &a.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return -1;
  const Calls c = libc_calls();
  std::uint8_t greeting[] = {5, 1, 0}, choice[2];
  std::uint8_t request[10] = {5, 1, 0, 1};
  inet_pton(AF_INET, host, request + 4);
  request[8] = static_cast<std::uint8_t>(port >> 8);
  request[9] = static_cast<std::uint8_t>(port);
  std::uint8_t reply[10];
  if (!send_all(c, fd, greeting, 3) || !recv_all(c, fd, choice, 2) || choice[1] != 0 ||
      !send_all(c, fd, request, 10) || !recv_all(c, fd, reply, 10) || reply[1] != 0)
    return -1;
  return fd;
}

int zts_connect_to(const char* host, int port) {
  const int fd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  zts_set_no_delay(fd, 1);
  if (zts_connect(fd, host, static_cast<unsigned short>(port), 10000) == ZTS_ERR_OK) return fd;
  std::fprintf(stderr, "zts_connect to %s:%d: zts_errno %d\n", host, port, zts_errno);
  zts_bsd_close(fd);
  return -1;
}

int measure(const Calls& c, const std::function<int()>& open, double seconds) {
  // Throughput: one stream for `seconds`, counted by the receiver.
  int fd = open();
  if (fd < 0) {
    std::fprintf(stderr, "cannot connect\n");
    return 1;
  }
  std::vector<char> chunk(64 * 1024, 'x');
  send_all(c, fd, "T", 1);
  const auto start = Clock::now();
  const auto stop = start + std::chrono::duration<double>(seconds);
  while (Clock::now() < stop)
    if (!send_all(c, fd, chunk.data(), chunk.size())) break;
  c.shutdown_write(fd);
  std::uint64_t received = 0;
  recv_all(c, fd, &received, sizeof received);
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  c.close(fd);
  // Latency: 64-byte ping-pongs on a fresh connection.
  fd = open();
  if (fd < 0) return 1;
  send_all(c, fd, "L", 1);
  char message[kMessage] = {};
  std::vector<double> rtt;
  for (int i = 0; i < kRoundTrips + 100; ++i) {
    const auto t0 = Clock::now();
    if (!send_all(c, fd, message, kMessage) || !recv_all(c, fd, message, kMessage)) break;
    if (i >= 100) rtt.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  c.close(fd);
  if (rtt.empty()) return 1;
  std::sort(rtt.begin(), rtt.end());
  std::printf("throughput_MBps=%.1f p50_us=%.1f p99_us=%.1f\n", received / elapsed / 1e6,
              rtt[rtt.size() / 2], rtt[rtt.size() * 99 / 100]);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  double seconds = 3;
  int repeat = 1;
  std::string socks;
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--seconds") seconds = std::atof(args[i + 1].c_str());
    if (args[i] == "--repeat") repeat = std::max(1, std::atoi(args[i + 1].c_str()));
    if (args[i] == "--socks") socks = args[i + 1];
  }
  auto repeated = [repeat](const std::function<int()>& once) {
    for (int i = 0; i < repeat; ++i)
      if (int status = once(); status != 0) return status;
    return 0;
  };
  signal(SIGPIPE, SIG_IGN);
  if (args.size() >= 2 && args[0] == "serve") serve(std::atoi(args[1].c_str()));
  if (args.size() >= 3 && args[0] == "client") {
    const int port = std::atoi(args[2].c_str());
    return repeated([&] {
      return measure(libc_calls(), [&] { return libc_connect(args[1].c_str(), port, socks); }, seconds);
    });
  }
  if (args.size() >= 5 && args[0] == "direct") {
    const std::string home = args[1];
    const std::uint64_t network = std::strtoull(args[2].c_str(), nullptr, 16);
    std::ifstream planet_file(home + "/planet", std::ios::binary);
    const std::string planet((std::istreambuf_iterator<char>(planet_file)), {});
    if (zts_init_from_storage(home.c_str()) != ZTS_ERR_OK ||
        (!planet.empty() && zts_init_set_roots(planet.data(), static_cast<unsigned>(planet.size())) != ZTS_ERR_OK) ||
        zts_node_start() != ZTS_ERR_OK || zts_node_wait_online(15000) != ZTS_ERR_OK ||
        zts_net_join(network) != ZTS_ERR_OK || zts_net_wait_ready(network, ZTS_AF_INET, 15000) != ZTS_ERR_OK) {
      std::fprintf(stderr, "ztsockbench: the zts_ node did not come up on %s\n", args[2].c_str());
      return 1;
    }
    const std::string host = args[3];
    const int port = std::atoi(args[4].c_str());
    // Peers may still know this identity at an older endpoint: the first
    // connection is retried until a path is there.
    int status = 1;
    for (int attempt = 0; attempt < 6; ++attempt) {
      const int probe = zts_connect_to(host.c_str(), port);
      if (probe < 0) continue;
      zts_bsd_close(probe);
      status = repeated([&] {
        return measure(zts_calls(), [&] { return zts_connect_to(host.c_str(), port); }, seconds);
      });
      break;
    }
    zts_node_stop();
    return status;
  }
  std::fprintf(stderr,
               "usage: ztsockbench serve PORT | client HOST PORT [--socks H:P] [--seconds S] |"
               " direct HOME NWID HOST PORT [--seconds S]\n");
  return 2;
}
