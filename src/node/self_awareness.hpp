#pragma once
// What other nodes tell us our external (surface) address is, from HELLO and
// OK(HELLO) at hops 0 (vl1.md §18.4). Bounded: one entry per reporter and
// scope/family, at most kCapacity of them.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "node/path_policy.hpp"
#include "proto/address.hpp"
#include "proto/inet_address.hpp"

namespace zt {

class SelfAwareness {
 public:
  static constexpr std::size_t kCapacity = 64;

  // `reporter_path` is where the report came from, `surface` what it says
  // our address is. Returns true when an upstream now sees a different IP
  // than it did within kSelfAwarenessEntryTimeout: paths in that scope and
  // family may be stale (NAT rebinding) and should be contacted again.
  bool report(Address reporter, bool reporter_is_upstream, const InetAddress& reporter_path,
              const InetAddress& surface, std::int64_t now);

  // Distinct surface addresses reported within the timeout.
  std::vector<InetAddress> surface_addresses(std::int64_t now) const;
  void expire(std::int64_t now);

 private:
  struct Entry {
    Address reporter;
    IpScope scope;
    InetAddress::Family family;
    InetAddress surface;
    std::int64_t when;
  };
  std::vector<Entry> entries_;
};

}  // namespace zt
