// A faulty Ethernet wire between two network namespaces, in user space
// (this machine's kernel has no netem): two tap devices, one moved into each
// namespace, with frames carried between them with loss, duplication,
// delay and jitter (which reorders), as `tc netem` would. SIGUSR1 takes the
// wire down (everything dropped), SIGUSR2 brings it back.
//
//   ztwire --a NS:DEV:CIDR|NS:DEV@BRIDGE --b ... [--loss P] [--dup P]
//          [--delay-ms D] [--jitter-ms J] [--seed S]
//
// "NS:DEV:CIDR" puts the tap in NS named DEV with that address; "NS:DEV@BR"
// puts it in NS as a port of bridge BR. Prints "ready" once both ends are
// up; runs until SIGTERM/SIGINT; prints what it carried.
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <queue>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

std::atomic<bool> g_down{false};
std::atomic<bool> g_stop{false};

struct End {
  std::string ns, dev, cidr, bridge;
  std::string tap;  // the name while it is still in our namespace
  int fd = -1;
};

struct Options {
  End a, b;
  double loss = 0, dup = 0;
  int delay_ms = 0, jitter_ms = 0;
  unsigned seed = 1;
};

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "ztwire: %s\n", why.c_str());
  std::exit(2);
}

End parse_end(const std::string& spec) {
  End e;
  const auto colon = spec.find(':');
  if (colon == std::string::npos) die("bad end " + spec);
  e.ns = spec.substr(0, colon);
  const std::string rest = spec.substr(colon + 1);
  if (const auto at = rest.find('@'); at != std::string::npos) {
    e.dev = rest.substr(0, at);
    e.bridge = rest.substr(at + 1);
  } else if (const auto c2 = rest.find(':'); c2 != std::string::npos) {
    e.dev = rest.substr(0, c2);
    e.cidr = rest.substr(c2 + 1);
  } else {
    die("bad end " + spec);
  }
  return e;
}

void run(const std::string& command) {
  if (std::system(command.c_str()) != 0) die("failed: " + command);
}

// A tap in our namespace, moved into its own and configured there.
void open_end(End& e, const char* tmp_name) {
  e.fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (e.fd < 0) die("cannot open /dev/net/tun");
  ifreq ifr{};
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  std::snprintf(ifr.ifr_name, IFNAMSIZ, "%s", tmp_name);
  if (ioctl(e.fd, TUNSETIFF, &ifr) != 0) die("TUNSETIFF failed (need CAP_NET_ADMIN)");
  e.tap = ifr.ifr_name;
  run("ip link set " + e.tap + " netns " + e.ns);
  run("ip -n " + e.ns + " link set " + e.tap + " name " + e.dev);
  if (!e.cidr.empty()) run("ip -n " + e.ns + " addr add " + e.cidr + " dev " + e.dev);
  if (!e.bridge.empty()) run("ip -n " + e.ns + " link set " + e.dev + " master " + e.bridge);
  run("ip -n " + e.ns + " link set " + e.dev + " up");
}

struct Pending {
  Clock::time_point due;
  std::uint64_t order;
  int to_fd;
  std::vector<std::uint8_t> frame;
  bool operator>(const Pending& o) const { return due != o.due ? due > o.due : order > o.order; }
};

struct Stats {
  std::atomic<std::uint64_t> carried{0}, lost{0}, duplicated{0}, down_dropped{0};
};

class Wire {
 public:
  explicit Wire(const Options& o) : o_(o), rng_(o.seed) {}

  // One direction: frames read from `from` leave through `to`.
  void pump(int from, int to) {
    std::vector<std::uint8_t> buf(65536);
    while (!g_stop) {
      pollfd p{from, POLLIN, 0};
      if (poll(&p, 1, 200) <= 0) continue;
      const ssize_t n = read(from, buf.data(), buf.size());
      if (n <= 0) continue;
      if (g_down) {
        ++stats_.down_dropped;
        continue;
      }
      std::lock_guard lock(mutex_);
      if (chance(o_.loss)) {
        ++stats_.lost;
        continue;
      }
      const int copies = chance(o_.dup) ? 2 : 1;
      if (copies == 2) ++stats_.duplicated;
      for (int i = 0; i < copies; ++i) {
        const int jitter = o_.jitter_ms > 0 ? std::uniform_int_distribution<int>(0, o_.jitter_ms)(rng_) : 0;
        queue_.push({Clock::now() + std::chrono::milliseconds(o_.delay_ms + jitter), order_++, to,
                     std::vector<std::uint8_t>(buf.begin(), buf.begin() + n)});
      }
      ready_.notify_one();
    }
  }

  // Writes frames when they are due.
  void deliver() {
    std::unique_lock lock(mutex_);
    while (!g_stop) {
      if (queue_.empty()) {
        ready_.wait_for(lock, std::chrono::milliseconds(200));
        continue;
      }
      const auto due = queue_.top().due;
      if (Clock::now() < due) {
        ready_.wait_until(lock, due);
        continue;
      }
      Pending p = queue_.top();
      queue_.pop();
      lock.unlock();
      if (write(p.to_fd, p.frame.data(), p.frame.size()) > 0) ++stats_.carried;
      lock.lock();
    }
  }

  const Stats& stats() const { return stats_; }

 private:
  bool chance(double p) { return p > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  const Options& o_;
  std::mt19937 rng_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>> queue_;
  std::uint64_t order_ = 0;
  Stats stats_;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  bool have_a = false, have_b = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--a") o.a = parse_end(v), have_a = true;
    else if (k == "--b") o.b = parse_end(v), have_b = true;
    else if (k == "--loss") o.loss = std::stod(v);
    else if (k == "--dup") o.dup = std::stod(v);
    else if (k == "--delay-ms") o.delay_ms = std::stoi(v);
    else if (k == "--jitter-ms") o.jitter_ms = std::stoi(v);
    else if (k == "--seed") o.seed = static_cast<unsigned>(std::stoul(v));
    else die("unknown option " + k);
  }
  if (!have_a || !have_b) die("usage: ztwire --a NS:DEV:CIDR|NS:DEV@BR --b ... [--loss P] [--dup P] [--delay-ms D] [--jitter-ms J]");
  signal(SIGUSR1, [](int) { g_down = true; });
  signal(SIGUSR2, [](int) { g_down = false; });
  signal(SIGTERM, [](int) { g_stop = true; });
  signal(SIGINT, [](int) { g_stop = true; });
  open_end(o.a, "ztwire%d");
  open_end(o.b, "ztwire%d");
  std::printf("ready\n");
  std::fflush(stdout);
  Wire wire(o);
  std::thread ab([&] { wire.pump(o.a.fd, o.b.fd); });
  std::thread ba([&] { wire.pump(o.b.fd, o.a.fd); });
  std::thread out([&] { wire.deliver(); });
  ab.join();
  ba.join();
  out.join();
  const Stats& s = wire.stats();
  std::printf("ztwire: carried %llu frames, lost %llu, duplicated %llu, dropped while down %llu\n",
              static_cast<unsigned long long>(s.carried.load()),
              static_cast<unsigned long long>(s.lost.load()),
              static_cast<unsigned long long>(s.duplicated.load()),
              static_cast<unsigned long long>(s.down_dropped.load()));
  return 0;
}
