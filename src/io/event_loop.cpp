#include "io/event_loop.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "io/clock.hpp"

namespace zt::io {
namespace {

constexpr int kMaxEventsPerWait = 64;
constexpr std::int64_t kNsPerMs = 1000000;

void set_error(std::string* error, const std::string& what) {
  if (error) *error = what + ": " + std::strerror(errno);
}

}  // namespace

std::unique_ptr<EventLoop> EventLoop::create(std::string* error) {
  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) {
    set_error(error, "cannot create an epoll instance");
    return nullptr;
  }
  int wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd < 0) {
    set_error(error, "cannot create an eventfd");
    close(epoll_fd);
    return nullptr;
  }
  std::unique_ptr<EventLoop> loop(new EventLoop(epoll_fd, wake_fd));
  if (!loop->add_reader(wake_fd, [raw = loop.get()] { raw->on_wake(); }, error)) return nullptr;
  return loop;
}

EventLoop::EventLoop(int epoll_fd, int wake_fd)
    : epoll_fd_(epoll_fd), wake_fd_(wake_fd), wall_offset_ns_(wall_ns() - monotonic_ns()) {}

EventLoop::~EventLoop() {
  for (int fd : signal_fds_) close(fd);
  if (signal_mask_saved_ && signal_thread_ == std::this_thread::get_id())
    pthread_sigmask(SIG_SETMASK, &saved_mask_, nullptr);
  close(wake_fd_);
  close(epoll_fd_);
}

bool EventLoop::add_reader(int fd, std::function<void()> on_readable, std::string* error) {
  if (serial_by_fd_.count(fd)) {
    if (error) *error = "fd " + std::to_string(fd) + " is already registered";
    return false;
  }
  const std::uint64_t serial = next_serial_++;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = serial;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    set_error(error, "cannot watch fd " + std::to_string(fd));
    return false;
  }
  readers_[serial] = std::make_shared<Reader>(Reader{fd, std::move(on_readable)});
  serial_by_fd_[fd] = serial;
  return true;
}

bool EventLoop::remove(int fd) {
  auto it = serial_by_fd_.find(fd);
  if (it == serial_by_fd_.end()) return false;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  readers_.erase(it->second);
  serial_by_fd_.erase(it);
  return true;
}

std::int64_t EventLoop::to_monotonic_ns(std::int64_t when_ms) {
  // The wall-to-monotonic offset is kept while it holds to within a
  // millisecond: re-measured every time, it jitters by the nanoseconds
  // between the two clock reads, and timers due at the same when_ms could
  // then fire out of scheduling order. A real clock step moves it further.
  const std::int64_t measured = wall_ns() - monotonic_ns();
  if (std::llabs(measured - wall_offset_ns_) > kNsPerMs) wall_offset_ns_ = measured;
  // One extra millisecond covers that tolerance, so a timer never fires
  // while now_ms() still reads less than when_ms.
  return when_ms * kNsPerMs - wall_offset_ns_ + kNsPerMs;
}

TimerId EventLoop::schedule_at(std::int64_t when_ms, std::function<void()> fn) {
  return add_timer(to_monotonic_ns(when_ms), std::move(fn));
}

TimerId EventLoop::schedule_after(std::int64_t delay_ms, std::function<void()> fn) {
  return add_timer(monotonic_ns() + delay_ms * kNsPerMs, std::move(fn));
}

TimerId EventLoop::add_timer(std::int64_t deadline_ns, std::function<void()> fn) {
  const TimerId id = next_timer_id_++;
  timers_.emplace(std::make_pair(deadline_ns, id), std::move(fn));
  timer_deadlines_.emplace(id, deadline_ns);
  return id;
}

bool EventLoop::cancel(TimerId id) {
  auto it = timer_deadlines_.find(id);
  if (it == timer_deadlines_.end()) return false;
  timers_.erase(std::make_pair(it->second, id));
  timer_deadlines_.erase(it);
  return true;
}

void EventLoop::post(std::function<void()> fn) {
  bool was_empty;
  {
    std::lock_guard lock(posted_mutex_);
    was_empty = posted_.empty();
    posted_.push_back(std::move(fn));
  }
  // A non-empty queue already has a wakeup pending (on_wake drains the
  // eventfd before taking the queue).
  if (was_empty) wake();
}

void EventLoop::wake() {
  const std::uint64_t one = 1;
  // Fails only if the counter is saturated, and then a wakeup is pending anyway.
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
}

void EventLoop::on_wake() {
  std::uint64_t count;
  [[maybe_unused]] ssize_t n = read(wake_fd_, &count, sizeof count);
  std::vector<std::function<void()>> work;
  {
    std::lock_guard lock(posted_mutex_);
    work.swap(posted_);
  }
  for (auto& fn : work) fn();
}

