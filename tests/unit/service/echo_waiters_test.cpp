// Pings waiting for their echo: completion, cancellation, late replies.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "service/echo_waiters.hpp"

namespace zt::service {
namespace {

using namespace std::chrono_literals;

TEST(EchoWaiters, CompleteWakesTheWaiterWithTheReply) {
  EchoWaiters w;
  auto future = w.add(42, 1000);
  EXPECT_EQ(w.started_ns(42), 1000);
  EchoReply reply;
  reply.rtt_ms = 0.5;
  reply.via_relay = true;
  reply.relay = Address(0x1122334455);
  std::thread replier([&] { EXPECT_TRUE(w.complete(42, reply)); });
  ASSERT_EQ(future.wait_for(2s), std::future_status::ready);
  replier.join();
  const EchoWaiters::Result got = future.get();
  ASSERT_TRUE(got.has_value());
  EXPECT_DOUBLE_EQ(got->rtt_ms, 0.5);
  EXPECT_TRUE(got->via_relay);
  EXPECT_EQ(got->relay, Address(0x1122334455));
  EXPECT_EQ(w.size(), 0u);
}

TEST(EchoWaiters, RepliesForUnknownOrCancelledIdsAreIgnored) {
  EchoWaiters w;
  EXPECT_FALSE(w.complete(7, EchoReply{}));
  auto future = w.add(7, 0);
  w.cancel(7);
  EXPECT_FALSE(w.started_ns(7).has_value());
  EXPECT_FALSE(w.complete(7, EchoReply{}));
  EXPECT_EQ(w.size(), 0u);
}

TEST(EchoWaiters, OnlyTheMatchingIdIsCompleted) {
  EchoWaiters w;
  auto first = w.add(1, 0);
  auto second = w.add(2, 0);
  EXPECT_TRUE(w.complete(2, EchoReply{}));
  EXPECT_EQ(first.wait_for(0ms), std::future_status::timeout);
  EXPECT_EQ(second.wait_for(0ms), std::future_status::ready);
  EXPECT_EQ(w.size(), 1u);
}

TEST(EchoWaiters, CancelAllWakesEveryoneEmptyHanded) {
  EchoWaiters w;
  auto a = w.add(1, 0);
  auto b = w.add(2, 0);
  w.cancel_all();
  ASSERT_EQ(a.wait_for(0ms), std::future_status::ready);
  ASSERT_EQ(b.wait_for(0ms), std::future_status::ready);
  EXPECT_FALSE(a.get().has_value());
  EXPECT_FALSE(b.get().has_value());
  EXPECT_EQ(w.size(), 0u);
}

TEST(EchoWaiters, ADuplicateIdIsAnsweredEmptyAndLeavesTheFirstWaiter) {
  EchoWaiters w;
  auto first = w.add(9, 100);
  auto dup = w.add(9, 200);
  ASSERT_EQ(dup.wait_for(0ms), std::future_status::ready);
  EXPECT_FALSE(dup.get().has_value());
  EXPECT_EQ(w.started_ns(9), 100);
  EXPECT_TRUE(w.complete(9, EchoReply{}));
  EXPECT_TRUE(first.get().has_value());
}

}  // namespace
}  // namespace zt::service
