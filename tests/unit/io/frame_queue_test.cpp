// Frames from other threads reach the loop thread whole, in order per
// producer, tagged, and bounded.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "io/event_loop.hpp"
#include "io/frame_queue.hpp"

namespace zt::io {
namespace {

struct Seen {
  std::uint64_t tag;
  std::vector<std::uint8_t> bytes;
};

TEST(FrameQueue, FramesFromManyThreadsArriveWholeAndInOrderPerThread) {
  std::string error;
  auto loop = EventLoop::create(&error);
  ASSERT_TRUE(loop) << error;
  std::vector<Seen> seen;
  std::thread::id consumer_thread;
  auto queue = FrameQueue::create(
      *loop,
      [&](std::uint64_t tag, std::span<const std::uint8_t> bytes) {
        consumer_thread = std::this_thread::get_id();
        seen.push_back({tag, {bytes.begin(), bytes.end()}});
      },
      FrameQueue::kDefaultCapacityBytes, &error);
  ASSERT_TRUE(queue) << error;
  constexpr int kThreads = 4, kFrames = 500;
  std::thread runner([&] { loop->run(); });
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t)
    producers.emplace_back([&, t] {
      for (int i = 0; i < kFrames; ++i) {
        std::vector<std::uint8_t> frame(1 + (i % 300), static_cast<std::uint8_t>(i));
        frame[0] = static_cast<std::uint8_t>(t);
        ASSERT_TRUE(queue->push(static_cast<std::uint64_t>(t), frame));
      }
    });
  for (auto& p : producers) p.join();
  loop->post([&] { loop->stop(); });
  runner.join();
  queue->drain();  // whatever came after the last wakeup
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(kThreads * kFrames));
  std::vector<int> next(kThreads, 0);
  for (const Seen& s : seen) {
    const int t = static_cast<int>(s.tag);
    ASSERT_LT(t, kThreads);
    const int i = next[t]++;
    ASSERT_EQ(s.bytes.size(), static_cast<std::size_t>(1 + (i % 300)));
    EXPECT_EQ(s.bytes[0], t);
    if (s.bytes.size() > 1) {
      EXPECT_EQ(s.bytes.back(), static_cast<std::uint8_t>(i));
    }
  }
  EXPECT_EQ(queue->dropped(), 0u);
}

TEST(FrameQueue, AFullQueueDropsAndCountsInsteadOfGrowing) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  std::size_t delivered = 0;
  auto queue = FrameQueue::create(
      *loop, [&](std::uint64_t, std::span<const std::uint8_t>) { ++delivered; }, 4096);
  ASSERT_TRUE(queue);
  const std::vector<std::uint8_t> frame(1000, 0xab);
  int accepted = 0;
  for (int i = 0; i < 10; ++i) accepted += queue->push(7, frame) ? 1 : 0;
  EXPECT_EQ(accepted, 4);
  EXPECT_EQ(queue->dropped(), 6u);
  queue->drain();
  EXPECT_EQ(delivered, 4u);
  EXPECT_TRUE(queue->push(7, frame)) << "draining makes room again";
}

TEST(FrameQueue, PendingAndPeakBacklogFollowThePushes) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  auto queue = FrameQueue::create(*loop, [](std::uint64_t, std::span<const std::uint8_t>) {});
  ASSERT_TRUE(queue);
  EXPECT_FALSE(queue->pending());
  const std::vector<std::uint8_t> frame(100, 0x11);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(queue->push(1, frame));
  EXPECT_TRUE(queue->pending());
  EXPECT_EQ(queue->peak_bytes(), 300u);
  queue->drain();
  EXPECT_FALSE(queue->pending());
  ASSERT_TRUE(queue->push(1, frame));
  EXPECT_EQ(queue->peak_bytes(), 300u) << "the peak stays";
}

}  // namespace
}  // namespace zt::io
