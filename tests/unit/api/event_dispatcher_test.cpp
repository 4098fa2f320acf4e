// The event dispatcher: one delivery thread, a bounded queue that drops the
// oldest events but keeps readiness ones, a replay that replaces what is
// queued, and shutdown (also from inside the handler).
#include "api/event_dispatcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "zts.h"

namespace zt::api {
namespace {

// What the handler (a plain function, as for C) saw; one test at a time.
struct Seen {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<int> codes;
  std::vector<std::uint64_t> network_ids;
  bool block = false;  // the handler waits while this is set
  EventDispatcher* shutdown_from_handler = nullptr;

  void reset() {
    std::lock_guard lock(mutex);
    codes.clear();
    network_ids.clear();
    block = false;
    shutdown_from_handler = nullptr;
  }
  bool wait_count(std::size_t n) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(5), [&] { return codes.size() >= n; });
  }
};
Seen seen;

void handler(void* arg) {
  auto* msg = static_cast<zts_event_msg_t*>(arg);
  EventDispatcher* shut = nullptr;
  {
    std::unique_lock lock(seen.mutex);
    seen.codes.push_back(msg->event_code);
    seen.network_ids.push_back(msg->network ? msg->network->net_id
                               : msg->addr  ? msg->addr->net_id
                                            : 0);
    seen.changed.notify_all();
    seen.changed.wait(lock, [] { return !seen.block; });
    shut = seen.shutdown_from_handler;
  }
  if (shut) shut->shutdown();
}

ApiEvent network_event(int code, std::uint64_t id) {
  NetworkFacts f;
  f.info.id = id;
  return {code, f};
}

class EventDispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override { seen.reset(); }
};

TEST_F(EventDispatcherTest, DeliversInOrderWithTheirFacts) {
  EventDispatcher d;
  d.set_handler(handler);
  d.push(network_event(ZTS_EVENT_NETWORK_OK, 0x1234));
  d.push(
      {ZTS_EVENT_ADDR_ADDED_IP4, AddressFacts{0x1234, *InetAddress::from_string("10.1.2.3/24")}});
  d.push({ZTS_EVENT_NODE_ONLINE, NodeFacts{0xabcdef0123, 9993, 0}});
  ASSERT_TRUE(seen.wait_count(3));
  d.shutdown();
  EXPECT_EQ(seen.codes, (std::vector<int>{ZTS_EVENT_NETWORK_OK, ZTS_EVENT_ADDR_ADDED_IP4,
                                          ZTS_EVENT_NODE_ONLINE}));
  EXPECT_EQ(seen.network_ids, (std::vector<std::uint64_t>{0x1234, 0x1234, 0}));
  EXPECT_EQ(d.dropped(), 0u);
}

TEST_F(EventDispatcherTest, WithoutAHandlerNothingIsKept) {
  EventDispatcher d;
  for (int i = 0; i < 1000; ++i) d.push({ZTS_EVENT_PEER_DIRECT, PeerInfo{}});
  d.set_handler(handler);
  d.push({ZTS_EVENT_NODE_UP, NodeFacts{}});
  ASSERT_TRUE(seen.wait_count(1));
  d.shutdown();
  EXPECT_EQ(seen.codes, std::vector<int>{ZTS_EVENT_NODE_UP});
}

