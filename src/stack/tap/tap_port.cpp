#include "stack/tap/tap_port.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>

#include "stack/tap/dev_mcast.hpp"
#include "stack/tap/route_netlink.hpp"
#include "stack/tap/tap_device.hpp"
#include "stack/tap/tap_plan.hpp"

namespace zt::stack {
namespace {

using tap::NetlinkBytes;

// How often the kernel's multicast memberships are looked at. The engine
// already knows the groups ARP and NDP for assigned addresses need, so
// this only paces the rest (all-nodes, link-local solicited-node, mDNS).
constexpr int kGroupScanMs = 2000;
// Frames are at most 14 + the largest ZeroTier MTU (10000) bytes.
constexpr std::size_t kReadBuffer = 16 * 1024;
constexpr int kFramesPerWakeup = 256;
// Removing what is already gone is not a failure.
bool already_gone(int error) {
  return error == ENOENT || error == ESRCH || error == EADDRNOTAVAIL || error == ENODEV;
}

std::string describe(int error) {
  std::string text = std::strerror(error);
  if (error == EPERM || error == EACCES) text += " (" + tap::missing_capability_hint() + ")";
  return text;
}

class TapPort final : public Port {
 public:
  static std::unique_ptr<TapPort> open(const NetworkInfo& info, PortSinks sinks, std::string* error) {
    std::unique_ptr<tap::TapDevice> device = tap::TapDevice::create(info.id, error);
    if (!device) return nullptr;
    std::unique_ptr<tap::RouteNetlink> netlink = tap::RouteNetlink::open(error);
    if (!netlink) return nullptr;
    const int e = netlink->transact(
        tap::link_setup_request(netlink->next_seq(), device->ifindex(), info.mac, info.mtu));
    if (e != 0) {
      if (error) *error = "cannot set up tap device " + device->name() + ": " + describe(e);
      return nullptr;
    }
    const int wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd < 0) {
      if (error) *error = std::string("cannot create an eventfd: ") + std::strerror(errno);
      return nullptr;
    }
    std::unique_ptr<TapPort> port(
        new TapPort(std::move(device), std::move(netlink), std::move(sinks), wake_fd, info.mtu));
    // A refused address or route at open leaves the network without a port
    // (and the reason shown), rather than half configured and silent.
    if (!port->configure(info, error)) return nullptr;
    port->reader_ = std::thread([raw = port.get()] { raw->read_frames(); });
    return port;
  }

  ~TapPort() override {
    stopping_.store(true);
    kick();
    if (reader_.joinable()) reader_.join();
    ::close(wake_fd_);
    // Closing the device (device_'s destructor) removes it, and with it
    // every address and route it had.
  }

  bool configure(const NetworkInfo& info, std::string* error) override {
    std::string failures;
    const auto fail = [&](const std::string& what, int e) {
      if (!failures.empty()) failures += "; ";
      failures += what + ": " + describe(e);
    };
    if (info.mtu != mtu_) {
      const int e = netlink_->transact(
          tap::link_setup_request(netlink_->next_seq(), device_->ifindex(), info.mac, info.mtu));
      if (e == 0) mtu_ = info.mtu;
      else fail("MTU " + std::to_string(info.mtu), e);
    }
    const tap::TapPlan next = tap::tap_plan(info);
    // Routes go first and come back last: a gateway route needs its
    // gateway reachable through an on-link route or address.
    std::vector<NetworkRoute> kept_routes;
    for (const NetworkRoute& r : applied_.routes) {
      if (std::find(next.routes.begin(), next.routes.end(), r) != next.routes.end()) {
        kept_routes.push_back(r);
        continue;
      }
      const int e = request(tap::route_request(netlink_->next_seq(), false, device_->ifindex(), r));
      if (e != 0 && !already_gone(e)) {
        fail("removing route " + r.target.to_string(), e);
        kept_routes.push_back(r);
      }
    }
    std::vector<InetAddress> kept_addresses;
    for (const InetAddress& a : applied_.addresses) {
      if (std::binary_search(next.addresses.begin(), next.addresses.end(), a)) {
        kept_addresses.push_back(a);
        continue;
      }
      const int e = request(tap::address_request(netlink_->next_seq(), false, device_->ifindex(), a));
      if (e != 0 && !already_gone(e)) {
        fail("removing address " + a.to_string(), e);
        kept_addresses.push_back(a);
      }
    }
    for (const InetAddress& a : next.addresses) {
      if (std::find(kept_addresses.begin(), kept_addresses.end(), a) != kept_addresses.end()) continue;
      const int e = request(tap::address_request(netlink_->next_seq(), true, device_->ifindex(), a));
      if (e == 0) kept_addresses.push_back(a);
      else fail("adding address " + a.to_string(), e);
    }
    for (const NetworkRoute& r : next.routes) {
      if (std::find(kept_routes.begin(), kept_routes.end(), r) != kept_routes.end()) continue;
      const int e = request(tap::route_request(netlink_->next_seq(), true, device_->ifindex(), r));
      if (e == 0) kept_routes.push_back(r);
      else fail("adding route " + r.target.to_string() + (r.via.is_nil() ? "" : " via " + r.via.ip_string()), e);
    }
    std::sort(kept_addresses.begin(), kept_addresses.end());
    applied_.addresses = std::move(kept_addresses);
    applied_.routes = std::move(kept_routes);
    {
      std::lock_guard lock(assigned_mutex_);
      assigned_ = info.assigned_addresses;
    }
    kick();  // new addresses: the kernel has joined new groups
    if (failures.empty()) return true;
    if (error) *error = "tap device " + device_->name() + ": " + failures;
    return false;
  }

