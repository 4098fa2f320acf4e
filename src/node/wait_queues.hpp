#pragma once
// Small bounded tables of things waiting on the network: packets from
// sources whose identity we asked for, sends to peers we cannot reach yet,
// WHOIS requests in flight, and ECHOs awaiting their reply. All have fixed
// capacities; when full the oldest entry gives way.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "node/node_host.hpp"
#include "proto/address.hpp"
#include "proto/hex.hpp"
#include "proto/inet_address.hpp"
#include "proto/packet.hpp"

namespace zt {

// A received, still armored packet from an unknown source (§11).
struct HeldPacket {
  Address key;  // the source we sent a WHOIS for
  std::int64_t since = 0;
  LocalSocket socket = kAnySocket;
  InetAddress from;
  Bytes bytes;
};

// A send to a peer whose identity or route we are still looking for.
struct QueuedSend {
  Address key;  // the destination
  std::int64_t since = 0;
  Verb verb = Verb::kNop;
  Bytes payload;
};

// T needs `Address key` and `std::int64_t since`.
template <class T>
class WaitQueue {
 public:
  explicit WaitQueue(std::size_t capacity) : capacity_(capacity) {}

  // True when an older entry had to be dropped to make room.
  bool push(T&& entry) {
    bool evicted = false;
    if (entries_.size() >= capacity_) {
      entries_.erase(std::min_element(entries_.begin(), entries_.end(),
                                      [](const T& a, const T& b) { return a.since < b.since; }));
      evicted = true;
    }
    entries_.push_back(std::move(entry));
    return evicted;
  }

  std::vector<T> take(Address key) {
    std::vector<T> out;
    auto mid = std::stable_partition(entries_.begin(), entries_.end(),
                                     [&](const T& e) { return e.key != key; });
    std::move(mid, entries_.end(), std::back_inserter(out));
    entries_.erase(mid, entries_.end());
    return out;
  }

  // Drops entries older than `timeout`; returns how many.
  std::size_t expire(std::int64_t now, std::int64_t timeout) {
    return std::erase_if(entries_, [&](const T& e) { return now - e.since >= timeout; });
  }

  std::vector<Address> keys() const {
    std::vector<Address> out;
    for (const T& e : entries_)
      if (std::find(out.begin(), out.end(), e.key) == out.end()) out.push_back(e.key);
    return out;
  }

  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }

 private:
  std::size_t capacity_;
  std::vector<T> entries_;
};

// WHOIS requests in flight: one per address per kWhoisRetryDelay.
class WhoisRequests {
 public:
  static constexpr std::size_t kCapacity = 64;

  // True when a WHOIS for `address` should go out now (and records it).
  bool due(Address address, std::int64_t now);
  void done(Address address);
  void expire(std::int64_t now);
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    Address address;
    std::int64_t last_sent;
  };
  std::vector<Entry> entries_;
};

// ECHOs sent by Node::echo, matched by the id carried in their payload.
class OutstandingEchoes {
 public:
  static constexpr std::size_t kCapacity = 64;
  static constexpr std::int64_t kTimeout = 60000;  // replies later than this are ignored

  struct Entry {
    std::uint64_t id = 0;
    Address to;
    std::int64_t sent = 0;
  };

  void add(const Entry& entry);
  // The entry for `id` (removed), if one was sent to `from` and has not timed out.
  std::optional<Entry> take(std::uint64_t id, Address from, std::int64_t now);
  void expire(std::int64_t now);
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<Entry> entries_;
};

}  // namespace zt
