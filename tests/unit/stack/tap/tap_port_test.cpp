// The tap driver against the real kernel, inside a network namespace of
// its own (a forked child; the host's network is never touched). Needs
// root and /dev/net/tun; skipped otherwise.
#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <linux/capability.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "stack/port_driver.hpp"
#include "stack/tap/device_name.hpp"

namespace zt::stack {
namespace {

constexpr std::uint64_t kNetwork = 0x8056c2e21c000001ULL;
const MacAddress kMac(0x02112233445aULL);
const MacAddress kPeerMac(0x02aabbccdd01ULL);

InetAddress addr(const char* text) { return *InetAddress::from_string(text); }

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Through ioctls: /sys would show the parent's namespace.
bool device_exists(const std::string& name) { return if_nametoindex(name.c_str()) != 0; }

std::optional<ifreq> device_request(const std::string& name, unsigned long request) {
  ifreq r{};
  std::strncpy(r.ifr_name, name.c_str(), IFNAMSIZ - 1);
  const int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  const bool ok = s >= 0 && ioctl(s, request, &r) == 0;
  if (s >= 0) close(s);
  if (!ok) return std::nullopt;
  return r;
}

bool has_ipv4(const std::string& device, const char* dotted) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return false;
  bool found = false;
  for (ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || device != i->ifa_name) continue;
    const auto* sin = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
    found = found || InetAddress::v4(reinterpret_cast<const std::uint8_t*>(&sin->sin_addr), 0).ip_string() == dotted;
  }
  freeifaddrs(list);
  return found;
}

// /proc/net/route holds destinations as little-endian hex.
bool has_route(const std::string& device, const char* destination_hex) {
  std::istringstream lines(read_text("/proc/net/route"));
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream f(line);
    std::string iface, dst;
    f >> iface >> dst;
    if (iface == device && dst == destination_hex) return true;
  }
  return false;
}

// What the port reports, from its reader thread.
struct Seen {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::vector<std::uint8_t>> frames;
  std::vector<MulticastGroup> joined;

  PortSinks sinks() {
    PortSinks s;
    s.frame = [this](std::span<const std::uint8_t> f) {
      std::lock_guard lock(mutex);
      frames.emplace_back(f.begin(), f.end());
      changed.notify_all();
    };
    s.multicast = [this](const MulticastGroup& g, bool join) {
      std::lock_guard lock(mutex);
      if (join) joined.push_back(g);
      changed.notify_all();
    };
    return s;
  }
  template <typename Pred>
  bool wait(Pred pred) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(10), pred);
  }
};

// An ARP request from the peer for 10.1.2.3.
std::vector<std::uint8_t> arp_request() {
  std::vector<std::uint8_t> f(42, 0);
  MacAddress(MacAddress::kMask).to_bytes(f.data());
  kPeerMac.to_bytes(f.data() + 6);
  f[12] = 0x08, f[13] = 0x06;                       // ARP
  f[14] = 0, f[15] = 1, f[16] = 0x08, f[17] = 0;    // Ethernet, IPv4
  f[18] = 6, f[19] = 4, f[20] = 0, f[21] = 1;       // sizes, request
  kPeerMac.to_bytes(f.data() + 22);
  f[28] = 10, f[29] = 1, f[30] = 2, f[31] = 9;      // sender 10.1.2.9
  f[38] = 10, f[39] = 1, f[40] = 2, f[41] = 3;      // target 10.1.2.3
  return f;
}

NetworkInfo configured() {
  NetworkInfo info;
  info.id = kNetwork;
  info.mac = kMac;
  info.mtu = 2800;
  info.assigned_addresses = {addr("10.1.2.3/24"), addr("fd00:1::5/88")};
  NetworkRoute on_link, gateway;
  on_link.target = addr("10.50.0.0/16");
  gateway.target = addr("10.9.0.0/16");
  gateway.via = addr("10.1.2.1");
  info.routes = {on_link, gateway};
  return info;
}

