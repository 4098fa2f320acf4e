#include "measurements.hpp"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sys/resource.h>
#include <thread>

#include "embedded_node.hpp"

namespace ztperf {
namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;
constexpr int kLatencyWarmup = 100;

double seconds_since(std::int64_t start_ns) {
  return static_cast<double>(now_ns() - start_ns) / 1e9;
}

void serve_connection(SocketApi& api, int fd, ServeKind kind) {
  switch (kind) {
    case ServeKind::kSink: {
      std::vector<char> buf(kChunkBytes);
      std::uint64_t total = 0;
      for (;;) {
        const ssize_t n = api.recv_some(fd, buf.data(), buf.size());
        if (n <= 0) break;
        total += static_cast<std::uint64_t>(n);
      }
      api.send_all(fd, &total, sizeof total);
      break;
    }
    case ServeKind::kEcho: {
      api.set_no_delay(fd);
      char m[kMessageBytes];
      while (api.recv_all(fd, m, sizeof m) && api.send_all(fd, m, sizeof m)) {
      }
      break;
    }
    case ServeKind::kAcceptClose:
      break;
  }
  api.close_fd(fd);
}

}  // namespace

std::uint16_t start_server(SocketApi& api, const std::string& ip, std::uint16_t port,
                           ServeKind kind) {
  std::uint16_t bound = 0;
  const int listener = api.listen_on(ip, port, &bound);
  if (listener < 0) return 0;
  std::thread([&api, listener, kind] {
    for (;;) {
      const int fd = api.accept_one(listener);
      if (fd < 0) continue;
      if (kind == ServeKind::kAcceptClose) {
        api.close_fd(fd);
        continue;
      }
      std::thread(serve_connection, std::ref(api), fd, kind).detach();
    }
  }).detach();
  return bound;
}

Throughput tcp_throughput(SocketApi& api, const std::string& ip, std::uint16_t port,
                          unsigned streams, double seconds) {
  std::vector<int> fds;
  for (unsigned i = 0; i < streams; ++i) {
    const int fd = api.connect_to(ip, port);
    if (fd < 0) break;
    fds.push_back(fd);
  }
  Throughput out;
  if (fds.size() != streams) {
    for (int fd : fds) api.close_fd(fd);
    return out;
  }
  std::atomic<std::uint64_t> received{0};
  std::atomic<bool> failed{false};
  std::atomic<std::int64_t> start{0};
  std::barrier sync(static_cast<std::ptrdiff_t>(streams), [&]() noexcept { start = now_ns(); });
  std::vector<std::thread> threads;
  for (int fd : fds) {
    threads.emplace_back([&, fd] {
      std::vector<char> chunk(kChunkBytes, 'z');
      sync.arrive_and_wait();
      const std::int64_t end = start + static_cast<std::int64_t>(seconds * 1e9);
      while (now_ns() < end) {
        if (!api.send_all(fd, chunk.data(), chunk.size())) {
          failed = true;
          break;
        }
      }
      std::uint64_t count = 0;
      if (api.shutdown_write(fd) != 0 || !api.recv_all(fd, &count, sizeof count)) failed = true;
      received += count;
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed = seconds_since(start);
  for (int fd : fds) api.close_fd(fd);
  out.ok = !failed;
  out.bytes = static_cast<double>(received.load());
  out.mb_per_s = out.bytes / elapsed / 1e6;
  return out;
}

Latency request_response(SocketApi& api, const std::string& ip, std::uint16_t port,
                         double seconds) {
  Latency out;
  const int fd = api.connect_to(ip, port);
  if (fd < 0) return out;
  api.set_no_delay(fd);
  char m[kMessageBytes] = {};
  bool ok = true;
  for (int i = 0; i < kLatencyWarmup && ok; ++i)
    ok = api.send_all(fd, m, sizeof m) && api.recv_all(fd, m, sizeof m);
  std::vector<double> samples;
  const std::int64_t end = now_ns() + static_cast<std::int64_t>(seconds * 1e9);
  while (ok && now_ns() < end) {
    const std::int64_t t0 = now_ns();
    ok = api.send_all(fd, m, sizeof m) && api.recv_all(fd, m, sizeof m);
    samples.push_back(static_cast<double>(now_ns() - t0) / 1e3);
  }
  api.close_fd(fd);
  if (!ok || samples.empty()) return out;
  std::sort(samples.begin(), samples.end());
  out.p50_us = samples[samples.size() / 2];
  out.p99_us = samples[samples.size() * 99 / 100];
  out.samples = samples.size();
  out.ok = true;
  return out;
}

ConnectionRate connection_rate(SocketApi& api, const std::string& ip, std::uint16_t port,
                               double seconds) {
  ConnectionRate out;
  std::size_t count = 0;
  const std::int64_t start = now_ns();
  const std::int64_t end = start + static_cast<std::int64_t>(seconds * 1e9);
  while (now_ns() < end) {
    const int fd = api.connect_to(ip, port);
    if (fd < 0) return out;
    char c;
    const ssize_t n = api.recv_some(fd, &c, 1);
    api.close_fd(fd);
    if (n != 0) return out;
    ++count;
  }
  out.per_second = static_cast<double>(count) / seconds_since(start);
  out.ok = true;
  return out;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

namespace {

// A "Name:   123 kB" line of /proc/self/status, in bytes.
std::uint64_t status_kb(const std::string& name) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(name + ":", 0) == 0) return std::stoull(line.substr(name.size() + 1)) * 1024;
  return 0;
}

}  // namespace

std::uint64_t peak_rss_bytes() { return status_kb("VmHWM"); }
std::uint64_t private_rss_bytes() { return status_kb("RssAnon"); }

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(u.ru_utime) + seconds(u.ru_stime);
}

}  // namespace ztperf
