#include "io/poller.hpp"

#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/clock.hpp"

namespace zt::io {
namespace {

constexpr int kMaxEventsPerWait = 128;
constexpr std::uint64_t kWakeToken = 0;
constexpr std::int64_t kNsPerMs = 1000000;

}  // namespace

std::unique_ptr<Poller> Poller::start(const std::string& thread_name, std::string* error) {
  const int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) {
    if (error) *error = std::string("cannot create an epoll instance: ") + std::strerror(errno);
    return nullptr;
  }
  const int wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd < 0) {
    if (error) *error = std::string("cannot create an eventfd: ") + std::strerror(errno);
    close(epoll_fd);
    return nullptr;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeToken;
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev);
  std::unique_ptr<Poller> p(new Poller(epoll_fd, wake_fd));
  p->thread_ = std::thread([raw = p.get()] { raw->run(); });
  pthread_setname_np(p->thread_.native_handle(), thread_name.substr(0, 15).c_str());
  return p;
}

Poller::Poller(int epoll_fd, int wake_fd) : epoll_fd_(epoll_fd), wake_fd_(wake_fd) {}

Poller::~Poller() {
  stopping_.store(true);
  wake();
  if (thread_.joinable()) thread_.join();
  close(wake_fd_);
  close(epoll_fd_);
}

std::uint64_t Poller::add(int fd, std::uint32_t events, Handler handler) {
  const std::uint64_t token = next_token_.fetch_add(1);
  {
    std::lock_guard lock(handlers_mutex_);
    handlers_[token] = std::make_shared<Handler>(std::move(handler));
  }
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = token;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    std::lock_guard lock(handlers_mutex_);
    handlers_.erase(token);
    return 0;
  }
  return token;
}

bool Poller::modify(int fd, std::uint64_t token, std::uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = token;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void Poller::remove(int fd, std::uint64_t token) {
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  std::lock_guard lock(handlers_mutex_);
  handlers_.erase(token);
}

void Poller::post(std::function<void()> fn) {
  bool was_empty;
  {
    std::lock_guard lock(posted_mutex_);
    was_empty = posted_.empty();
    posted_.push_back(std::move(fn));
  }
  if (was_empty) wake();
}

void Poller::wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
}

std::uint64_t Poller::schedule_after(std::int64_t delay_ms, std::function<void()> fn) {
  const std::uint64_t id = next_timer_++;
  const std::int64_t deadline = monotonic_ns() + delay_ms * kNsPerMs;
  timers_.emplace(std::make_pair(deadline, id), std::move(fn));
  timer_deadlines_.emplace(id, deadline);
  return id;
}

void Poller::cancel(std::uint64_t timer) {
  auto it = timer_deadlines_.find(timer);
  if (it == timer_deadlines_.end()) return;
  timers_.erase(std::make_pair(it->second, timer));
  timer_deadlines_.erase(it);
}

int Poller::next_timeout_ms() const {
  if (timers_.empty()) return -1;
  const std::int64_t left = timers_.begin()->first.first - monotonic_ns();
  if (left <= 0) return 0;
  return static_cast<int>((left + kNsPerMs - 1) / kNsPerMs);
}

void Poller::fire_timers() {
  const std::int64_t now = monotonic_ns();
  while (!timers_.empty() && timers_.begin()->first.first <= now) {
    auto node = timers_.extract(timers_.begin());
    timer_deadlines_.erase(node.key().second);
    node.mapped()();
  }
}

void Poller::run_posted() {
  std::vector<std::function<void()>> work;
  {
    std::lock_guard lock(posted_mutex_);
    work.swap(posted_);
  }
  for (auto& fn : work) fn();
}

void Poller::run() {
  epoll_event events[kMaxEventsPerWait];
  while (!stopping_.load()) {
    const int n = epoll_wait(epoll_fd_, events, kMaxEventsPerWait, next_timeout_ms());
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < n; ++i) {
      const std::uint64_t token = events[i].data.u64;
      if (token == kWakeToken) {
        std::uint64_t count;
        [[maybe_unused]] ssize_t r = read(wake_fd_, &count, sizeof count);
        continue;
      }
      std::shared_ptr<Handler> handler;
      {
        std::lock_guard lock(handlers_mutex_);
        auto it = handlers_.find(token);
        if (it == handlers_.end()) continue;  // removed earlier in this batch
        handler = it->second;
      }
      (*handler)(events[i].events);
    }
    run_posted();
    fire_timers();
  }
  run_posted();
}

}  // namespace zt::io
