#include "node/multicaster.hpp"

#include <algorithm>

#include "node/vl2_params.hpp"

namespace zt {

bool PendingMulticast::was_sent_to(Address a) const {
  return std::find(sent.begin(), sent.end(), a) != sent.end();
}

Multicaster::Group* Multicaster::find(std::uint64_t nwid, const MulticastGroup& group) {
  auto it = groups_.find(Key{nwid, group});
  return it == groups_.end() ? nullptr : &it->second;
}

const Multicaster::Group* Multicaster::find(std::uint64_t nwid, const MulticastGroup& group) const {
  auto it = groups_.find(Key{nwid, group});
  return it == groups_.end() ? nullptr : &it->second;
}

Multicaster::Group* Multicaster::find_or_create(std::uint64_t nwid, const MulticastGroup& group) {
  if (Group* g = find(nwid, group)) return g;
  if (groups_.size() >= vl2::kMaxMulticastGroups) return nullptr;
  return &groups_[Key{nwid, group}];
}

bool Multicaster::add(std::int64_t now, std::uint64_t nwid, const MulticastGroup& group,
                      Address member, Address self) {
  if (member == self || member.is_reserved()) return false;
  Group* g = find_or_create(nwid, group);
  if (!g) return false;
  auto it = std::lower_bound(g->members.begin(), g->members.end(), member,
                             [](const Member& m, Address a) { return m.address < a; });
  if (it != g->members.end() && it->address == member) {
    it->last_like = now;
    return false;
  }
  if (member_total_ >= vl2::kMaxMulticastMembers) return false;
  if (g->members.size() >= vl2::kMaxMembersPerGroup) {
    // The member heard from least recently makes room.
    auto oldest = std::min_element(g->members.begin(), g->members.end(),
                                   [](const Member& a, const Member& b) {
                                     return a.last_like < b.last_like;
                                   });
    g->members.erase(oldest);
    --member_total_;
    it = std::lower_bound(g->members.begin(), g->members.end(), member,
                          [](const Member& m, Address a) { return m.address < a; });
  }
  g->members.insert(it, Member{member, now});
  ++member_total_;
  return true;
}

void Multicaster::remove(std::uint64_t nwid, const MulticastGroup& group, Address member) {
  Group* g = find(nwid, group);
  if (!g) return;
  const std::size_t before = g->members.size();
  std::erase_if(g->members, [&](const Member& m) { return m.address == member; });
  member_total_ -= before - g->members.size();
}

std::vector<Address> Multicaster::members(std::uint64_t nwid, const MulticastGroup& group) const {
  std::vector<Address> out;
  if (const Group* g = find(nwid, group))
    for (const Member& m : g->members) out.push_back(m.address);
  return out;
}

GatherResult Multicaster::gather(Address requester, std::uint64_t nwid,
                                 const MulticastGroup& group, std::uint32_t limit,
                                 bool include_self, Address self,
                                 const std::function<std::uint64_t()>& random) const {
  GatherResult out;
  const std::size_t cap = std::min<std::size_t>({limit, 0xffff, kMaxGatherResults});
  if (cap == 0) return out;
  if (include_self) {
    out.members.push_back(self);
    ++out.total_known;
  }
  const Group* g = find(nwid, group);
  if (!g || g->members.empty()) return out;
  out.total_known += static_cast<std::uint32_t>(g->members.size());
  // A partial Fisher-Yates shuffle: distinct members in random order.
  std::vector<Address> pool;
  pool.reserve(g->members.size());
  for (const Member& m : g->members) pool.push_back(m.address);
  for (std::size_t i = 0; i < pool.size() && out.members.size() < cap; ++i) {
    const std::size_t j = i + static_cast<std::size_t>(random() % (pool.size() - i));
    std::swap(pool[i], pool[j]);
    if (pool[i] != requester) out.members.push_back(pool[i]);
  }
  return out;
}

std::int64_t Multicaster::last_explicit_gather(std::uint64_t nwid,
                                               const MulticastGroup& group) const {
  const Group* g = find(nwid, group);
  return g ? g->last_explicit_gather : kNever;
}

void Multicaster::explicit_gather_sent(std::int64_t now, std::uint64_t nwid,
                                       const MulticastGroup& group) {
  if (Group* g = find_or_create(nwid, group)) g->last_explicit_gather = now;
}

PendingMulticast* Multicaster::add_pending(PendingMulticast pending) {
  Group* g = find_or_create(pending.network_id, pending.group);
  if (!g) return nullptr;
  while (g->pending.size() >= vl2::kMaxPendingMulticasts) g->pending.pop_front();
  g->pending.push_back(std::move(pending));
  return &g->pending.back();
}

std::deque<PendingMulticast>* Multicaster::pending(std::uint64_t nwid,
                                                    const MulticastGroup& group) {
  Group* g = find(nwid, group);
  return g ? &g->pending : nullptr;
}

void Multicaster::clean(std::int64_t now) {
  for (auto it = groups_.begin(); it != groups_.end();) {
    Group& g = it->second;
    std::erase_if(g.pending, [&](const PendingMulticast& p) {
      return p.at_limit() || now - p.created >= vl2::kMulticastTransmitTimeout;
    });
    const std::size_t before = g.members.size();
    std::erase_if(g.members,
                  [&](const Member& m) { return now - m.last_like >= vl2::kMulticastLikeExpire; });
    member_total_ -= before - g.members.size();
    // A group keeps its gather time while it waits for replies.
    const bool gathering = now - g.last_explicit_gather < vl2::kMulticastExplicitGatherDelay;
    if (g.members.empty() && g.pending.empty() && !gathering) it = groups_.erase(it);
    else ++it;
  }
}

void Multicaster::forget_network(std::uint64_t nwid) {
  for (auto it = groups_.begin(); it != groups_.end();) {
    if (it->first.first == nwid) {
      member_total_ -= it->second.members.size();
      it = groups_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace zt