void drop_net_admin() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  ASSERT_EQ(syscall(SYS_capget, &header, data), 0);
  data[CAP_NET_ADMIN / 32].effective &= ~(1u << (CAP_NET_ADMIN % 32));
  ASSERT_EQ(syscall(SYS_capset, &header, data), 0);
}

// The scenario, in the child: gtest failures make its exit status.
void scenario() {
  ASSERT_EQ(unshare(CLONE_NEWNET), 0) << "unshare: " << strerror(errno);
  std::string error;
  std::unique_ptr<PortDriver> driver = make_port_driver("tap", &error);
  ASSERT_TRUE(driver) << error;
  const std::string name = tap::tap_device_name(kNetwork);
  Seen seen;
  std::unique_ptr<Port> port = driver->open(configured(), seen.sinks(), &error);
  ASSERT_TRUE(port) << error;

  ASSERT_TRUE(device_exists(name));
  const std::optional<ifreq> hw = device_request(name, SIOCGIFHWADDR);
  ASSERT_TRUE(hw);
  EXPECT_EQ(MacAddress::from_bytes(reinterpret_cast<const std::uint8_t*>(hw->ifr_hwaddr.sa_data)), kMac);
  const std::optional<ifreq> mtu = device_request(name, SIOCGIFMTU);
  ASSERT_TRUE(mtu);
  EXPECT_EQ(mtu->ifr_mtu, 2800);
  const std::optional<ifreq> flags = device_request(name, SIOCGIFFLAGS);
  ASSERT_TRUE(flags);
  EXPECT_TRUE(flags->ifr_flags & IFF_UP);
  EXPECT_TRUE(has_ipv4(name, "10.1.2.3"));
  EXPECT_TRUE(has_route(name, "0000320A"));  // 10.50.0.0/16 on-link
  EXPECT_TRUE(has_route(name, "0000090A"));  // 10.9.0.0/16 via 10.1.2.1

  // The kernel answers an ARP request written to the device; the reply
  // comes back through the frame sink.
  const std::vector<std::uint8_t> request = arp_request();
  const std::span<const std::uint8_t> batch[] = {request};
  port->deliver(batch);
  EXPECT_TRUE(seen.wait([&] {
    for (const auto& f : seen.frames)
      if (f.size() >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 2 &&
          MacAddress::from_bytes(f.data()) == kPeerMac && MacAddress::from_bytes(f.data() + 22) == kMac)
        return true;
    return false;
  })) << "no ARP reply from the kernel";

  // IPv6 all-nodes is joined by the kernel on any IPv6 device.
  EXPECT_TRUE(seen.wait([&] {
    for (const MulticastGroup& g : seen.joined)
      if (g.mac == MacAddress(0x333300000001ULL)) return true;
    return false;
  })) << "all-nodes group never reported";

  // A new config without the gateway route and the IPv4 address.
  NetworkInfo less = configured();
  less.assigned_addresses = {addr("fd00:1::5/88")};
  less.routes.clear();
  ASSERT_TRUE(port->configure(less, &error)) << error;
  EXPECT_FALSE(has_ipv4(name, "10.1.2.3"));
  EXPECT_FALSE(has_route(name, "0000090A"));
  EXPECT_FALSE(has_route(name, "0000320A"));

  port.reset();
  EXPECT_FALSE(device_exists(name)) << "the device outlived its port";

  // Without CAP_NET_ADMIN: a message that names it, and no device.
  drop_net_admin();
  EXPECT_FALSE(driver->open(configured(), seen.sinks(), &error));
  EXPECT_NE(error.find("CAP_NET_ADMIN"), std::string::npos) << error;
  EXPECT_FALSE(device_exists(name));
}

TEST(TapPortKernel, DeviceConfiguredFedAndRemovedInItsOwnNamespace) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root for a network namespace and a tap device";
  if (access("/dev/net/tun", R_OK | W_OK) != 0) GTEST_SKIP() << "no /dev/net/tun";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    scenario();
    _exit(::testing::Test::HasFailure() ? 1 : 0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "the namespace child crashed";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "see the child's failures above";
}

}  // namespace
}  // namespace zt::stack
