#pragma once
// A NETLINK_ROUTE socket that sends one request at a time and waits for
// the kernel's ack: how the tap driver changes links, addresses and routes.
#include <cstdint>
#include <memory>
#include <string>

#include "stack/tap/netlink_messages.hpp"

namespace zt::stack::tap {

class RouteNetlink {
 public:
  // nullptr with *error if the kernel gives no netlink socket.
  static std::unique_ptr<RouteNetlink> open(std::string* error);
  ~RouteNetlink();
  RouteNetlink(const RouteNetlink&) = delete;
  RouteNetlink& operator=(const RouteNetlink&) = delete;

  // The sequence number the next request must carry.
  std::uint32_t next_seq() { return ++seq_; }
  // Sends `request` (built with next_seq()) and returns the kernel's answer:
  // 0, or an errno (ETIMEDOUT when no ack came within a few seconds).
  int transact(const NetlinkBytes& request);

 private:
  explicit RouteNetlink(int fd) : fd_(fd) {}
  int fd_;
  std::uint32_t seq_ = 0;
};

}  // namespace zt::stack::tap
