#pragma once
// An epoll loop on a thread of its own, for relays of many fds: read and
// write interest per fd, which any thread may change (the stack's
// callbacks pause and resume a relay from whatever thread holds its lock),
// work posted from other threads, and one-shot timers. EventLoop is the
// node's loop (readers only, loop thread only); this one serves the
// intercept and SOCKS5 sides of the service.
#include <sys/epoll.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace zt::io {

class Poller {
 public:
  // Called on the poller thread with the ready epoll events.
  using Handler = std::function<void(std::uint32_t events)>;

  // Starts the thread. nullptr with *error if epoll or eventfd is refused.
  static std::unique_ptr<Poller> start(const std::string& thread_name, std::string* error);
  // Stops and joins the thread; fds still registered are not closed.
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // Any thread. Returns a token for modify/remove (never 0), or 0 if the
  // kernel refused the fd. The handler runs until remove().
  std::uint64_t add(int fd, std::uint32_t events, Handler handler);
  // Any thread; the caller guarantees fd is still the one registered.
  bool modify(int fd, std::uint64_t token, std::uint32_t events);
  // Any thread; call before closing fd. Events already fetched for it are
  // dropped, so its handler does not run afterwards (unless it is running
  // at this very moment on the poller thread, i.e. remove() comes from it).
  void remove(int fd, std::uint64_t token);

  // Any thread: fn runs on the poller thread soon, in posting order.
  void post(std::function<void()> fn);
  // Poller thread only: fn runs once, delay_ms from now. Returns an id for
  // cancel (never 0).
  std::uint64_t schedule_after(std::int64_t delay_ms, std::function<void()> fn);
  void cancel(std::uint64_t timer);

  bool in_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  Poller(int epoll_fd, int wake_fd);
  void run();
  void wake();
  void run_posted();
  int next_timeout_ms() const;
  void fire_timers();

  int epoll_fd_;
  int wake_fd_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;

  std::mutex handlers_mutex_;
  std::unordered_map<std::uint64_t, std::shared_ptr<Handler>> handlers_;
  std::atomic<std::uint64_t> next_token_{1};

  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;

  // Poller thread only.
  std::map<std::pair<std::int64_t, std::uint64_t>, std::function<void()>> timers_;
  std::unordered_map<std::uint64_t, std::int64_t> timer_deadlines_;
  std::uint64_t next_timer_ = 1;
};

}  // namespace zt::io