  void deliver(std::span<const std::span<const std::uint8_t>> frames) override {
    // The kernel takes each frame at once or drops it (full backlog), as a
    // NIC would; nothing here waits.
    for (std::span<const std::uint8_t> f : frames) (void)!::write(device_->fd(), f.data(), f.size());
  }

 private:
  TapPort(std::unique_ptr<tap::TapDevice> device, std::unique_ptr<tap::RouteNetlink> netlink,
          PortSinks sinks, int wake_fd, unsigned mtu)
      : device_(std::move(device)),
        netlink_(std::move(netlink)),
        sinks_(std::move(sinks)),
        wake_fd_(wake_fd),
        mtu_(mtu) {}

  int request(const NetlinkBytes& bytes) { return netlink_->transact(bytes); }

  void kick() {
    const std::uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
  }

  // The reader thread: frames the kernel transmits on the device, and a
  // look at its multicast groups now and then and after each change.
  void read_frames() {
    std::vector<std::uint8_t> buffer(kReadBuffer);
    auto last_scan = std::chrono::steady_clock::now();
    bool scan_due = true;
    while (!stopping_.load()) {
      const auto now = std::chrono::steady_clock::now();
      if (scan_due || now - last_scan >= std::chrono::milliseconds(kGroupScanMs)) {
        scan_groups();
        last_scan = now;
        scan_due = false;
      }
      pollfd fds[2] = {{device_->fd(), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      const int n = ::poll(fds, 2, kGroupScanMs);
      if (n < 0 && errno != EINTR) break;
      if (n <= 0) continue;
      if (fds[1].revents & POLLIN) {
        std::uint64_t count;
        (void)!::read(wake_fd_, &count, sizeof count);
        scan_due = true;
      }
      // A bounded batch, so a stream of frames cannot hold off a stop.
      for (int i = 0; i < kFramesPerWakeup; ++i) {
        const ssize_t got = ::read(device_->fd(), buffer.data(), buffer.size());
        if (got <= 0) break;  // EAGAIN: drained
        if (sinks_.frame) sinks_.frame({buffer.data(), static_cast<std::size_t>(got)});
      }
    }
  }

  void scan_groups() {
    if (!sinks_.multicast) return;
    const std::optional<std::string> text = tap::read_dev_mcast();
    if (!text) return;
    const std::vector<MacAddress> macs = tap::parse_dev_mcast(*text, device_->name());
    std::vector<InetAddress> assigned;
    {
      std::lock_guard lock(assigned_mutex_);
      assigned = assigned_;
    }
    std::vector<MulticastGroup> now = tap::groups_to_report(macs, assigned);
    for (const MulticastGroup& g : reported_)
      if (!std::binary_search(now.begin(), now.end(), g)) sinks_.multicast(g, false);
    for (const MulticastGroup& g : now)
      if (!std::binary_search(reported_.begin(), reported_.end(), g)) sinks_.multicast(g, true);
    reported_ = std::move(now);
  }

  std::unique_ptr<tap::TapDevice> device_;
  std::unique_ptr<tap::RouteNetlink> netlink_;  // loop thread (configure)
  PortSinks sinks_;
  int wake_fd_;
  unsigned mtu_;
  tap::TapPlan applied_;  // what the kernel has from us; loop thread
  std::mutex assigned_mutex_;
  std::vector<InetAddress> assigned_;  // for scan_groups, on the reader thread
  std::vector<MulticastGroup> reported_;  // reader thread
  std::atomic<bool> stopping_{false};
  std::thread reader_;
};

class TapDriver final : public PortDriver {
 public:
  std::string_view name() const override { return "tap"; }
  std::unique_ptr<Port> open(const NetworkInfo& info, PortSinks sinks, std::string* error) override {
    return TapPort::open(info, std::move(sinks), error);
  }
};

}  // namespace

std::unique_ptr<PortDriver> make_tap_driver() { return std::make_unique<TapDriver>(); }

}  // namespace zt::stack
