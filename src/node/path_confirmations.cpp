#include "node/path_confirmations.hpp"

#include <algorithm>
#include <limits>

namespace zt {

void PathConfirmations::sent(std::int64_t now, Address peer, LocalSocket socket,
                             const InetAddress& endpoint) {
  for (const Entry& e : entries_)
    if (e.peer == peer && e.socket == socket && e.endpoint == endpoint) return;  // retries run
  if (entries_.size() >= kCapacity) {
    entries_.erase(std::min_element(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
      return a.first_sent < b.first_sent;
    }));
  }
  entries_.push_back({peer, socket, endpoint, 1, now + kFirstRetryMs, now});
}

void PathConfirmations::confirmed(Address peer, LocalSocket socket, const InetAddress& endpoint) {
  std::erase_if(entries_, [&](const Entry& e) {
    return e.peer == peer && e.socket == socket && e.endpoint == endpoint;
  });
}

void PathConfirmations::forget(Address peer) {
  std::erase_if(entries_, [&](const Entry& e) { return e.peer == peer; });
}

std::vector<PathConfirmations::Due> PathConfirmations::take_due(std::int64_t now) {
  std::vector<Due> out;
  for (Entry& e : entries_) {
    if (e.due > now) continue;
    out.push_back({e.peer, e.socket, e.endpoint});
    e.due = now + (kFirstRetryMs << e.attempts);
    ++e.attempts;
  }
  std::erase_if(entries_, [](const Entry& e) { return e.attempts > kMaxAttempts; });
  return out;
}

std::int64_t PathConfirmations::next_due() const {
  std::int64_t next = std::numeric_limits<std::int64_t>::max();
  for (const Entry& e : entries_) next = std::min(next, e.due);
  return next;
}

}  // namespace zt
