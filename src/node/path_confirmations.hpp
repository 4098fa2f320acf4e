#pragma once
// A path is learned only from an OK(HELLO) (vl1.md §18.2): a packet from an
// unknown endpoint is answered with a HELLO there, and the OK confirms it.
// If that HELLO or its OK is lost, upstream waits for the peer's next direct
// packet, which for a leaf behind its root can be 224 s away (the root then
// cannot relay to it). We retry the confirming HELLO a few times, backing
// off, until the path is learned. Bounded: the oldest entry gives way.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "node/node_host.hpp"
#include "proto/address.hpp"
#include "proto/inet_address.hpp"

namespace zt {

class PathConfirmations {
 public:
  static constexpr std::size_t kCapacity = 256;
  static constexpr int kMaxAttempts = 4;            // the first HELLO and three retries
  static constexpr std::int64_t kFirstRetryMs = 1000;  // then 2 s, then 4 s

  struct Due {
    Address peer;
    LocalSocket socket;
    InetAddress endpoint;
  };

  // A confirming HELLO went to `endpoint` for `peer`.
  void sent(std::int64_t now, Address peer, LocalSocket socket, const InetAddress& endpoint);
  // The path is learned (or the peer is gone): no more retries.
  void confirmed(Address peer, LocalSocket socket, const InetAddress& endpoint);
  void forget(Address peer);
  // Retries due by `now`; each is rescheduled (or dropped after the last).
  std::vector<Due> take_due(std::int64_t now);
  // When take_due next has something; kNever-like INT64_MAX when empty.
  std::int64_t next_due() const;
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    Address peer;
    LocalSocket socket;
    InetAddress endpoint;
    int attempts;
    std::int64_t due;
    std::int64_t first_sent;
  };
  std::vector<Entry> entries_;
};

}  // namespace zt
