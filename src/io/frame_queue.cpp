#include "io/frame_queue.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace zt::io {

std::unique_ptr<FrameQueue> FrameQueue::create(EventLoop& loop, Consumer consumer,
                                               std::size_t capacity_bytes, std::string* error) {
  const int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) {
    if (error) *error = std::string("cannot create an eventfd: ") + std::strerror(errno);
    return nullptr;
  }
  std::unique_ptr<FrameQueue> q(new FrameQueue(loop, fd, std::move(consumer), capacity_bytes));
  if (!loop.add_reader(fd, [raw = q.get()] { raw->drain(); }, error)) return nullptr;
  return q;
}

FrameQueue::FrameQueue(EventLoop& loop, int event_fd, Consumer consumer, std::size_t capacity)
    : loop_(loop), event_fd_(event_fd), consumer_(std::move(consumer)), capacity_(capacity) {}

FrameQueue::~FrameQueue() {
  loop_.remove(event_fd_);
  close(event_fd_);
}

bool FrameQueue::push(std::uint64_t tag, std::span<const std::uint8_t> frame) {
  bool was_empty = false;
  {
    std::lock_guard lock(mutex_);
    if (arena_.size() + frame.size() > capacity_) {
      ++dropped_;
      return false;
    }
    was_empty = entries_.empty();
    entries_.push_back({tag, arena_.size(), frame.size()});
    arena_.insert(arena_.end(), frame.begin(), frame.end());
    peak_bytes_ = std::max(peak_bytes_, arena_.size());
    pending_.store(true, std::memory_order_release);
  }
  // Only the first frame of a batch wakes the loop; drain() reads the
  // eventfd before taking the batch, so no wakeup is lost.
  if (was_empty) {
    const std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(event_fd_, &one, sizeof one);
  }
  return true;
}

void FrameQueue::drain() {
  std::uint64_t count;
  [[maybe_unused]] ssize_t n = read(event_fd_, &count, sizeof count);
  {
    std::lock_guard lock(mutex_);
    taken_arena_.swap(arena_);
    taken_entries_.swap(entries_);
    pending_.store(false, std::memory_order_release);
  }
  for (const Entry& e : taken_entries_)
    consumer_(e.tag, std::span<const std::uint8_t>(taken_arena_.data() + e.offset, e.size));
  // Keep the capacity for the next swap, unless a burst left it large: a
  // node's resident memory should not stay at its busiest moment's.
  taken_arena_.clear();
  taken_entries_.clear();
  if (taken_arena_.capacity() > kKeptBytes) std::vector<std::uint8_t>().swap(taken_arena_);
}

std::size_t FrameQueue::peak_bytes() const {
  std::lock_guard lock(mutex_);
  return peak_bytes_;
}

std::uint64_t FrameQueue::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

}  // namespace zt::io
