#pragma once
// Who subscribes to which multicast group, for every network we hear of
// (vl2.md §12): LIKEs and gather replies add members, which expire after
// 600 s. Roots keep this for networks they are not on, so it is keyed by
// network id and lives beside the networks, not in them. It also keeps the
// multicasts sent in the last 5 s so that members learned from late gather
// replies still get them. Pure bookkeeping: the VL2 engine sends.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "node/path.hpp"
#include "proto/address.hpp"
#include "proto/hex.hpp"
#include "proto/verbs/multicast.hpp"

namespace zt {

// A multicast sent recently, waiting for more recipients.
struct PendingMulticast {
  std::int64_t created = 0;
  std::uint64_t network_id = 0;
  MulticastGroup group;
  MacAddress source;  // nil: our own MAC (not bridged)
  std::uint16_t ethertype = 0;
  Bytes data;
  std::size_t limit = 0;
  std::uint32_t gather_limit = 0;
  std::vector<Address> sent;  // recipients so far (and the origin)

  bool at_limit() const { return sent.size() >= limit; }
  bool was_sent_to(Address a) const;
};

class Multicaster {
 public:
  // Most members a gather reply carries: one packet's worth.
  static constexpr std::size_t kMaxGatherResults = 1990;

  // Adds or refreshes `member`; false when it was known already or there
  // is no room. Never adds `self`.
  bool add(std::int64_t now, std::uint64_t nwid, const MulticastGroup& group, Address member,
           Address self);
  void remove(std::uint64_t nwid, const MulticastGroup& group, Address member);
  std::vector<Address> members(std::uint64_t nwid, const MulticastGroup& group) const;

  // §12.3 gather: ourselves first when `include_self`, then distinct known
  // members in random order, never `requester`, at most `limit` (and
  // kMaxGatherResults) in all. total_known counts ourselves too.
  GatherResult gather(Address requester, std::uint64_t nwid, const MulticastGroup& group,
                      std::uint32_t limit, bool include_self, Address self,
                      const std::function<std::uint64_t()>& random) const;

  // Explicit GATHERs for a group: when the last one went (kNever if never).
  std::int64_t last_explicit_gather(std::uint64_t nwid, const MulticastGroup& group) const;
  void explicit_gather_sent(std::int64_t now, std::uint64_t nwid, const MulticastGroup& group);

  // Recent multicasts of a group; the oldest gives way beyond the queue size.
  PendingMulticast* add_pending(PendingMulticast pending);
  std::deque<PendingMulticast>* pending(std::uint64_t nwid, const MulticastGroup& group);

  // Expires members, finished or old pending sends, and empty groups.
  void clean(std::int64_t now);
  // Everything of one network (we left it).
  void forget_network(std::uint64_t nwid);

  std::size_t group_count() const { return groups_.size(); }
  std::size_t member_count() const { return member_total_; }

 private:
  struct Member {
    Address address;
    std::int64_t last_like = 0;
  };
  struct Group {
    std::vector<Member> members;  // sorted by address
    std::int64_t last_explicit_gather = kNever;
    std::deque<PendingMulticast> pending;
  };
  using Key = std::pair<std::uint64_t, MulticastGroup>;

  Group* find(std::uint64_t nwid, const MulticastGroup& group);
  const Group* find(std::uint64_t nwid, const MulticastGroup& group) const;
  Group* find_or_create(std::uint64_t nwid, const MulticastGroup& group);

  std::map<Key, Group> groups_;
  std::size_t member_total_ = 0;
};

}  // namespace zt
