#pragma once
// A single-threaded epoll loop: readable fds, one-shot timers, work posted
// from other threads, and SIGINT/SIGTERM as ordinary events. It sleeps until
// an fd is readable, work is posted or the earliest timer is due; an idle
// loop with no timers never wakes up.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace zt::io {

using TimerId = std::uint64_t;

class EventLoop {
 public:
  // nullptr (with *error) if the kernel refuses an epoll or eventfd.
  static std::unique_ptr<EventLoop> create(std::string* error = nullptr);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Loop thread only. Level-triggered: on_readable runs on every pass while
  // fd has data (or an error), so it need not drain everything at once.
  bool add_reader(int fd, std::function<void()> on_readable, std::string* error = nullptr);
  // False if fd was not registered. Does not close fd.
  bool remove(int fd);

  // Loop thread only. when_ms is on the engine's clock (now_ms()); it is
  // turned into a monotonic deadline at once, so a later step of the wall
  // clock neither stalls timers nor fires them early. Timers due together
  // fire in deadline order, then in scheduling order. Ids are never 0.
  TimerId schedule_at(std::int64_t when_ms, std::function<void()> fn);
  // delay_ms from now, measured on the monotonic clock.
  TimerId schedule_after(std::int64_t delay_ms, std::function<void()> fn);
  // False if the timer already fired, was cancelled, or never existed.
  bool cancel(TimerId id);
  std::size_t pending_timers() const { return timers_.size(); }

  // Any thread: runs fn on the loop thread soon, in posting order.
  void post(std::function<void()> fn);

  // Any thread: runs fn at once on the calling thread if the loop is
  // between passes (asleep in epoll, or not running), holding the loop's
  // pass lock, so fn is serialized with everything the loop runs; returns
  // true. Inside a pass on the loop thread fn simply runs. Returns false without
  // running fn while the loop (or another thread) is in a pass: post or
  // queue the work then. For a hot path that should not wait for the loop
  // thread to wake up; fn must be short and must not wait for the loop.
  // fn may change what the loop would do (an earlier timer): it must then
  // wake the loop (post) so the loop looks again.
  template <typename F>
  bool try_run_inline(F&& fn);
  // Runs fn on this thread holding the pass lock, waiting for it: for
  // tearing down what inline work uses, on the loop thread or with the loop
  // stopped (from another thread while the loop runs it waits for a pass
  // to end). fn must not wait for anything inline work holds.
  template <typename F>
  void with_pass_lock(F&& fn);

  // Any thread: runs fn on the loop thread and returns its result (true for
  // a void fn), or nullopt/false if it did not start within `timeout` (it
  // then never runs). Once started it is waited for, so fn may safely refer
  // to the caller's locals. On the loop thread itself fn runs directly.
  template <typename F>
  auto run_sync(F&& fn, std::chrono::milliseconds timeout);

  // Blocks `signals` on the calling thread and receives them through a
  // signalfd instead, calling on_signal(signo) on the loop thread. Call it
  // before starting other threads so they inherit the mask; otherwise a
  // thread that does not block the signal may take it the default way.
  bool handle_signals(std::initializer_list<int> signals, std::function<void(int)> on_signal,
                      std::string* error = nullptr);
  // handle_signals({SIGINT, SIGTERM}) with stop() as the handler.
  bool stop_on_signals(std::string* error = nullptr);

  // Loop thread only, or before run(). Runs fn on every pass, after the
  // ready fds and due timers and before the loop sleeps again: the place to
  // flush work batched during the pass and to re-arm timers it moved.
  // Returns an id for remove_before_wait (never 0).
  std::uint64_t add_before_wait(std::function<void()> fn);
  void remove_before_wait(std::uint64_t id);
  // Loop thread only, or before run(). Runs fn on every pass after the
  // before_wait hooks, once the pass lock is released: for work that other
  // threads should not wait behind to run inline (frames handed to a stack
  // whose threads answer at once). fn runs on the loop thread but may touch
  // what the pass lock guards only through try_run_inline. Same ids as
  // add_before_wait (remove_before_wait removes either kind).
  std::uint64_t add_unlocked_before_wait(std::function<void()> fn);

  // Runs until stop(). A stop() that comes before run() makes it return at once.
  void run();
  // Any thread, and async-signal-safe (an atomic store and a write()).
  void stop();

  bool in_loop_thread() const { return loop_thread_.load() == std::this_thread::get_id(); }
  // How many times the loop has woken up (an idle loop should not).
  std::uint64_t wakeups() const { return wakeups_.load(); }

