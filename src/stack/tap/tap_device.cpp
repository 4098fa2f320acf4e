#include "stack/tap/tap_device.hpp"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "stack/tap/device_name.hpp"

namespace zt::stack::tap {
namespace {

constexpr const char* kTunPath = "/dev/net/tun";
// Names taken by other devices are skipped; this many is already absurd.
constexpr std::uint64_t kNameTrials = 16;

// Asked of the kernel (not /sys, which may show another namespace's devices).
bool device_exists(const std::string& name) { return ::if_nametoindex(name.c_str()) != 0; }

std::string open_failure(int error) {
  std::string text = std::string("cannot open ") + kTunPath + ": " + std::strerror(error);
  if (error == ENOENT || error == ENODEV || error == ENXIO)
    text += " (load the tun module with 'modprobe tun'; in a container, pass the device in)";
  else if (error == EPERM || error == EACCES)
    text += " (" + missing_capability_hint() + ")";
  return text;
}

}  // namespace

std::string missing_capability_hint() {
  return "the tap driver needs CAP_NET_ADMIN: run the service as root or grant it with "
         "'setcap cap_net_admin+ep' on the ztsdk binary, or use --stack lwip, which needs no "
         "privileges";
}

std::unique_ptr<TapDevice> TapDevice::create(std::uint64_t network_id, std::string* error) {
  std::string name;
  for (std::uint64_t trial = 0; trial < kNameTrials; ++trial) {
    name = tap_device_name(network_id, trial);
    if (!device_exists(name)) break;
    name.clear();
  }
  if (name.empty()) {
    if (error) *error = "every tap device name for this network is taken";
    return nullptr;
  }
  const int fd = ::open(kTunPath, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (error) *error = open_failure(errno);
    return nullptr;
  }
  ifreq request{};
  request.ifr_flags = IFF_TAP | IFF_NO_PI;
  std::strncpy(request.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd, TUNSETIFF, &request) < 0) {
    const int e = errno;
    ::close(fd);
    if (error) {
      *error = "cannot create tap device " + name + ": " + std::strerror(e);
      if (e == EPERM || e == EACCES) *error += " (" + missing_capability_hint() + ")";
    }
    return nullptr;
  }
  name = request.ifr_name;
  const unsigned ifindex = ::if_nametoindex(name.c_str());
  if (ifindex == 0) {
    const int e = errno;
    ::close(fd);
    if (error) *error = "tap device " + name + " has no index: " + std::strerror(e);
    return nullptr;
  }
  return std::unique_ptr<TapDevice>(new TapDevice(fd, name, static_cast<int>(ifindex)));
}

TapDevice::~TapDevice() { ::close(fd_); }

}  // namespace zt::stack::tap
