// The user-space TCP/IP stack alone, between two processes: each Ethernet
// frame is one UDP datagram on 127.0.0.1 (UdpFrameLink), no ZeroTier and no
// encryption. Prints single-stream TCP throughput and 64-byte
// request/response latency, to compare with ../shared/stack-notes.md.
//
//   bench_stack [--seconds=S]     (other arguments are ignored)
//
// The program starts itself again as the server process. The same
// measurements over kernel TCP on 127.0.0.1 between the same two processes
// are printed first, as the yardstick.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "stack/stack_interface.hpp"
#include "stack/udp_frame_link.hpp"
#include "zts.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kServerVariable = "ZTSDK_BENCH_STACK_SERVER";
constexpr unsigned short kSinkPort = 5001, kEchoPort = 5002;
constexpr std::size_t kMessage = 64;

// One network between the two processes: its own link, subnet and MTU.
struct Lane {
  const char* name;
  unsigned mtu;
  const char* client_ip;
  const char* server_ip;
  const char* prefix_len;
};

constexpr Lane kLanes[] = {
    {"IPv4, MTU 1500", 1500, "10.7.0.1", "10.7.0.2", "24"},
    {"IPv4, MTU 2800", 2800, "10.8.0.1", "10.8.0.2", "24"},
    {"IPv6, MTU 2800", 2800, "fd08::1", "fd08::2", "64"},

};
constexpr std::size_t kLaneCount = std::size(kLanes);

struct Endpoint {
  std::unique_ptr<zt::stack::UdpFrameLink> link;
  std::unique_ptr<zt::stack::StackInterface> iface;
  ~Endpoint() {
    link.reset();  // stop feeding the interface first
    iface.reset();
  }
};

void die(const std::string& why) {
  std::fprintf(stderr, "bench_stack: %s\n", why.c_str());
  std::exit(1);
}

void make_interface(Endpoint& e, std::size_t index, bool server) {
  const Lane& lane = kLanes[index];
  zt::stack::InterfaceConfig c;
  c.mac = zt::MacAddress(0x020000000800 + (index << 4) + (server ? 2 : 1));
  c.mtu = lane.mtu;
  const std::string ip = server ? lane.server_ip : lane.client_ip;
  c.addresses = {*zt::InetAddress::from_string(ip + "/" + lane.prefix_len)};
  std::string error;
  e.iface = zt::stack::StackInterface::create(c, e.link->sink(), &error);
  if (!e.iface) die(error);
  e.link->start(*e.iface);
}

// The calls the measurements make, over zts_ sockets or kernel sockets.
struct Sockets {
  ssize_t (*send)(int, const void*, size_t, int);
  ssize_t (*recv)(int, void*, size_t, int);
  int (*close)(int);
  void (*no_delay)(int);
};

const Sockets kZts{zts_send, zts_recv, zts_close, [](int fd) { zts_set_no_delay(fd, 1); }};
const Sockets kKernel{::send, ::recv, ::close, [](int fd) {
                        const int on = 1;
                        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
                      }};

bool send_all(const Sockets& s, int fd, const void* data, std::size_t len) {
  auto* p = static_cast<const char*>(data);
  while (len > 0) {
    const ssize_t n = s.send(fd, p, len, 0);
    if (n <= 0) return false;
    p += n;
    len -= static_cast<std::size_t>(n);
  }
  return true;
}

bool receive_all(const Sockets& s, int fd, void* data, std::size_t len) {
  auto* p = static_cast<char*>(data);
  while (len > 0) {
    const ssize_t n = s.recv(fd, p, len, 0);
    if (n <= 0) return false;
    p += n;
    len -= static_cast<std::size_t>(n);
  }
  return true;
}

int listen_on(const char* ip, unsigned short port) {
  const int fd = zts_bsd_socket(zts_util_get_ip_family(ip), ZTS_SOCK_STREAM, 0);
  if (fd < 0 || zts_bind(fd, ip, port) < 0 || zts_listen(fd, 16) < 0) die("listen failed");
  return fd;
}

sockaddr_in kernel_loopback(unsigned short port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

// A kernel listener on 127.0.0.1; its port is chosen by the kernel.
int kernel_listen(unsigned short* port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = kernel_loopback(0);
  socklen_t len = sizeof a;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 16) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    die("kernel listen failed");
  *port = ntohs(a.sin_port);
  return fd;
}

