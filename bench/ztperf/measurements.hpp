#pragma once
// What ztperf measures, on any SocketApi: the servers (run in one process)
// and the client side of each measurement (run in another).
#include <cstdint>
#include <string>
#include <vector>

#include "socket_api.hpp"

namespace ztperf {

// What a server listener does with each connection.
enum class ServeKind {
  kSink,         // reads until EOF, then answers the byte count (8 bytes, little-endian)
  kEcho,         // echoes kMessageBytes-byte messages until EOF
  kAcceptClose,  // closes at once (the client reads EOF)
};

inline constexpr std::size_t kMessageBytes = 64;

// Listens on ip:port (0: any) and serves every connection on a thread of its
// own, for the life of the process. The bound port, or 0 on failure.
std::uint16_t start_server(SocketApi& api, const std::string& ip, std::uint16_t port,
                           ServeKind kind);

// The server's listening ports for the three kinds.
struct ServerPorts {
  std::uint16_t sink = 0, echo = 0, accept_close = 0;
};

struct Throughput {
  double mb_per_s = 0;  // 10^6 bytes of payload per second, received by the server
  double bytes = 0;
  bool ok = false;
};
// `streams` connections sending at once for about `seconds`; every byte
// counts once the server has it (the time includes draining).
Throughput tcp_throughput(SocketApi& api, const std::string& ip, std::uint16_t port,
                          unsigned streams, double seconds);

struct Latency {
  double p50_us = 0, p99_us = 0;
  std::size_t samples = 0;
  bool ok = false;
};
// kMessageBytes request, kMessageBytes response, one at a time, TCP_NODELAY.
Latency request_response(SocketApi& api, const std::string& ip, std::uint16_t port,
                         double seconds);

struct ConnectionRate {
  double per_second = 0;
  bool ok = false;
};
// connect, read the server's EOF, close; one connection at a time.
ConnectionRate connection_rate(SocketApi& api, const std::string& ip, std::uint16_t port,
                               double seconds);

double median(std::vector<double> values);
// VmHWM of this process, in bytes: everything resident at the peak,
// shared libraries' pages included.
std::uint64_t peak_rss_bytes();
// RssAnon now: memory of this process's own, not backed by files.
std::uint64_t private_rss_bytes();
// User + system CPU time of this process so far, in seconds.
double cpu_seconds();

}  // namespace ztperf
