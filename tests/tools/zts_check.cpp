// The zts_ API under test, one node per process: tests/integration/zts_api.sh
// runs a server and clients of this program against a real root and
// controller on loopback. Only the public C API (zts.h) is used.
//
//   zts_check server STORAGE NWID PORT
//       joins; serves TCP (commands below) and UDP echo on PORT, IPv4 and
//       IPv6, until killed
//   zts_check client STORAGE NWID IP PORT TEST...
//       joins, then runs each TEST against the server at IP:PORT:
//       echo upload64 download64 concurrent100 concurrent1000 churn stream halfclose
//       nonblocking
//       refused timeout udp ping; drain (against sendstop: all 4 MiB, then EOF)
//   zts_check rejoin STORAGE NWID [IP PORT]
//       starts WITHOUT joining: the network must come back from the cache
//       (then, with IP PORT, an echo over it)
//   zts_check replay STORAGE NWID
//       joins with no event handler, waits until ready, then sets one: the
//       current state must be replayed to it
//   zts_check sendstop STORAGE NWID PORT
//       accepts one connection, writes 4 MiB, closes and stops the node at
//       once: zts_node_stop must deliver what was written first
//   zts_check timing STORAGE NWID IP PORT
//       prints the time from zts_node_start to NETWORK_READY_IP4 and to a
//       first TCP connection, and the peak RSS
//
// A TCP connection starts with a command byte: 'E' echo until EOF; 'U'
// (8-byte length, data) answered with the data's SHA-256; 'D' (8-byte
// length, 8-byte seed) answered with that much generated data; 'H' read
// until EOF, then answer "got N" and close.
#include <openssl/evp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "zts.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kReadyTimeoutMs = 30000;
// The big transfers: 64 MiB, or ZTS_CHECK_KIB KiB (the network-fault
// scenarios use smaller ones in CI).
std::uint64_t big_transfer() {
  static const std::uint64_t bytes = [] {
    const char* kib = std::getenv("ZTS_CHECK_KIB");
    const long n = kib ? std::atol(kib) : 0;
    return n > 0 ? static_cast<std::uint64_t>(n) << 10 : 64ull << 20;
  }();
  return bytes;
}
constexpr std::size_t kSendStopBytes = 4 << 20;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "zts_check: %s (zts_errno %d)\n", why.c_str(), zts_errno);
  std::exit(1);
}

// ---- events ---------------------------------------------------------------

struct EventLog {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<int> codes;
  std::map<int, double> first_ms;  // code -> ms since start
  Clock::time_point t0 = Clock::now();

  bool wait_for(int code, int timeout_ms) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                            [&] { return first_ms.count(code) > 0; });
  }
};

EventLog events;

void on_event(void* arg) {
  auto* msg = static_cast<zts_event_msg_t*>(arg);
  std::lock_guard lock(events.mutex);
  events.codes.push_back(msg->event_code);
  events.first_ms.emplace(msg->event_code, ms_since(events.t0));
  events.changed.notify_all();
}

// ---- node -----------------------------------------------------------------

void start_node(const char* storage, uint64_t nwid, bool join, bool handler = true) {
  if (zts_init_from_storage(storage) != ZTS_ERR_OK) die("zts_init_from_storage");
  if (handler && zts_init_set_event_handler(on_event) != ZTS_ERR_OK) die("set_event_handler");
  events.t0 = Clock::now();
  if (zts_node_start() != ZTS_ERR_OK) die("zts_node_start");
  if (join && zts_net_join(nwid) != ZTS_ERR_OK) die("zts_net_join");
  if (zts_net_wait_ready(nwid, ZTS_AF_INET, kReadyTimeoutMs) != ZTS_ERR_OK ||
      zts_net_wait_ready(nwid, ZTS_AF_INET6, kReadyTimeoutMs) != ZTS_ERR_OK)
    die("the network did not become ready for IPv4 and IPv6");
}

long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

// ---- socket helpers ---------------------------------------------------------

