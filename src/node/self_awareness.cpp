#include "node/self_awareness.hpp"

#include <algorithm>

#include "proto/constants.hpp"

namespace zt {

bool SelfAwareness::report(Address reporter, bool reporter_is_upstream,
                           const InetAddress& reporter_path, const InetAddress& surface,
                           std::int64_t now) {
  const IpScope scope = ip_scope(surface);
  if (scope != ip_scope(reporter_path) || scope == IpScope::kNone || scope == IpScope::kLoopback ||
      scope == IpScope::kMulticast)
    return false;
  for (Entry& e : entries_) {
    if (e.reporter != reporter || e.scope != scope || e.family != surface.family()) continue;
    const bool changed = !same_ip(e.surface, surface) && now - e.when < kSelfAwarenessEntryTimeout;
    e.surface = surface;
    e.when = now;
    return changed && reporter_is_upstream;
  }
  if (entries_.size() >= kCapacity) {
    entries_.erase(
        std::min_element(entries_.begin(), entries_.end(),
                         [](const Entry& a, const Entry& b) { return a.when < b.when; }));
  }
  entries_.push_back({reporter, scope, surface.family(), surface, now});
  return false;
}

std::vector<InetAddress> SelfAwareness::surface_addresses(std::int64_t now) const {
  std::vector<InetAddress> out;
  for (const Entry& e : entries_) {
    if (now - e.when >= kSelfAwarenessEntryTimeout) continue;
    if (std::find(out.begin(), out.end(), e.surface) == out.end()) out.push_back(e.surface);
  }
  return out;
}

void SelfAwareness::expire(std::int64_t now) {
  std::erase_if(entries_,
                [&](const Entry& e) { return now - e.when >= kSelfAwarenessEntryTimeout; });
}

}  // namespace zt