 private:
  struct Reader {
    int fd;
    std::function<void()> on_readable;
  };
  enum : int { kPending, kRunning, kAbandoned };

  EventLoop(int epoll_fd, int wake_fd);
  void wake();
  void on_wake();
  int next_timeout_ms() const;
  // Waits (without the pass lock), then runs the ready readers (with it).
  void dispatch_ready(int timeout_ms, std::unique_lock<std::mutex>& pass);
  void fire_due_timers();
  std::int64_t to_monotonic_ns(std::int64_t when_ms);
  TimerId add_timer(std::int64_t deadline_ns, std::function<void()> fn);

  int epoll_fd_;
  int wake_fd_;
  std::vector<int> signal_fds_;
  bool signal_mask_saved_ = false;
  std::thread::id signal_thread_;
  sigset_t saved_mask_{};

  // Keyed by a registration serial (not the fd) so an event for a removed
  // fd whose number was reused is not given to the new reader.
  std::unordered_map<std::uint64_t, std::shared_ptr<Reader>> readers_;
  std::unordered_map<int, std::uint64_t> serial_by_fd_;
  std::uint64_t next_serial_ = 1;

  std::vector<std::pair<std::uint64_t, std::function<void()>>> before_wait_;
  std::vector<std::pair<std::uint64_t, std::function<void()>>> unlocked_before_wait_;
  std::uint64_t next_hook_id_ = 1;
  std::map<std::pair<std::int64_t, TimerId>, std::function<void()>> timers_;
  std::unordered_map<TimerId, std::int64_t> timer_deadlines_;  // monotonic ns
  TimerId next_timer_id_ = 1;
  std::int64_t wall_offset_ns_;  // wall_ns() - monotonic_ns(), see to_monotonic_ns

  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;

  // Held by the loop thread except while it waits (and runs the unlocked
  // hooks), and by try_run_inline; pass_owner_ is the thread holding it.
  std::mutex pass_mutex_;
  std::atomic<std::thread::id> pass_owner_{};

  std::atomic<bool> stop_requested_{false};
  std::atomic<std::thread::id> loop_thread_{};
  std::atomic<std::uint64_t> wakeups_{0};
};

template <typename F>
bool EventLoop::try_run_inline(F&& fn) {
  const std::thread::id me = std::this_thread::get_id();
  if (pass_owner_.load(std::memory_order_relaxed) == me) {
    fn();  // already holding the pass lock (the loop's own pass, or nested)
    return true;
  }
  std::unique_lock pass(pass_mutex_, std::try_to_lock);
  if (!pass.owns_lock()) return false;
  pass_owner_.store(me, std::memory_order_relaxed);
  fn();
  pass_owner_.store(std::thread::id(), std::memory_order_relaxed);
  return true;
}

template <typename F>
void EventLoop::with_pass_lock(F&& fn) {
  const std::thread::id me = std::this_thread::get_id();
  if (pass_owner_.load(std::memory_order_relaxed) == me) {
    fn();
    return;
  }
  std::unique_lock pass(pass_mutex_);
  pass_owner_.store(me, std::memory_order_relaxed);
  fn();
  pass_owner_.store(std::thread::id(), std::memory_order_relaxed);
}

template <typename F>
auto EventLoop::run_sync(F&& fn, std::chrono::milliseconds timeout) {
  using R = std::invoke_result_t<F&>;
  static_assert(!std::is_reference_v<R>, "run_sync returns results by value");
  using Out = std::conditional_t<std::is_void_v<R>, bool, std::optional<R>>;
  if (in_loop_thread()) {
    if constexpr (std::is_void_v<R>) {
      fn();
      return Out(true);
    } else {
      return Out(fn());
    }
  }
  struct State {
    std::atomic<int> phase{kPending};
    std::promise<R> done;
  };
  auto state = std::make_shared<State>();
  auto result = state->done.get_future();
  post([state, &fn] {
    int expected = kPending;
    if (!state->phase.compare_exchange_strong(expected, kRunning)) return;
    try {
      if constexpr (std::is_void_v<R>) {
        fn();
        state->done.set_value();
      } else {
        state->done.set_value(fn());
      }
    } catch (...) {
      state->done.set_exception(std::current_exception());
    }
  });
  if (result.wait_for(timeout) != std::future_status::ready) {
    int expected = kPending;
    if (state->phase.compare_exchange_strong(expected, kAbandoned)) return Out{};
    result.wait();  // already running: it may be using our references
  }
  // Rethrows what fn threw.
  if constexpr (std::is_void_v<R>) {
    result.get();
    return Out(true);
  } else {
    return Out(result.get());
  }
}

}  // namespace zt::io