bool write_all(int fd, const void* data, size_t len) {
  const auto* p = static_cast<const uint8_t*>(data);
  while (len > 0) {
    ssize_t n = zts_write(fd, p, len);
    if (n <= 0) return false;
    p += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

bool read_all(int fd, void* data, size_t len) {
  auto* p = static_cast<uint8_t*>(data);
  while (len > 0) {
    ssize_t n = zts_read(fd, p, len);
    if (n <= 0) return false;
    p += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

void put_u64(uint8_t* p, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<uint8_t>(v);
}
uint64_t get_u64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

// Deterministic bytes both ends can make: xorshift64.
void generate(uint64_t& state, uint8_t* out, size_t len) {
  for (size_t i = 0; i < len; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    out[i] = static_cast<uint8_t>(state);
  }
}

struct Sha256 {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  Sha256() { EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr); }
  ~Sha256() { EVP_MD_CTX_free(ctx); }
  void add(const void* p, size_t n) { EVP_DigestUpdate(ctx, p, n); }
  std::string hex() {
    unsigned char d[32];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, d, &len);
    std::string s;
    char b[3];
    for (unsigned i = 0; i < len; ++i) std::snprintf(b, sizeof b, "%02x", d[i]), s += b;
    return s;
  }
};

// 10 s, or ZTS_CHECK_CONNECT_SECONDS: through a lossy network (net_faults.sh)
// the first connect also waits for ARP and ZeroTier's paths, and took
// longer now and then.
int connect_timeout_ms() {
  const char* env = std::getenv("ZTS_CHECK_CONNECT_SECONDS");
  const long seconds = env ? std::atol(env) : 0;
  return seconds > 0 ? static_cast<int>(std::min(seconds, 3600L)) * 1000 : 10000;
}

int connect_to(const char* ip, unsigned short port, int timeout_ms = connect_timeout_ms()) {
  int fd = zts_socket(zts_util_get_ip_family(ip), ZTS_SOCK_STREAM, 0);
  if (fd < 0) return fd;
  if (zts_connect(fd, ip, port, timeout_ms) != ZTS_ERR_OK) {
    const int e = zts_errno;
    zts_close(fd);
    zts_errno = e;
    return -1;
  }
  return fd;
}

// ---- server ---------------------------------------------------------------

void serve_connection(int fd) {
  uint8_t cmd = 0;
  if (!read_all(fd, &cmd, 1)) return (void)zts_close(fd);
  std::vector<uint8_t> buf(64 * 1024);  // small: 1000 connections hold one each
  if (cmd == 'E') {
    ssize_t n;
    while ((n = zts_read(fd, buf.data(), buf.size())) > 0)
      if (!write_all(fd, buf.data(), static_cast<size_t>(n))) break;
  } else if (cmd == 'U') {
    uint8_t hdr[8];
    if (read_all(fd, hdr, 8)) {
      uint64_t left = get_u64(hdr);
      Sha256 sha;
      while (left > 0) {
        ssize_t n = zts_read(fd, buf.data(), std::min<uint64_t>(left, buf.size()));
        if (n <= 0) break;
        sha.add(buf.data(), static_cast<size_t>(n));
        left -= static_cast<uint64_t>(n);
      }
      const std::string digest = sha.hex();
      write_all(fd, digest.data(), digest.size());
    }
  } else if (cmd == 'D') {
    uint8_t hdr[16];
    if (read_all(fd, hdr, 16)) {
      uint64_t left = get_u64(hdr), state = get_u64(hdr + 8);
      while (left > 0) {
        const size_t chunk = std::min<uint64_t>(left, buf.size());
        generate(state, buf.data(), chunk);
        if (!write_all(fd, buf.data(), chunk)) break;
        left -= chunk;
      }
    }
  } else if (cmd == 'H') {
    long total = 0;
    ssize_t n;
    while ((n = zts_read(fd, buf.data(), buf.size())) > 0) total += n;
    const std::string reply = "got " + std::to_string(total);
    write_all(fd, reply.data(), reply.size());
  }
  zts_close(fd);
}

void udp_echo(unsigned short port) {
  int fd = zts_udp_server("::", port);
  if (fd < 0) die("UDP bind");
  uint8_t buf[65536];
  while (true) {
    zts_sockaddr_storage from{};
    zts_socklen_t len = sizeof from;
    ssize_t n =
        zts_bsd_recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<zts_sockaddr*>(&from), &len);
    if (n < 0) continue;
    zts_bsd_sendto(fd, buf, static_cast<size_t>(n), 0, reinterpret_cast<zts_sockaddr*>(&from), len);
  }
}

int run_server(const char* storage, uint64_t nwid, unsigned short port) {
  start_node(storage, nwid, true);
  int listener = zts_socket(ZTS_AF_INET6, ZTS_SOCK_STREAM, 0);
  if (listener < 0 || zts_bind(listener, "::", port) != ZTS_ERR_OK ||
      zts_listen(listener, 128) != ZTS_ERR_OK)
    die("listen");
  std::thread(udp_echo, port).detach();
  char ip4[ZTS_IP_MAX_STR_LEN] = "", ip6[ZTS_IP_MAX_STR_LEN] = "";
  zts_addr_get_str(nwid, ZTS_AF_INET, ip4, sizeof ip4);
  zts_addr_get_str(nwid, ZTS_AF_INET6, ip6, sizeof ip6);
  std::printf("server ready %s %s port %u\n", ip4, ip6, port);
  std::fflush(stdout);
  while (true) {
    int fd = zts_bsd_accept(listener, nullptr, nullptr);
    if (fd < 0) continue;
    std::thread(serve_connection, fd).detach();
  }
}

// ---- client tests -----------------------------------------------------------

using Test = std::function<std::string(const char* ip, unsigned short port)>;  // "" = pass

std::string test_echo(const char* ip, unsigned short port) {
  int fd = connect_to(ip, port);
  if (fd < 0) return "connect failed, zts_errno " + std::to_string(zts_errno);
  std::vector<uint8_t> out(100000), in(out.size());
  uint64_t s = 7;
  generate(s, out.data(), out.size());
  const uint8_t cmd = 'E';
  if (!write_all(fd, &cmd, 1)) return "write failed";
  // Both directions at once: a writer thread while this one reads.
  std::thread writer([&] { write_all(fd, out.data(), out.size()); });
  const bool ok = read_all(fd, in.data(), in.size());
  writer.join();
  zts_close(fd);
  if (!ok) return "read failed";
  return in == out ? "" : "echo differs";
}

std::string test_upload64(const char* ip, unsigned short port) {
  int fd = connect_to(ip, port);
  if (fd < 0) return "connect failed, zts_errno " + std::to_string(zts_errno);
  uint8_t hdr[9] = {'U'};
  put_u64(hdr + 1, big_transfer());
  if (!write_all(fd, hdr, sizeof hdr)) return "write failed";
  if (std::getenv("ZTS_CHECK_SAY_CONNECTED")) {  // for a scenario that acts mid-transfer
    std::printf("  upload: connected\n");
    std::fflush(stdout);
  }
  std::vector<uint8_t> buf(1 << 20);
  uint64_t state = 12345;
  Sha256 sha;
  const auto t0 = Clock::now();
  for (uint64_t sent = 0; sent < big_transfer(); sent += buf.size()) {
    const size_t chunk = std::min<uint64_t>(big_transfer() - sent, buf.size());
    generate(state, buf.data(), chunk);
    sha.add(buf.data(), chunk);
    if (!write_all(fd, buf.data(), chunk)) return "write failed at " + std::to_string(sent);
  }
  char digest[65] = {};
  if (!read_all(fd, digest, 64)) return "no digest came back";
  const double secs = ms_since(t0) / 1000;
  zts_close(fd);
  const std::string mine = sha.hex();
  if (mine != digest) return "SHA-256 differs: sent " + mine + ", server got " + digest;
  std::printf("  upload: %llu KiB in %.2f s (%.2f MB/s), SHA-256 %s\n",
              static_cast<unsigned long long>(big_transfer() >> 10), secs,
              big_transfer() / secs / 1e6, mine.substr(0, 16).c_str());
  return "";
}

std::string test_download64(const char* ip, unsigned short port) {
  int fd = connect_to(ip, port);
  if (fd < 0) return "connect failed, zts_errno " + std::to_string(zts_errno);
  uint8_t hdr[17] = {'D'};
  put_u64(hdr + 1, big_transfer());
  put_u64(hdr + 9, 99);
  if (!write_all(fd, hdr, sizeof hdr)) return "write failed";
  std::vector<uint8_t> buf(1 << 20), expect(buf.size());
  uint64_t state = 99, got = 0;
  Sha256 theirs, mine;
  const auto t0 = Clock::now();
  ssize_t n;
  while (got < big_transfer() && (n = zts_read(fd, buf.data(), buf.size())) > 0) {
    theirs.add(buf.data(), static_cast<size_t>(n));
    got += static_cast<uint64_t>(n);
  }
  const double secs = ms_since(t0) / 1000;
  zts_close(fd);
  if (got != big_transfer()) return "got " + std::to_string(got) + " bytes";
  for (uint64_t made = 0; made < big_transfer(); made += expect.size()) {
    const size_t chunk = std::min<uint64_t>(big_transfer() - made, expect.size());
    generate(state, expect.data(), chunk);
    mine.add(expect.data(), chunk);
  }
  const std::string a = theirs.hex(), b = mine.hex();
  if (a != b) return "SHA-256 differs";
  std::printf("  download: %llu KiB in %.2f s (%.2f MB/s), SHA-256 %s\n",
              static_cast<unsigned long long>(big_transfer() >> 10), secs,
              big_transfer() / secs / 1e6, a.substr(0, 16).c_str());
  return "";
}

// `count` connections open at once, each echoing `bytes` of its own data.
std::string concurrent(const char* ip, unsigned short port, int count, std::size_t bytes) {
  std::vector<int> fds;
  for (int i = 0; i < count; ++i) {
    int fd = connect_to(ip, port);
    if (fd < 0)
      return "connection " + std::to_string(i) + " failed, zts_errno " + std::to_string(zts_errno);
    fds.push_back(fd);
  }
  const auto payload = [&](int i) {
    std::string p(bytes, '\0');
    for (std::size_t j = 0; j < bytes; ++j) p[j] = static_cast<char>('a' + (i * 7 + j) % 26);
    return p;
  };
  for (int i = 0; i < count; ++i) {
    const std::string msg = "E" + payload(i);
    if (!write_all(fds[i], msg.data(), msg.size())) return "write failed";
  }
  for (int i = 0; i < count; ++i) {
    std::string got(bytes, '\0');
    if (!read_all(fds[i], got.data(), got.size()) || got != payload(i))
      return "connection " + std::to_string(i) + " got wrong data";
  }
  for (int fd : fds) zts_close(fd);
  std::printf("  %d connections open at once, %zu bytes echoed on each\n", count, bytes);
  return "";
}

std::string test_concurrent1000(const char* ip, unsigned short port) {
  return concurrent(ip, port, 1000, 4096);
}

// Milliseconds to rest between a soak's rounds (ZTS_CHECK_PAUSE_MS, default
// 0): a long soak at a steady rate instead of flat out.
void pause_between_rounds() {
  static const long ms = [] {
    const char* env = std::getenv("ZTS_CHECK_PAUSE_MS");
    return env ? std::atol(env) : 0L;
  }();
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

// Opens, uses and closes connections one after another for
// ZTS_CHECK_SECONDS (default 5) seconds.
std::string test_churn(const char* ip, unsigned short port) {
  const char* env = std::getenv("ZTS_CHECK_SECONDS");
  const double seconds = env ? std::atof(env) : 5;
  const auto t0 = Clock::now();
  std::uint64_t done = 0;
  const std::string msg = "Echurn";
  while (ms_since(t0) < seconds * 1000) {
    int fd = connect_to(ip, port);
    if (fd < 0) return "connect " + std::to_string(done) + " failed, zts_errno " + std::to_string(zts_errno);
    std::string got(msg.size() - 1, '\0');
    if (!write_all(fd, msg.data(), msg.size()) || !read_all(fd, got.data(), got.size()) ||
        got != "churn")
      return "connection " + std::to_string(done) + " failed";
    zts_close(fd);
    ++done;
    pause_between_rounds();
  }
  std::printf("  churn: %llu connections in %.1f s (%.0f/s)\n", static_cast<unsigned long long>(done),
              ms_since(t0) / 1000, done / (ms_since(t0) / 1000));
  std::fflush(stdout);
  return "";
}

// Uploads and downloads ZTS_CHECK_KIB, each checked by SHA-256, one after
// another for ZTS_CHECK_SECONDS (default 5) seconds: steady traffic for a soak.
std::string test_stream(const char* ip, unsigned short port) {
  const char* env = std::getenv("ZTS_CHECK_SECONDS");
  const double seconds = env ? std::atof(env) : 5;
  const auto t0 = Clock::now();
  std::uint64_t rounds = 0;
  while (ms_since(t0) < seconds * 1000) {
    std::string why = test_upload64(ip, port);
    if (why.empty()) why = test_download64(ip, port);
    if (!why.empty()) return "round " + std::to_string(rounds) + ": " + why;
    ++rounds;
    pause_between_rounds();
  }
  std::printf("  stream: %llu rounds of %llu KiB each way in %.1f s\n",
              static_cast<unsigned long long>(rounds),
              static_cast<unsigned long long>(big_transfer() >> 10), ms_since(t0) / 1000);
  std::fflush(stdout);
  return "";
}

std::string test_concurrent100(const char* ip, unsigned short port) {
  constexpr int kCount = 100;
  std::vector<int> fds;
  for (int i = 0; i < kCount; ++i) {
    int fd = connect_to(ip, port);
    if (fd < 0)
      return "connection " + std::to_string(i) + " failed, zts_errno " + std::to_string(zts_errno);
    fds.push_back(fd);
  }
  for (int i = 0; i < kCount; ++i) {  // all open at once; each says who it is
    const std::string msg = "E#" + std::to_string(i);
    if (!write_all(fds[i], msg.data(), msg.size())) return "write failed";
  }
  for (int i = 0; i < kCount; ++i) {
    const std::string want = "#" + std::to_string(i);
    std::string got(want.size(), '\0');
    if (!read_all(fds[i], got.data(), got.size()) || got != want)
      return "connection " + std::to_string(i) + " mixed up";
  }
  for (int fd : fds) zts_close(fd);
  return "";
}

std::string test_halfclose(const char* ip, unsigned short port) {
  int fd = connect_to(ip, port);
  if (fd < 0) return "connect failed, zts_errno " + std::to_string(zts_errno);
  std::vector<uint8_t> data(10000, 'x');
  data[0] = 'H';
  if (!write_all(fd, data.data(), data.size())) return "write failed";
  if (zts_shutdown_wr(fd) != ZTS_ERR_OK) return "shutdown_wr failed";
  if (zts_write(fd, "y", 1) >= 0) return "a write after shutdown_wr succeeded";
  char reply[64] = {};
  size_t got = 0;
  ssize_t n;
  while ((n = zts_read(fd, reply + got, sizeof reply - 1 - got)) > 0) got += static_cast<size_t>(n);
  zts_close(fd);
  return std::string(reply) == "got 9999" ? "" : "server answered \"" + std::string(reply) + "\"";
}

std::string test_nonblocking(const char* ip, unsigned short port) {
  const int family = zts_util_get_ip_family(ip);
  int fd = zts_bsd_socket(family, ZTS_SOCK_STREAM, 0);
  if (zts_set_blocking(fd, 0) != ZTS_ERR_OK) return "cannot make it nonblocking";
  zts_sockaddr_storage addr{};
  zts_socklen_t len = sizeof addr;
  zts_util_ipstr_to_saddr(ip, port, reinterpret_cast<zts_sockaddr*>(&addr), &len);
  const int r = zts_bsd_connect(fd, reinterpret_cast<zts_sockaddr*>(&addr), len);
  if (r != ZTS_ERR_SOCKET || zts_errno != ZTS_EINPROGRESS)
    return "connect gave " + std::to_string(r) + " zts_errno " + std::to_string(zts_errno) +
           ", not EINPROGRESS";
  zts_pollfd p{fd, ZTS_POLLOUT, 0};
  if (zts_bsd_poll(&p, 1, 10000) != 1 || !(p.revents & ZTS_POLLOUT)) return "no POLLOUT";
  int error = -1;
  zts_socklen_t elen = sizeof error;
  if (zts_bsd_getsockopt(fd, ZTS_SOL_SOCKET, ZTS_SO_ERROR, &error, &elen) != 0 || error != 0)
    return "SO_ERROR " + std::to_string(error);
  const char msg[] = "Enonblocking";
  if (zts_bsd_send(fd, msg, sizeof msg - 1, 0) != sizeof msg - 1) return "send failed";
  char buf[32] = {};
  size_t got = 0;
  while (got < sizeof msg - 2) {
    zts_pollfd q{fd, ZTS_POLLIN, 0};
    if (zts_bsd_poll(&q, 1, 5000) != 1) return "no POLLIN";
    ssize_t n = zts_bsd_recv(fd, buf + got, sizeof buf - 1 - got, 0);
    if (n > 0)
      got += static_cast<size_t>(n);
    else if (n == 0 || zts_errno != ZTS_EAGAIN)
      return "recv failed";
  }
  // Nothing more to read now: EAGAIN, not a block.
  if (zts_bsd_recv(fd, buf, sizeof buf, 0) != ZTS_ERR_SOCKET || zts_errno != ZTS_EAGAIN)
    return "an empty nonblocking socket did not say EAGAIN";
  zts_bsd_close(fd);
  return std::string(buf) == "nonblocking" ? "" : "echo differs";
}

std::string test_refused(const char* ip, unsigned short port) {
  const unsigned short closed = static_cast<unsigned short>(port + 1);
  int fd = zts_socket(zts_util_get_ip_family(ip), ZTS_SOCK_STREAM, 0);
  if (zts_connect(fd, ip, closed, 5000) != ZTS_ERR_SOCKET || zts_errno != ZTS_ECONNREFUSED)
    return "blocking connect to a closed port: zts_errno " + std::to_string(zts_errno);
  zts_close(fd);
  // Nonblocking: the refusal arrives as SO_ERROR.
  fd = zts_bsd_socket(zts_util_get_ip_family(ip), ZTS_SOCK_STREAM, 0);
  zts_set_blocking(fd, 0);
  zts_sockaddr_storage addr{};
  zts_socklen_t len = sizeof addr;
  zts_util_ipstr_to_saddr(ip, closed, reinterpret_cast<zts_sockaddr*>(&addr), &len);
  zts_bsd_connect(fd, reinterpret_cast<zts_sockaddr*>(&addr), len);
  zts_pollfd p{fd, ZTS_POLLOUT, 0};
  zts_bsd_poll(&p, 1, 5000);
  int error = 0;
  zts_socklen_t elen = sizeof error;
  zts_bsd_getsockopt(fd, ZTS_SOL_SOCKET, ZTS_SO_ERROR, &error, &elen);
  zts_bsd_close(fd);
  return error == ZTS_ECONNREFUSED ? "" : "nonblocking: SO_ERROR " + std::to_string(error);
}

// An address on the network's subnet that no member has.
std::string test_timeout(const char* ip, unsigned short port) {
  const bool v6 = zts_util_get_ip_family(ip) == ZTS_AF_INET6;
  std::string nobody = ip;
  nobody = v6 ? nobody.substr(0, nobody.rfind(':') + 1) + "dead"
              : nobody.substr(0, nobody.rfind('.') + 1) + "250";
  int fd = zts_socket(v6 ? ZTS_AF_INET6 : ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  const auto t0 = Clock::now();
  const int r = zts_connect(fd, nobody.c_str(), port, 1500);
  const double waited = ms_since(t0);
  const int e = zts_errno;
  zts_close(fd);
  if (r != ZTS_ERR_SOCKET || e != ZTS_ETIMEDOUT)
    return "connect to " + nobody + ": " + std::to_string(r) + ", zts_errno " + std::to_string(e);
  if (waited < 1400 || waited > 5000) return "timed out after " + std::to_string(waited) + " ms";
  return "";
}

std::string test_udp(const char* ip, unsigned short port) {
  int fd = zts_udp_client(ip);
  if (fd < 0) return "no socket";
  zts_set_recv_timeout(fd, 1, 0);
  zts_sockaddr_storage to{};
  zts_socklen_t len = sizeof to;
  zts_util_ipstr_to_saddr(ip, port, reinterpret_cast<zts_sockaddr*>(&to), &len);
  for (size_t size : {1, 100, 1000, 1400, 2700, 8000}) {  // 8000: fragmented by IP
    std::vector<uint8_t> out(size), in(size + 1);
    uint64_t s = size;
    generate(s, out.data(), size);
    bool echoed = false;
    for (int attempt = 0; attempt < 3 && !echoed; ++attempt) {
      zts_bsd_sendto(fd, out.data(), size, 0, reinterpret_cast<zts_sockaddr*>(&to), len);
      ssize_t n = zts_bsd_recv(fd, in.data(), in.size(), 0);
      echoed = n == static_cast<ssize_t>(size) && std::memcmp(in.data(), out.data(), size) == 0;
    }
    if (!echoed) return "no echo of a " + std::to_string(size) + "-byte datagram";
  }
  zts_close(fd);
  return "";
}

std::string test_ping(const char* ip, unsigned short) {
  int rtt = zts_ping(ip, 3000);
  if (rtt < 0) return "zts_ping gave " + std::to_string(rtt);
  std::printf("  ping %s: %.3f ms\n", ip, rtt / 1000.0);
  return "";
}

std::string test_drain(const char* ip, unsigned short port) {
  int fd = connect_to(ip, port);
  if (fd < 0) return "connect failed, zts_errno " + std::to_string(zts_errno);
  std::vector<uint8_t> got(kSendStopBytes + 1), want(kSendStopBytes);
  uint64_t s = 5;
  generate(s, want.data(), want.size());
  zts_set_recv_timeout(fd, 5, 0);  // a lost tail fails the test, not hangs it
  // Not reading for a while fills the window: when the sender stops, its
  // stack still holds data it has not even sent.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  size_t total = 0;
  ssize_t n;
  while (total < got.size() && (n = zts_read(fd, got.data() + total, got.size() - total)) > 0)
    total += static_cast<size_t>(n);
  zts_close(fd);
  if (total != kSendStopBytes) return "got " + std::to_string(total) + " bytes before EOF";
  return std::memcmp(got.data(), want.data(), want.size()) == 0 ? "" : "the data differs";
}

const std::map<std::string, Test> kTests = {
    {"echo", test_echo},
    {"upload64", test_upload64},
    {"download64", test_download64},
    {"concurrent100", test_concurrent100},
    {"concurrent1000", test_concurrent1000},
    {"churn", test_churn},
    {"stream", test_stream},
    {"halfclose", test_halfclose},
    {"nonblocking", test_nonblocking},
    {"refused", test_refused},
    {"timeout", test_timeout},
    {"udp", test_udp},
    {"ping", test_ping},
    {"drain", test_drain},
};

int run_client(const char* storage, uint64_t nwid, const char* ip, unsigned short port,
               char** tests, int count) {
  start_node(storage, nwid, true);
  int failures = 0;
  for (int i = 0; i < count; ++i) {
    auto it = kTests.find(tests[i]);
    if (it == kTests.end()) die(std::string("unknown test ") + tests[i]);
    const auto t0 = Clock::now();
    const std::string why = it->second(ip, port);
    std::printf("%s %s to %s (%.0f ms)%s%s\n", why.empty() ? "PASS" : "FAIL", tests[i], ip,
                ms_since(t0), why.empty() ? "" : ": ", why.c_str());
    std::fflush(stdout);
    failures += !why.empty();
  }
  zts_node_stop();
  zts_node_free();
  return failures == 0 ? 0 : 1;
}

// ---- restart, replay, timing ---------------------------------------------------

int run_rejoin(const char* storage, uint64_t nwid, const char* ip, unsigned short port) {
  start_node(storage, nwid, /*join=*/false);
  events.wait_for(ZTS_EVENT_NETWORK_READY_IP4, 1000);
  std::printf("PASS rejoin: ready %.0f ms after start without zts_net_join\n",
              events.first_ms[ZTS_EVENT_NETWORK_READY_IP4]);
  if (ip != nullptr) {
    const std::string why = test_echo(ip, port);
    std::printf("%s echo after the restart%s%s\n", why.empty() ? "PASS" : "FAIL",
                why.empty() ? "" : ": ", why.c_str());
    if (!why.empty()) return 1;
  }
  zts_node_stop();
  zts_node_free();
  return 0;
}

int run_replay(const char* storage, uint64_t nwid) {
  start_node(storage, nwid, true, /*handler=*/false);
  if (zts_init_set_event_handler(on_event) != ZTS_ERR_OK) die("late set_event_handler");
  for (int code :
       {ZTS_EVENT_NODE_UP, ZTS_EVENT_NETWORK_OK, ZTS_EVENT_NETIF_UP, ZTS_EVENT_ADDR_ADDED_IP4,
        ZTS_EVENT_ADDR_ADDED_IP6, ZTS_EVENT_NETWORK_READY_IP4, ZTS_EVENT_NETWORK_READY_IP6}) {
    if (!events.wait_for(code, 5000)) {
      std::printf("FAIL replay: event %d never came to a handler set after start\n", code);
      return 1;
    }
  }
  // Stopping delivers the way down, in order.
  zts_node_stop();
  if (!events.wait_for(ZTS_EVENT_NODE_DOWN, 5000)) {
    std::printf("FAIL replay: no NODE_DOWN after zts_node_stop\n");
    return 1;
  }
  std::lock_guard lock(events.mutex);
  std::set<int> seen(events.codes.begin(), events.codes.end());
  for (int code : {ZTS_EVENT_NETIF_DOWN, ZTS_EVENT_ADDR_REMOVED_IP4, ZTS_EVENT_NETWORK_DOWN})
    if (!seen.count(code)) {
      std::printf("FAIL replay: event %d missing on the way down\n", code);
      return 1;
    }
  std::printf("PASS replay: %zu events, the state replayed then the way down\n",
              events.codes.size());
  return 0;
}

int run_sendstop(const char* storage, uint64_t nwid, unsigned short port) {
  start_node(storage, nwid, true);
  int listener = zts_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  if (listener < 0 || zts_bind(listener, "0.0.0.0", port) != ZTS_ERR_OK ||
      zts_listen(listener, 1) != ZTS_ERR_OK)
    die("listen");
  std::printf("sendstop ready\n");
  int fd = zts_bsd_accept(listener, nullptr, nullptr);
  if (fd < 0) die("accept");
  std::vector<uint8_t> data(kSendStopBytes);
  uint64_t s = 5;
  generate(s, data.data(), data.size());
  if (!write_all(fd, data.data(), data.size())) die("write");
  // Straight on, as many programs end: close, stop, exit.
  zts_close(fd);
  zts_close(listener);
  zts_node_stop();
  zts_node_free();
  return 0;
}

int run_timing(const char* storage, uint64_t nwid, const char* ip, unsigned short port) {
  start_node(storage, nwid, true);
  events.wait_for(ZTS_EVENT_NETWORK_READY_IP4, 1000);
  const double ready = events.first_ms[ZTS_EVENT_NETWORK_READY_IP4];
  int fd = connect_to(ip, port);
  if (fd < 0) die("connect");
  const double connected = ms_since(events.t0);
  zts_close(fd);
  std::printf(
      "timing: start to NETWORK_READY_IP4 %.1f ms, to a first TCP connection %.1f ms, "
      "peak RSS %ld KiB\n",
      ready, connected, peak_rss_kib());
  {
    std::lock_guard lock(events.mutex);
    std::printf("timing: events (code at ms):");
    for (const auto& [code, ms] : events.first_ms) std::printf(" %d@%.1f", code, ms);
    std::printf("\n");
  }
  zts_node_stop();
  zts_node_free();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const std::string mode = argc > 1 ? argv[1] : "";
  auto nwid = [&] { return std::strtoull(argv[3], nullptr, 16); };
  auto port = [&](int i) { return static_cast<unsigned short>(std::atoi(argv[i])); };
  if (mode == "server" && argc == 5) return run_server(argv[2], nwid(), port(4));
  if (mode == "client" && argc >= 7)
    return run_client(argv[2], nwid(), argv[4], port(5), argv + 6, argc - 6);
  if (mode == "rejoin" && argc == 4) return run_rejoin(argv[2], nwid(), nullptr, 0);
  if (mode == "rejoin" && argc == 6) return run_rejoin(argv[2], nwid(), argv[4], port(5));
  if (mode == "replay" && argc == 4) return run_replay(argv[2], nwid());
  if (mode == "sendstop" && argc == 5) return run_sendstop(argv[2], nwid(), port(4));
  if (mode == "timing" && argc == 6) return run_timing(argv[2], nwid(), argv[4], port(5));
  std::fprintf(stderr, "usage: see the header of tests/tools/zts_check.cpp\n");
  return 2;
}
