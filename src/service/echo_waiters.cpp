#include "service/echo_waiters.hpp"

namespace zt::service {

std::future<EchoWaiters::Result> EchoWaiters::add(std::uint64_t id, std::int64_t started_ns) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = waiters_.try_emplace(id, Waiter{started_ns, {}});
  if (!inserted) {
    std::promise<Result> taken;
    taken.set_value(std::nullopt);
    return taken.get_future();
  }
  return it->second.promise.get_future();
}

std::optional<std::int64_t> EchoWaiters::started_ns(std::uint64_t id) const {
  std::lock_guard lock(mutex_);
  auto it = waiters_.find(id);
  if (it == waiters_.end()) return std::nullopt;
  return it->second.started_ns;
}

bool EchoWaiters::complete(std::uint64_t id, const EchoReply& reply) {
  std::lock_guard lock(mutex_);
  auto it = waiters_.find(id);
  if (it == waiters_.end()) return false;
  it->second.promise.set_value(reply);
  waiters_.erase(it);
  return true;
}

void EchoWaiters::cancel(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  waiters_.erase(id);
}

void EchoWaiters::cancel_all() {
  std::lock_guard lock(mutex_);
  for (auto& [id, waiter] : waiters_) waiter.promise.set_value(std::nullopt);
  waiters_.clear();
}

std::size_t EchoWaiters::size() const {
  std::lock_guard lock(mutex_);
  return waiters_.size();
}

}  // namespace zt::service
