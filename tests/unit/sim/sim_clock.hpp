#pragma once
// The simulator's virtual clock: a queue of actions ordered by time, with
// ties run in the order they were scheduled so every run is reproducible.
#include <cstdint>
#include <functional>
#include <vector>

namespace zt::sim {

using Time = std::int64_t;  // virtual milliseconds

class EventQueue {
 public:
  explicit EventQueue(Time start = 0) : now_(start) {}

  Time now() const { return now_; }
  std::size_t pending() const { return heap_.size(); }
  std::uint64_t executed() const { return executed_; }

  // An action in the past runs at the current time (never rewinds the clock).
  void schedule(Time at, std::function<void()> action);
  void schedule_in(Time delay, std::function<void()> action) {
    schedule(now_ + delay, std::move(action));
  }

  // Runs the earliest action; false if there is none.
  bool run_next();
  // Runs everything due at or before `until`, then sets the clock to `until`.
  void run_until(Time until);
  void run_for(Time duration) { run_until(now_ + duration); }
  // Runs actions until `done()` holds (checked after each action) or the clock
  // would pass `deadline`. Returns done().
  bool run_until(Time deadline, const std::function<bool()>& done);

 private:
  struct Item {
    Time at;
    std::uint64_t seq;
    std::function<void()> action;
  };
  // std::push_heap keeps the greatest on top; "greater" here means "later".
  static bool later(const Item& a, const Item& b) {
    return a.at != b.at ? a.at > b.at : a.seq > b.seq;
  }

  std::vector<Item> heap_;
  Time now_ = 0;
  std::uint64_t next_seq_ = 0;
  std::uint64_t executed_ = 0;
};

}  // namespace zt::sim