bool EventLoop::handle_signals(std::initializer_list<int> signals,
                               std::function<void(int)> on_signal, std::string* error) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : signals) sigaddset(&set, s);
  sigset_t old;
  if (int rc = pthread_sigmask(SIG_BLOCK, &set, &old); rc != 0) {
    errno = rc;
    set_error(error, "cannot block signals");
    return false;
  }
  if (!signal_mask_saved_) {
    saved_mask_ = old;
    signal_mask_saved_ = true;
    signal_thread_ = std::this_thread::get_id();
  }
  int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) {
    set_error(error, "cannot create a signalfd");
    return false;
  }
  auto on_readable = [fd, on_signal = std::move(on_signal)] {
    signalfd_siginfo info;
    while (read(fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info))
      on_signal(static_cast<int>(info.ssi_signo));
  };
  if (!add_reader(fd, std::move(on_readable), error)) {
    close(fd);
    return false;
  }
  signal_fds_.push_back(fd);
  return true;
}

bool EventLoop::stop_on_signals(std::string* error) {
  return handle_signals({SIGINT, SIGTERM}, [this](int) { stop(); }, error);
}

void EventLoop::stop() {
  stop_requested_.store(true);
  wake();
}

int EventLoop::next_timeout_ms() const {
  if (timers_.empty()) return -1;
  const std::int64_t wait_ns = timers_.begin()->first.first - monotonic_ns();
  if (wait_ns <= 0) return 0;
  // Rounded up: waking a little early would only cost another pass.
  const std::int64_t wait_ms = (wait_ns + kNsPerMs - 1) / kNsPerMs;
  return wait_ms > INT_MAX ? INT_MAX : static_cast<int>(wait_ms);
}

void EventLoop::dispatch_ready(int timeout_ms, std::unique_lock<std::mutex>& pass) {
  epoll_event events[kMaxEventsPerWait];
  pass_owner_.store(std::thread::id(), std::memory_order_relaxed);
  pass.unlock();
  for (std::size_t i = 0; i < unlocked_before_wait_.size(); ++i) {
    auto fn = unlocked_before_wait_[i].second;
    fn();
  }
  const int n = epoll_wait(epoll_fd_, events, kMaxEventsPerWait, timeout_ms);
  pass.lock();
  pass_owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  wakeups_.fetch_add(1, std::memory_order_relaxed);
  for (int i = 0; i < n; ++i) {
    if (stop_requested_.load()) return;
    auto it = readers_.find(events[i].data.u64);
    if (it == readers_.end()) continue;  // removed by an earlier callback
    std::shared_ptr<Reader> reader = it->second;  // survives its own remove()
    reader->on_readable();
  }
}

void EventLoop::fire_due_timers() {
  const std::int64_t now = monotonic_ns();
  // Timers scheduled by these callbacks wait for the next pass, so one that
  // keeps rescheduling itself in the past cannot starve the fds.
  const TimerId first_new = next_timer_id_;
  while (!timers_.empty() && !stop_requested_.load()) {
    auto it = timers_.begin();
    if (it->first.first > now || it->first.second >= first_new) break;
    std::function<void()> fn = std::move(it->second);
    timer_deadlines_.erase(it->first.second);
    timers_.erase(it);
    fn();
  }
}

std::uint64_t EventLoop::add_before_wait(std::function<void()> fn) {
  const std::uint64_t id = next_hook_id_++;
  before_wait_.emplace_back(id, std::move(fn));
  return id;
}

std::uint64_t EventLoop::add_unlocked_before_wait(std::function<void()> fn) {
  const std::uint64_t id = next_hook_id_++;
  unlocked_before_wait_.emplace_back(id, std::move(fn));
  return id;
}

void EventLoop::remove_before_wait(std::uint64_t id) {
  std::erase_if(before_wait_, [id](const auto& hook) { return hook.first == id; });
  std::erase_if(unlocked_before_wait_, [id](const auto& hook) { return hook.first == id; });
}

void EventLoop::run() {
  std::unique_lock pass(pass_mutex_);
  pass_owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  loop_thread_.store(std::this_thread::get_id());
  while (!stop_requested_.load()) {
    // By index: a hook may remove itself or add another.
    for (std::size_t i = 0; i < before_wait_.size(); ++i) {
      auto fn = before_wait_[i].second;
      fn();
    }
    dispatch_ready(next_timeout_ms(), pass);
    fire_due_timers();
  }
  stop_requested_.store(false);
  loop_thread_.store(std::thread::id());
  pass_owner_.store(std::thread::id(), std::memory_order_relaxed);
}

}  // namespace zt::io
