// A zts_ node inside this process, through the C API only. Ad-hoc networks
// configure themselves, so no root or controller is needed: the node
// starts, joins, becomes ready (6PLANE), leaves and stops, and every step
// shows in the events. (Several nodes talking: tests/integration/zts_api.sh.)
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "zts.h"

namespace {

struct Events {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<int> codes;

  void clear() {
    std::lock_guard lock(mutex);
    codes.clear();
  }
  bool wait_for(int code) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(10), [&] {
      return std::find(codes.begin(), codes.end(), code) != codes.end();
    });
  }
  bool has(int code) {
    std::lock_guard lock(mutex);
    return std::find(codes.begin(), codes.end(), code) != codes.end();
  }
  std::size_t index_of(int code) {
    std::lock_guard lock(mutex);
    return static_cast<std::size_t>(std::find(codes.begin(), codes.end(), code) - codes.begin());
  }
};
Events events;

void on_event(void* arg) {
  auto* msg = static_cast<zts_event_msg_t*>(arg);
  std::lock_guard lock(events.mutex);
  events.codes.push_back(msg->event_code);
  events.changed.notify_all();
}

class ZtsNodeTest : public ::testing::Test {
 protected:
  void SetUp() override { events.clear(); }
  void TearDown() override { zts_node_free(); }
};

TEST_F(ZtsNodeTest, ArgumentsAreChecked) {
  EXPECT_EQ(zts_init_from_storage(nullptr), ZTS_ERR_ARG);
  EXPECT_EQ(zts_init_from_memory("garbage", 7), ZTS_ERR_ARG);
  EXPECT_EQ(zts_init_set_roots("garbage", 7), ZTS_ERR_ARG);
  EXPECT_EQ(zts_init_set_roots(nullptr, 0), ZTS_ERR_ARG);
  EXPECT_EQ(zts_init_set_random_port_range(30000, 20000), ZTS_ERR_ARG);
  EXPECT_EQ(zts_init_set_event_handler(nullptr), ZTS_ERR_ARG);
  EXPECT_EQ(zts_net_wait_ready(0, ZTS_AF_INET, 0), ZTS_ERR_ARG);
  EXPECT_EQ(zts_net_wait_ready(1, 77, 0), ZTS_ERR_ARG);
  EXPECT_EQ(zts_id_pair_is_valid("garbage", 7), 0);
}

TEST_F(ZtsNodeTest, NothingRunsBeforeStart) {
  EXPECT_EQ(zts_net_join(1), ZTS_ERR_SERVICE);
  EXPECT_EQ(zts_net_get_status(1), ZTS_ERR_SERVICE);
  EXPECT_EQ(zts_node_get_id(), 0u);
  EXPECT_EQ(zts_node_get_port(), ZTS_ERR_SERVICE);
  EXPECT_EQ(zts_node_is_online(), 0);
  EXPECT_EQ(zts_node_stop(), ZTS_ERR_SERVICE);
  EXPECT_EQ(zts_node_wait_online(0), ZTS_ERR_SERVICE);
  EXPECT_EQ(zts_moon_orbit(1, 1), ZTS_ERR_SERVICE);
}

TEST_F(ZtsNodeTest, IdentitiesAsText) {
  char key[ZTS_ID_STR_BUF_LEN];
  unsigned int len = 10;
  EXPECT_EQ(zts_id_new(key, &len), ZTS_ERR_ARG);  // too small
  len = sizeof key;
  ASSERT_EQ(zts_id_new(key, &len), ZTS_ERR_OK);
  EXPECT_EQ(len, std::strlen(key));
  EXPECT_EQ(zts_id_pair_is_valid(key, len), 1);
  key[12] ^= 1;  // the public key no longer matches the address
  EXPECT_EQ(zts_id_pair_is_valid(key, len), 0);
}