// Server: a sink (reads a length, then that many bytes, answers one byte)
// and an echo of fixed-size messages, one thread per connection.
void serve(const Sockets& s, int (*accept_one)(int), int listener, bool echo) {
  for (;;) {
    const int c = accept_one(listener);
    if (c < 0) continue;
    std::thread([&s, c, echo] {
      s.no_delay(c);
      if (echo) {
        char m[kMessage];
        while (receive_all(s, c, m, sizeof m) && send_all(s, c, m, sizeof m)) {
        }
      } else {
        std::vector<char> buf(1 << 20);
        std::uint64_t total;
        while (receive_all(s, c, &total, sizeof total)) {
          while (total > 0) {
            const ssize_t n = s.recv(c, buf.data(), std::min<std::uint64_t>(total, buf.size()), 0);
            if (n <= 0) break;
            total -= static_cast<std::uint64_t>(n);
          }
          if (!send_all(s, c, "k", 1)) break;
        }
      }
      s.close(c);
    }).detach();
  }
}

int zts_accept_one(int l) { return zts_bsd_accept(l, nullptr, nullptr); }
int kernel_accept_one(int l) { return accept4(l, nullptr, nullptr, SOCK_CLOEXEC); }

[[noreturn]] void run_server(const char* parent_ports) {
  std::vector<Endpoint> lanes(kLaneCount);
  std::string ports;
  const char* p = parent_ports;
  for (std::size_t i = 0; i < kLaneCount; ++i) {
    lanes[i].link = zt::stack::UdpFrameLink::open();
    if (!lanes[i].link) die("cannot open a link");
    lanes[i].link->set_peer(
        static_cast<std::uint16_t>(std::strtoul(p, const_cast<char**>(&p), 10)));
    if (*p == ',') ++p;
    make_interface(lanes[i], i, true);
    ports += std::to_string(lanes[i].link->port()) + (i + 1 < kLaneCount ? "," : "\n");
    std::thread(serve, std::cref(kZts), zts_accept_one, listen_on(kLanes[i].server_ip, kSinkPort),
                false)
        .detach();
    std::thread(serve, std::cref(kZts), zts_accept_one, listen_on(kLanes[i].server_ip, kEchoPort),
                true)
        .detach();
  }
  unsigned short sink_port, echo_port;
  std::thread(serve, std::cref(kKernel), kernel_accept_one, kernel_listen(&sink_port), false)
      .detach();
  std::thread(serve, std::cref(kKernel), kernel_accept_one, kernel_listen(&echo_port), true)
      .detach();
  ports.pop_back();
  ports += "," + std::to_string(sink_port) + "," + std::to_string(echo_port) + "\n";
  std::fputs(ports.c_str(), stdout);
  std::fflush(stdout);
  char c;
  while (read(0, &c, 1) > 0) {
  }
  std::_Exit(0);
}

struct Server {
  pid_t pid = -1;
  int stdin_fd = -1;
  ~Server() {
    if (stdin_fd >= 0) close(stdin_fd);
    if (pid > 0) waitpid(pid, nullptr, 0);
  }
};

struct KernelPorts {
  unsigned short sink = 0, echo = 0;
};

void start_server(std::vector<Endpoint>& lanes, Server& server, KernelPorts& kernel) {
  std::string ports;
  for (std::size_t i = 0; i < kLaneCount; ++i) {
    lanes[i].link = zt::stack::UdpFrameLink::open();
    if (!lanes[i].link) die("cannot open a link");
    ports += std::to_string(lanes[i].link->port()) + (i + 1 < kLaneCount ? "," : "");
  }
  int to_child[2], from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0) die("pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
  posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  env.push_back(std::string(kServerVariable) + "=" + ports);
  std::vector<char*> envp;
  for (auto& s : env) envp.push_back(s.data());
  envp.push_back(nullptr);
  char name[] = "bench_stack_server";
  char* argv[] = {name, nullptr};
  if (posix_spawn(&server.pid, "/proc/self/exe", &actions, nullptr, argv, envp.data()) != 0)
    die("spawn");
  posix_spawn_file_actions_destroy(&actions);
  close(to_child[0]);
  close(from_child[1]);
  server.stdin_fd = to_child[1];
  std::string line;
  char c;
  pollfd p{from_child[0], POLLIN, 0};
  while (line.find('\n') == std::string::npos && poll(&p, 1, 10000) == 1 &&
         read(from_child[0], &c, 1) == 1)
    line += c;
  close(from_child[0]);
  const char* q = line.c_str();
  for (std::size_t i = 0; i < kLaneCount; ++i) {
    const auto port = std::strtoul(q, const_cast<char**>(&q), 10);
    if (port == 0) die("the server process did not start");
    if (*q == ',') ++q;
    lanes[i].link->set_peer(static_cast<std::uint16_t>(port));
    make_interface(lanes[i], i, false);
  }
  kernel.sink = static_cast<unsigned short>(std::strtoul(q, const_cast<char**>(&q), 10));
  if (*q == ',') ++q;
  kernel.echo = static_cast<unsigned short>(std::strtoul(q, const_cast<char**>(&q), 10));
  if (kernel.sink == 0 || kernel.echo == 0)
    die("the server process did not report its kernel ports");
}

