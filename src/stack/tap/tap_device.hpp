#pragma once
// A Linux tap device from /dev/net/tun (IFF_TAP | IFF_NO_PI: whole Ethernet
// frames, no packet-info prefix). Not persistent: the kernel removes it,
// with its addresses and routes, when its last descriptor closes, so a
// service killed with SIGKILL leaves no device behind either.
#include <cstdint>
#include <memory>
#include <string>

namespace zt::stack::tap {

class TapDevice {
 public:
  // A new device named tap_device_name(network_id[, trial]), skipping names
  // that exist. nullptr with *error saying what to do (missing
  // CAP_NET_ADMIN, no /dev/net/tun...). The descriptor is non-blocking.
  static std::unique_ptr<TapDevice> create(std::uint64_t network_id, std::string* error);
  ~TapDevice();
  TapDevice(const TapDevice&) = delete;
  TapDevice& operator=(const TapDevice&) = delete;

  int fd() const { return fd_; }
  const std::string& name() const { return name_; }
  int ifindex() const { return ifindex_; }

 private:
  TapDevice(int fd, std::string name, int ifindex)
      : fd_(fd), name_(std::move(name)), ifindex_(ifindex) {}
  int fd_;
  std::string name_;
  int ifindex_;
};

// The words a user needs when the kernel says EPERM or EACCES.
std::string missing_capability_hint();

}  // namespace zt::stack::tap