TEST_F(ZtsNodeTest, StartJoinAnAdhocNetworkLeaveStop) {
  char key[ZTS_ID_STR_BUF_LEN];
  unsigned int len = sizeof key;
  ASSERT_EQ(zts_id_new(key, &len), ZTS_ERR_OK);
  const uint64_t node_id = std::strtoull(std::string(key, 10).c_str(), nullptr, 16);
  ASSERT_EQ(zts_init_from_memory(key, len), ZTS_ERR_OK);
  ASSERT_EQ(zts_init_allow_secondary_port(0), ZTS_ERR_OK);
  ASSERT_EQ(zts_init_set_event_handler(on_event), ZTS_ERR_OK);
  ASSERT_EQ(zts_node_start(), ZTS_ERR_OK);
  EXPECT_EQ(zts_node_start(), ZTS_ERR_SERVICE);
  EXPECT_EQ(zts_init_set_port(1), ZTS_ERR_SERVICE);  // settings are fixed while it runs

  ASSERT_TRUE(events.wait_for(ZTS_EVENT_NODE_UP));
  EXPECT_TRUE(events.wait_for(ZTS_EVENT_STACK_UP));
  EXPECT_EQ(zts_node_get_id(), node_id);
  EXPECT_GT(zts_node_get_port(), 0);
  char pair[ZTS_ID_STR_BUF_LEN];
  unsigned int pair_len = sizeof pair;
  ASSERT_EQ(zts_node_get_id_pair(pair, &pair_len), ZTS_ERR_OK);
  EXPECT_EQ(std::string(pair, pair_len), std::string(key, len));
  EXPECT_EQ(zts_node_wait_online(20), ZTS_ERR_NO_RESULT);  // no roots: never online
  EXPECT_EQ(zts_moon_orbit(1, 1), ZTS_ERR_GENERAL);        // documented as unsupported

  const uint64_t adhoc = zts_net_compute_adhoc_id(0, 65535);
  EXPECT_EQ(adhoc, 0xff0000ffff000000ULL);
  EXPECT_EQ(zts_net_get_status(adhoc), ZTS_ERR_NO_RESULT);
  ASSERT_EQ(zts_net_join(adhoc), ZTS_ERR_OK);
  EXPECT_EQ(zts_net_join(adhoc), ZTS_ERR_OK);  // again: fine
  ASSERT_EQ(zts_net_wait_ready(adhoc, ZTS_AF_INET6, 10000), ZTS_ERR_OK);
  EXPECT_EQ(zts_net_wait_ready(adhoc, ZTS_AF_INET, 20), ZTS_ERR_NO_RESULT);  // 6PLANE only
  EXPECT_EQ(zts_net_transport_is_ready(adhoc), 1);
  EXPECT_EQ(zts_net_get_status(adhoc), ZTS_NETWORK_STATUS_OK);
  EXPECT_EQ(zts_net_get_type(adhoc), ZTS_NETWORK_TYPE_PUBLIC);
  EXPECT_EQ(zts_net_get_mtu(adhoc), 2800);
  char name[ZTS_MAX_NETWORK_SHORT_NAME_LENGTH + 1];
  ASSERT_EQ(zts_net_get_name(adhoc, name, sizeof name), ZTS_ERR_OK);
  EXPECT_STREQ(name, "adhoc-0000-ffff");
  EXPECT_NE(zts_net_get_mac(adhoc), 0u);
  char mac[ZTS_MAC_ADDRSTRLEN];
  ASSERT_EQ(zts_net_get_mac_str(adhoc, mac, sizeof mac), ZTS_ERR_OK);
  EXPECT_EQ(std::strlen(mac), 17u);

  char mine[ZTS_IP_MAX_STR_LEN], expected[ZTS_IP_MAX_STR_LEN];
  EXPECT_EQ(zts_addr_is_assigned(adhoc, ZTS_AF_INET6), 1);
  EXPECT_EQ(zts_addr_is_assigned(adhoc, ZTS_AF_INET), 0);
  ASSERT_EQ(zts_addr_get_str(adhoc, ZTS_AF_INET6, mine, sizeof mine), ZTS_ERR_OK);
  ASSERT_EQ(zts_addr_compute_6plane_str(adhoc, node_id, expected, sizeof expected), ZTS_ERR_OK);
  EXPECT_STREQ(mine, expected);
  EXPECT_EQ(zts_addr_get_str(adhoc, ZTS_AF_INET, mine, sizeof mine), ZTS_ERR_NO_RESULT);
  zts_sockaddr_storage all[ZTS_MAX_ASSIGNED_ADDRESSES];
  unsigned int count = ZTS_MAX_ASSIGNED_ADDRESSES;
  ASSERT_EQ(zts_addr_get_all(adhoc, all, &count), ZTS_ERR_OK);
  EXPECT_EQ(count, 1u);
  EXPECT_EQ(all[0].ss_family, ZTS_AF_INET6);

  // Readiness came as events, after the address reached the interface.
  ASSERT_TRUE(events.wait_for(ZTS_EVENT_NETWORK_READY_IP6));
  EXPECT_TRUE(events.has(ZTS_EVENT_NETWORK_OK));
  EXPECT_LT(events.index_of(ZTS_EVENT_NETIF_UP), events.index_of(ZTS_EVENT_NETWORK_READY_IP6));
  EXPECT_LT(events.index_of(ZTS_EVENT_ADDR_ADDED_IP6),
            events.index_of(ZTS_EVENT_NETWORK_READY_IP6));
  EXPECT_FALSE(events.has(ZTS_EVENT_NETWORK_READY_IP4));

  ASSERT_EQ(zts_net_leave(adhoc), ZTS_ERR_OK);
  EXPECT_EQ(zts_net_leave(adhoc), ZTS_ERR_NO_RESULT);
  EXPECT_TRUE(events.wait_for(ZTS_EVENT_NETWORK_DOWN));
  EXPECT_TRUE(events.has(ZTS_EVENT_NETIF_DOWN));
  EXPECT_TRUE(events.has(ZTS_EVENT_ADDR_REMOVED_IP6));
  EXPECT_EQ(zts_net_get_status(adhoc), ZTS_ERR_NO_RESULT);
  EXPECT_EQ(zts_net_transport_is_ready(adhoc), 0);

  ASSERT_EQ(zts_node_stop(), ZTS_ERR_OK);
  EXPECT_TRUE(events.wait_for(ZTS_EVENT_NODE_DOWN));
  EXPECT_EQ(zts_net_join(adhoc), ZTS_ERR_SERVICE);

  // The same settings start it again.
  events.clear();
  ASSERT_EQ(zts_node_start(), ZTS_ERR_OK);
  ASSERT_TRUE(events.wait_for(ZTS_EVENT_NODE_UP));
  EXPECT_EQ(zts_node_get_id(), node_id);
  ASSERT_EQ(zts_node_stop(), ZTS_ERR_OK);
}