// A connected socket to a lane's server, or (lane == nullptr) a kernel
// socket to the server's kernel port.
int connect_to(const Lane* lane, unsigned short port) {
  if (lane != nullptr) {
    const int fd = zts_tcp_client(lane->server_ip, port);
    if (fd < 0)
      die(std::string("connect to ") + lane->server_ip + " failed, zts_errno " +
          std::to_string(zts_errno));
    return fd;
  }
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a = kernel_loopback(port);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    die("kernel connect failed");
  return fd;
}

// MB/s (10^6 bytes) of one stream sending for about `seconds`: the bytes
// count once the receiver has them all.
double throughput(const Sockets& s, int fd, double seconds) {
  std::vector<char> chunk(256 * 1024, 'x');
  std::uint64_t bytes = 32 << 20;  // a first round sizes the measured one
  double mbps = 0;
  for (int round = 0; round < 2; ++round) {
    const auto start = Clock::now();
    if (!send_all(s, fd, &bytes, sizeof bytes)) die("send failed");
    for (std::uint64_t left = bytes; left > 0;) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, chunk.size()));
      if (!send_all(s, fd, chunk.data(), n)) die("send failed");
      left -= n;
    }
    char ack;
    if (!receive_all(s, fd, &ack, 1)) die("no acknowledgement");
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    mbps = static_cast<double>(bytes) / elapsed / 1e6;
    bytes = static_cast<std::uint64_t>(mbps * 1e6 * seconds);
  }
  return mbps;
}

struct Latency {
  double p50_us, p99_us;
};

Latency request_response(const Sockets& s, int fd, double seconds) {
  s.no_delay(fd);
  char m[kMessage] = {};
  std::vector<double> samples;
  for (int warmup = 0; warmup < 100; ++warmup)
    if (!send_all(s, fd, m, sizeof m) || !receive_all(s, fd, m, sizeof m)) die("echo failed");
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  while (Clock::now() < end) {
    const auto t0 = Clock::now();
    if (!send_all(s, fd, m, sizeof m) || !receive_all(s, fd, m, sizeof m)) die("echo failed");
    samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  std::sort(samples.begin(), samples.end());
  return {samples[samples.size() / 2], samples[samples.size() * 99 / 100]};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Three runs of each measurement; prints the medians as one row.
void measure(const char* name, const Sockets& s, const Lane* lane, unsigned short sink,
             unsigned short echo, double seconds) {
  std::vector<double> rates, p50s, p99s;
  for (int run = 0; run < 3; ++run) {
    const int stream = connect_to(lane, sink);
    rates.push_back(throughput(s, stream, seconds));
    s.close(stream);
    const int rr = connect_to(lane, echo);
    const Latency l = request_response(s, rr, seconds / 2);
    s.close(rr);
    p50s.push_back(l.p50_us);
    p99s.push_back(l.p99_us);
  }
  std::printf("%-22s %10.0f %13.0f %13.0f\n", name, median(rates), median(p50s), median(p99s));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (const char* ports = std::getenv(kServerVariable)) run_server(ports);
  double seconds = 2;
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--seconds=", 10) == 0) seconds = std::atof(argv[i] + 10);

  std::vector<Endpoint> lanes(kLaneCount);
  Server server;
  KernelPorts kernel;
  start_server(lanes, server, kernel);

  std::printf(
      "TCP between two processes; lwIP rows: each Ethernet frame one UDP datagram on\n"
      "127.0.0.1, no ZeroTier, no crypto. Medians of 3 runs of ~%.1f s; MB/s = 10^6 B/s.\n\n",
      seconds);
  std::printf("%-22s %10s %13s %13s\n", "path", "MB/s", "64 B p50 us", "64 B p99 us");
  measure("kernel TCP, 127.0.0.1", kKernel, nullptr, kernel.sink, kernel.echo, seconds);
  for (std::size_t i = 0; i < kLaneCount; ++i) {
    const std::string name = std::string("lwIP ") + kLanes[i].name;
    measure(name.c_str(), kZts, &kLanes[i], kSinkPort, kEchoPort, seconds);
  }
  std::uint64_t lost = 0;
  for (const auto& e : lanes) lost += e.link->send_failures();
  std::printf("\nframes lost on the client's side (kernel UDP buffer full): %llu\n",
              static_cast<unsigned long long>(lost));
  return 0;
}
