#include "node/wait_queues.hpp"

#include "proto/constants.hpp"

namespace zt {

bool WhoisRequests::due(Address address, std::int64_t now) {
  for (Entry& e : entries_) {
    if (e.address != address) continue;
    if (now >= e.last_sent && now - e.last_sent < kWhoisRetryDelay) return false;
    e.last_sent = now;
    return true;
  }
  if (entries_.size() >= kCapacity) {
    entries_.erase(
        std::min_element(entries_.begin(), entries_.end(),
                         [](const Entry& a, const Entry& b) { return a.last_sent < b.last_sent; }));
  }
  entries_.push_back({address, now});
  return true;
}

void WhoisRequests::done(Address address) {
  std::erase_if(entries_, [&](const Entry& e) { return e.address == address; });
}

void WhoisRequests::expire(std::int64_t now) {
  std::erase_if(entries_,
                [&](const Entry& e) { return now - e.last_sent >= kTransmitQueueTimeout; });
}

void OutstandingEchoes::add(const Entry& entry) {
  if (entries_.size() >= kCapacity) entries_.erase(entries_.begin());  // oldest first
  entries_.push_back(entry);
}

std::optional<OutstandingEchoes::Entry> OutstandingEchoes::take(std::uint64_t id, Address from,
                                                                std::int64_t now) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->id != id || it->to != from) continue;
    Entry e = *it;
    entries_.erase(it);
    if (now - e.sent > kTimeout) return std::nullopt;
    return e;
  }
  return std::nullopt;
}

void OutstandingEchoes::expire(std::int64_t now) {
  std::erase_if(entries_, [&](const Entry& e) { return now - e.sent > kTimeout; });
}

}  // namespace zt