// Start, join, get ready, stop: again and again in one process. Under the
// sanitizer build LeakSanitizer checks that nothing is left behind.
TEST_F(ZtsNodeTest, StartStopLoopInOneProcess) {
  char key[ZTS_ID_STR_BUF_LEN];
  unsigned int len = sizeof key;
  ASSERT_EQ(zts_id_new(key, &len), ZTS_ERR_OK);
  ASSERT_EQ(zts_init_from_memory(key, len), ZTS_ERR_OK);
  ASSERT_EQ(zts_init_allow_secondary_port(0), ZTS_ERR_OK);
  ASSERT_EQ(zts_init_set_event_handler(on_event), ZTS_ERR_OK);
  const uint64_t adhoc = zts_net_compute_adhoc_id(0, 65535);
  for (int round = 0; round < 5; ++round) {
    events.clear();
    ASSERT_EQ(zts_node_start(), ZTS_ERR_OK) << "round " << round;
    ASSERT_EQ(zts_net_join(adhoc), ZTS_ERR_OK);
    ASSERT_EQ(zts_net_wait_ready(adhoc, ZTS_AF_INET6, 10000), ZTS_ERR_OK) << "round " << round;
    const int fd = zts_bsd_socket(ZTS_AF_INET6, ZTS_SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(zts_bind(fd, "::", 7000), ZTS_ERR_OK);
    EXPECT_EQ(zts_bsd_listen(fd, 4), ZTS_ERR_OK);
    zts_close(fd);
    ASSERT_EQ(zts_node_stop(), ZTS_ERR_OK);
    ASSERT_TRUE(events.wait_for(ZTS_EVENT_NODE_DOWN)) << "round " << round;
  }
}

TEST_F(ZtsNodeTest, AHandlerSetWhileRunningGetsTheStateReplayed) {
  ASSERT_EQ(zts_init_allow_secondary_port(0), ZTS_ERR_OK);
  ASSERT_EQ(zts_node_start(), ZTS_ERR_OK);  // no handler: no identity given either
  const uint64_t adhoc = zts_net_compute_adhoc_id(22, 22);
  ASSERT_EQ(zts_net_join(adhoc), ZTS_ERR_OK);
  ASSERT_EQ(zts_net_wait_ready(adhoc, ZTS_AF_UNSPEC, 10000), ZTS_ERR_OK);
  ASSERT_EQ(zts_init_set_event_handler(on_event), ZTS_ERR_OK);
  for (int code : {ZTS_EVENT_NODE_UP, ZTS_EVENT_NETWORK_OK, ZTS_EVENT_NETIF_UP,
                   ZTS_EVENT_ADDR_ADDED_IP6, ZTS_EVENT_NETWORK_READY_IP6})
    EXPECT_TRUE(events.wait_for(code)) << code;
  EXPECT_LT(events.index_of(ZTS_EVENT_NODE_UP), events.index_of(ZTS_EVENT_NETWORK_OK));
  ASSERT_EQ(zts_node_stop(), ZTS_ERR_OK);
  EXPECT_TRUE(events.wait_for(ZTS_EVENT_NODE_DOWN));
}

// A UDP port held by a kernel socket of this test, so the node cannot have it.
class TakenPort {
 public:
  TakenPort() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    socklen_t len = sizeof a;
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), len);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~TakenPort() { ::close(fd_); }
  unsigned short port() const { return port_; }

 private:
  int fd_ = -1;
  unsigned short port_ = 0;
};

