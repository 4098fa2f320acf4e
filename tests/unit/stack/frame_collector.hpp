#pragma once
// Collects the frames a StackInterface transmits (its FrameSink may run on
// lwIP's thread) and lets a test wait for one that matches.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "stack/raw_frames.hpp"
#include "stack/stack_interface.hpp"

namespace zt::test {

class FrameCollector {
 public:
  stack::StackInterface::FrameSink sink() {
    return [this](std::span<const std::uint8_t> frame) {
      std::lock_guard lock(mutex_);
      frames_.emplace_back(frame.begin(), frame.end());
      changed_.notify_all();
    };
  }

  // The first frame (in order, not taken before) that parses and satisfies
  // `match`, waiting up to `timeout` for it. Frames before it are skipped.
  std::optional<frames::Parsed> next(const std::function<bool(const frames::Parsed&)>& match,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      while (cursor_ < frames_.size()) {
        auto parsed = frames::parse(frames_[cursor_++]);
        if (parsed && match(*parsed)) return parsed;
      }
      if (changed_.wait_until(lock, deadline) == std::cv_status::timeout &&
          cursor_ == frames_.size())
        return std::nullopt;
    }
  }

  // Frames sent and not yet looked at by next(). The stack sends in the
  // thread whose input caused the send, so after input_frames() returns
  // this is settled.
  std::size_t unread() {
    std::lock_guard lock(mutex_);
    return frames_.size() - cursor_;
  }

  void skip_all() {
    std::lock_guard lock(mutex_);
    cursor_ = frames_.size();
  }

  std::vector<frames::Bytes> all() {
    std::lock_guard lock(mutex_);
    return frames_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<frames::Bytes> frames_;
  std::size_t cursor_ = 0;
};

}  // namespace zt::test
