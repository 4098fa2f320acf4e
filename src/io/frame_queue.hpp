#pragma once
// Ethernet frames handed from other threads (a TCP/IP stack's) to the loop
// thread that owns the engine. Producers copy each frame into one shared
// arena under a short lock; the loop takes the whole arena at once, so a
// burst costs one wakeup and no allocation per frame once warm. Bounded:
// when the arena is full, frames are dropped and counted, as a full NIC
// queue would drop them (TCP retransmits).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "io/event_loop.hpp"

namespace zt::io {

class FrameQueue {
 public:
  // One frame as the consumer sees it; `bytes` is valid during the call.
  using Consumer = std::function<void(std::uint64_t tag, std::span<const std::uint8_t> bytes)>;

  static constexpr std::size_t kDefaultCapacityBytes = 8 * 1024 * 1024;
  // Arena capacity kept between bursts; more is given back after a drain.
  static constexpr std::size_t kKeptBytes = 256 * 1024;

  // Registers an eventfd with `loop` (which must outlive the queue); frames
  // reach `consumer` on the loop thread. nullptr with *error on failure.
  static std::unique_ptr<FrameQueue> create(EventLoop& loop, Consumer consumer,
                                            std::size_t capacity_bytes = kDefaultCapacityBytes,
                                            std::string* error = nullptr);
  ~FrameQueue();
  FrameQueue(const FrameQueue&) = delete;
  FrameQueue& operator=(const FrameQueue&) = delete;

  // Any thread. `tag` travels with the frame (a network id). False when the
  // frame was dropped because the queue is full.
  bool push(std::uint64_t tag, std::span<const std::uint8_t> frame);

  // Loop thread (or a thread the loop lets run in its place): hands
  // everything queued so far to the consumer now.
  void drain();
  // Whether frames wait (any thread; a hint that may be stale at once).
  bool pending() const { return pending_.load(std::memory_order_acquire); }

  std::uint64_t dropped() const;
  // The most bytes ever waiting at once.
  std::size_t peak_bytes() const;

 private:
  struct Entry {
    std::uint64_t tag;
    std::size_t offset;
    std::size_t size;
  };

  FrameQueue(EventLoop& loop, int event_fd, Consumer consumer, std::size_t capacity);

  EventLoop& loop_;
  int event_fd_;
  Consumer consumer_;
  std::size_t capacity_;

  mutable std::mutex mutex_;
  std::vector<std::uint8_t> arena_;  // producers append here
  std::vector<Entry> entries_;
  std::uint64_t dropped_ = 0;
  std::size_t peak_bytes_ = 0;
  std::atomic<bool> pending_{false};

  // The loop's side, swapped with the producers' under the lock.
  std::vector<std::uint8_t> taken_arena_;
  std::vector<Entry> taken_entries_;
};

}  // namespace zt::io