TEST_F(ZtsNodeTest, ANodeThatCannotStartSaysSo) {
  TakenPort taken;
  ASSERT_EQ(zts_init_set_port(taken.port()), ZTS_ERR_OK);
  ASSERT_EQ(zts_init_set_event_handler(on_event), ZTS_ERR_OK);
  ASSERT_EQ(zts_node_start(), ZTS_ERR_OK);  // returns at once; the failure follows
  EXPECT_TRUE(events.wait_for(ZTS_EVENT_NODE_DOWN));
  EXPECT_FALSE(events.has(ZTS_EVENT_NODE_UP));
  EXPECT_EQ(zts_net_join(1), ZTS_ERR_SERVICE);
  EXPECT_EQ(zts_node_get_id(), 0u);
  EXPECT_EQ(zts_node_stop(), ZTS_ERR_OK);  // the failed run is cleared
  EXPECT_EQ(zts_node_stop(), ZTS_ERR_SERVICE);
}

TEST_F(ZtsNodeTest, FreeForgetsTheSettings) {
  TakenPort taken;
  ASSERT_EQ(zts_init_set_port(taken.port()), ZTS_ERR_OK);
  ASSERT_EQ(zts_node_free(), ZTS_ERR_OK);
  ASSERT_EQ(zts_init_allow_secondary_port(0), ZTS_ERR_OK);
  ASSERT_EQ(zts_init_set_event_handler(on_event), ZTS_ERR_OK);
  ASSERT_EQ(zts_node_start(), ZTS_ERR_OK);  // with a random port again
  ASSERT_TRUE(events.wait_for(ZTS_EVENT_NODE_UP));
  EXPECT_GE(zts_node_get_port(), 20000);
  EXPECT_NE(zts_node_get_port(), taken.port());
}

}  // namespace
