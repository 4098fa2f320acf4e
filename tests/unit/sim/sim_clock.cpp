#include "sim/sim_clock.hpp"

#include <algorithm>

namespace zt::sim {

void EventQueue::schedule(Time at, std::function<void()> action) {
  heap_.push_back(Item{std::max(at, now_), next_seq_++, std::move(action)});
  std::push_heap(heap_.begin(), heap_.end(), later);
}

bool EventQueue::run_next() {
  if (heap_.empty()) return false;
  std::pop_heap(heap_.begin(), heap_.end(), later);
  Item item = std::move(heap_.back());
  heap_.pop_back();
  now_ = item.at;
  ++executed_;
  item.action();
  return true;
}

void EventQueue::run_until(Time until) {
  while (!heap_.empty() && heap_.front().at <= until) run_next();
  now_ = std::max(now_, until);
}

bool EventQueue::run_until(Time deadline, const std::function<bool()>& done) {
  if (done()) return true;
  while (!heap_.empty() && heap_.front().at <= deadline) {
    run_next();
    if (done()) return true;
  }
  now_ = std::max(now_, deadline);
  return done();
}

}  // namespace zt::sim
