// VL1 ECHO round trip between two services on loopback (real UDP sockets,
// event loops, armor, dispatch), printed beside a plain UDP ping-pong
// between two kernel sockets on the same machine, as a ratio.
//
// The service measures an echo from the moment its loop thread sends it to
// the moment that thread sees the reply, which is what the UDP ping-pong
// below measures too. Echo answers are rate limited per path (vl1.md), so
// samples are spaced out.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "crypto/c25519.hpp"
#include "io/atomic_file.hpp"
#include "io/clock.hpp"
#include "service/service.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int kEchoSamples = 40;
constexpr auto kEchoSpacing = 200ms;  // above the responder's per-path echo limit
constexpr int kUdpSamples = 20000;

struct Percentiles {
  double p50 = 0, p99 = 0;
};

Percentiles percentiles(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return {};
  auto at = [&](double q) { return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))]; };
  return {at(0.50), at(0.99)};
}

class RunningService {
 public:
  explicit RunningService(std::unique_ptr<zt::service::Service> s) : s_(std::move(s)) {
    thread_ = std::thread([this] { s_->run(); });
  }
  ~RunningService() {
    s_->stop();
    thread_.join();
  }
  zt::service::Service* operator->() { return s_.get(); }

 private:
  std::unique_ptr<zt::service::Service> s_;
  std::thread thread_;
};

std::unique_ptr<zt::service::Service> open_service(const fs::path& home,
                                                   std::optional<fs::path> planet) {
  zt::service::ServiceOptions o;
  o.home = home;
  o.port = 0;
  o.api_port = 0;
  o.ipv6 = false;
  o.handle_signals = false;
  o.planet_file = std::move(planet);
  std::string error;
  auto s = zt::service::Service::open(o, &error);
  if (!s) std::fprintf(stderr, "bench_echo: %s\n", error.c_str());
  return s;
}

fs::path write_planet(const fs::path& dir, const zt::Identity& root, std::uint16_t port) {
  const auto signer = zt::crypto::c25519_generate();
  zt::World w;
  w.type = zt::World::Type::kPlanet;
  w.id = 0x4242;
  w.timestamp = 1;
  w.updates_must_be_signed_by = signer.pub;
  w.roots.push_back(
      {root.public_only(), {*zt::InetAddress::from_string("127.0.0.1/" + std::to_string(port))}});
  w.sign(signer);
  const fs::path file = dir / "planet";
  zt::io::write_file_atomic(file, w.to_bytes(), 0644);
  return file;
}

// Two kernel UDP sockets on loopback, a responder thread echoing every
// datagram back; round_trip() times one send→recv from the caller.
class UdpPingPong {
 public:
  UdpPingPong() {
    server_ = socket(AF_INET, SOCK_DGRAM, 0);
    client_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    bind(server_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    getsockname(server_, reinterpret_cast<sockaddr*>(&addr), &len);
    connect(client_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    responder_ = std::thread([this] {
      char buf[256];
      for (;;) {
        sockaddr_in from{};
        socklen_t from_len = sizeof from;
        const ssize_t n =
            recvfrom(server_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
        if (n <= 0) return;  // the zero-length datagram from the destructor
        sendto(server_, buf, static_cast<std::size_t>(n), 0, reinterpret_cast<sockaddr*>(&from),
               from_len);
      }
    });
  }
  ~UdpPingPong() {
    send(client_, "", 0, 0);
    responder_.join();
    close(server_);
    close(client_);
  }

  // Microseconds, or a negative value on failure.
  double round_trip() {
    char buf[64] = {1};
    const std::int64_t start = zt::io::monotonic_ns();
    if (send(client_, buf, sizeof buf, 0) < 0 || recv(client_, buf, sizeof buf, 0) < 0) return -1;
    return static_cast<double>(zt::io::monotonic_ns() - start) / 1000.0;
  }

 private:
  int server_ = -1, client_ = -1;
  std::thread responder_;
};

struct Samples {
  std::vector<double> echo_us;
  std::vector<double> udp_spaced_us;  // taken beside each echo, equally idle before
  std::vector<double> udp_hot_us;     // back to back
};

Samples measure(const fs::path& dir) {
  Samples out;
  auto a_service = open_service(dir / "a", std::nullopt);
  if (!a_service) return out;
  RunningService a(std::move(a_service));
  auto b_service =
      open_service(dir / "b", write_planet(dir, a->home().identity(), a->udp_port()));
  if (!b_service) return out;
  RunningService b(std::move(b_service));
  const zt::Address a_address = a->home().identity().address();

  // The first ping carries the HELLO exchange; not a sample.
  if (b->ping(a_address, 5s).kind != zt::service::PingOutcome::Kind::kReply) return out;
  UdpPingPong udp;
  for (int i = 0; i < kEchoSamples; ++i) {
    std::this_thread::sleep_for(kEchoSpacing / 2);
    if (const double us = udp.round_trip(); us >= 0) out.udp_spaced_us.push_back(us);
    std::this_thread::sleep_for(kEchoSpacing / 2);
    const auto outcome = b->ping(a_address, 2s);
    if (outcome.kind != zt::service::PingOutcome::Kind::kReply || outcome.reply.via_relay) continue;
    out.echo_us.push_back(outcome.reply.rtt_ms * 1000.0);
  }
  for (int i = 0; i < kUdpSamples; ++i)
    if (const double us = udp.round_trip(); us >= 0) out.udp_hot_us.push_back(us);
  return out;
}

}  // namespace

int main() {
  const fs::path dir = fs::temp_directory_path() / ("ztsdk-bench-echo-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const Samples s = measure(dir);
  fs::remove_all(dir);
  if (s.echo_us.empty() || s.udp_spaced_us.empty() || s.udp_hot_us.empty()) {
    std::fprintf(stderr, "bench_echo: no samples\n");
    return 1;
  }
  const Percentiles e = percentiles(s.echo_us), u = percentiles(s.udp_spaced_us),
                    h = percentiles(s.udp_hot_us);
  std::printf("\n%-46s %8s %10s %10s\n", "round trip on loopback", "samples", "p50 us", "p99 us");
  auto row = [](const char* what, std::size_t n, Percentiles p) {
    std::printf("%-46s %8zu %10.1f %10.1f\n", what, n, p.p50, p.p99);
  };
  row("VL1 ECHO between two services", s.echo_us.size(), e);
  row("plain UDP ping-pong, same spacing (64 B)", s.udp_spaced_us.size(), u);
  row("plain UDP ping-pong, back to back (64 B)", s.udp_hot_us.size(), h);
  std::printf("%-46s %8s %10.2f %10.2f\n", "ratio ECHO / UDP (same spacing)", "", e.p50 / u.p50,
              e.p99 / u.p99);
  return 0;
}