TEST_F(EventDispatcherTest, ABlockedHandlerLosesTheOldestChatterButNotReadiness) {
  EventDispatcher d;
  {
    std::lock_guard lock(seen.mutex);
    seen.block = true;
  }
  d.set_handler(handler);
  d.push({ZTS_EVENT_NODE_UP, NodeFacts{}});  // taken by the handler, which then blocks
  ASSERT_TRUE(seen.wait_count(1));
  d.push(network_event(ZTS_EVENT_NETWORK_READY_IP4, 7));
  for (std::size_t i = 0; i < 3 * EventDispatcher::kCapacity; ++i)
    d.push({ZTS_EVENT_PEER_DIRECT, PeerInfo{}});
  d.push(network_event(ZTS_EVENT_NETWORK_READY_IP6, 7));
  EXPECT_EQ(d.dropped(), 2 * EventDispatcher::kCapacity + 2);
  {
    std::lock_guard lock(seen.mutex);
    seen.block = false;
    seen.changed.notify_all();
  }
  ASSERT_TRUE(seen.wait_count(1 + EventDispatcher::kCapacity));
  d.shutdown();
  ASSERT_EQ(seen.codes.size(), 1 + EventDispatcher::kCapacity);
  EXPECT_EQ(seen.codes[1], ZTS_EVENT_NETWORK_READY_IP4);  // kept though oldest
  EXPECT_EQ(seen.codes.back(), ZTS_EVENT_NETWORK_READY_IP6);
}

TEST_F(EventDispatcherTest, ANewHandlerStartsFromTheReplay) {
  EventDispatcher d;
  {
    std::lock_guard lock(seen.mutex);
    seen.block = true;
  }
  d.set_handler(handler);
  d.push({ZTS_EVENT_NODE_UP, NodeFacts{}});
  ASSERT_TRUE(seen.wait_count(1));
  d.push({ZTS_EVENT_PEER_DIRECT, PeerInfo{}});  // queued for the old handler
  d.set_handler(handler, {network_event(ZTS_EVENT_NETWORK_OK, 5),
                          network_event(ZTS_EVENT_NETWORK_READY_IP4, 5)});
  {
    std::lock_guard lock(seen.mutex);
    seen.block = false;
    seen.changed.notify_all();
  }
  ASSERT_TRUE(seen.wait_count(3));
  d.shutdown();
  EXPECT_EQ(seen.codes, (std::vector<int>{ZTS_EVENT_NODE_UP, ZTS_EVENT_NETWORK_OK,
                                          ZTS_EVENT_NETWORK_READY_IP4}));
}

TEST_F(EventDispatcherTest, ShutdownDeliversWhatIsQueuedFirst) {
  EventDispatcher d;
  {
    std::lock_guard lock(seen.mutex);
    seen.block = true;
  }
  d.set_handler(handler);
  d.push({ZTS_EVENT_NODE_UP, NodeFacts{}});
  ASSERT_TRUE(seen.wait_count(1));
  d.push({ZTS_EVENT_NODE_DOWN, NodeFacts{}});
  std::thread release([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::lock_guard lock(seen.mutex);
    seen.block = false;
    seen.changed.notify_all();
  });
  d.shutdown();  // waits for both
  release.join();
  EXPECT_EQ(seen.codes, (std::vector<int>{ZTS_EVENT_NODE_UP, ZTS_EVENT_NODE_DOWN}));
  d.push({ZTS_EVENT_NODE_UP, NodeFacts{}});  // after shutdown: nobody to deliver to
  EXPECT_FALSE(d.has_handler());
}

TEST_F(EventDispatcherTest, ShutdownFromInsideTheHandlerDoesNotDeadlock) {
  EventDispatcher d;
  {
    std::lock_guard lock(seen.mutex);
    seen.shutdown_from_handler = &d;
  }
  d.set_handler(handler);
  d.push({ZTS_EVENT_NODE_DOWN, NodeFacts{}});
  ASSERT_TRUE(seen.wait_count(1));
  // A handler set again later gets a thread of its own.
  {
    std::lock_guard lock(seen.mutex);
    seen.shutdown_from_handler = nullptr;
  }
  d.set_handler(handler);
  d.push({ZTS_EVENT_NODE_UP, NodeFacts{}});
  ASSERT_TRUE(seen.wait_count(2));
  d.shutdown();
  EXPECT_EQ(seen.codes.back(), ZTS_EVENT_NODE_UP);
}

}  // namespace
}  // namespace zt::api
