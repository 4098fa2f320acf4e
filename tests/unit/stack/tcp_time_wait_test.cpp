// lwIP with our patch 03-time-wait-syn-reopens: a SYN beyond what a
// TIME-WAIT connection received opens a new connection on the same
// 4-tuple (a client cycling through its ephemeral ports within two MSL
// would otherwise time out); one that is not stays refused. Driven with raw
// frames.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "stack/frame_collector.hpp"
#include "stack/raw_frames.hpp"
#include "stack/stack_interface.hpp"
#include "stack/stack_runtime.hpp"
#include "stack/time_wait.hpp"
#include "zts.h"

namespace zt::stack {
namespace {

using namespace zt::test::frames;
using zt::test::FrameCollector;

const Mac kOurMac = mac_of(0x02aabbccde01);
const Mac kPeerMac = mac_of(0x02aabbccde02);
const Ip4 kOurs{10, 0, 7, 1}, kPeer{10, 0, 7, 2};
constexpr std::uint16_t kPort = 8090, kPeerPort = 40000;

bool is_tcp(const Parsed& p) {
  return p.ether_type == kEtherIp4 && p.protocol == kProtoTcp && p.l4.size() >= 20;
}
std::uint8_t tcp_flags(const Parsed& p) { return p.l4[13]; }

class TcpTimeWait : public ::testing::Test {
 protected:
  void SetUp() override {
    InterfaceConfig c;
    c.mac = MacAddress(0x02aabbccde01);
    c.addresses = {*InetAddress::from_string("10.0.7.1/24")};
    std::string error;
    iface_ = StackInterface::create(c, out_.sink(), &error);
    ASSERT_TRUE(iface_) << error;
    listener_ = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
    ASSERT_EQ(zts_bind(listener_, "10.0.7.1", kPort), ZTS_ERR_OK);
    ASSERT_EQ(zts_listen(listener_, 4), ZTS_ERR_OK);
    iface_->input_frame(
        ethernet(mac_of(0xffffffffffff), kPeerMac, kEtherArp, arp_request(kPeerMac, kPeer, kOurs)));
    out_.skip_all();
  }
  void TearDown() override { zts_close(listener_); }

  void send(std::uint32_t seq, std::uint32_t ack, std::uint8_t flags) {
    iface_->input_frame(ethernet(
        kOurMac, kPeerMac, kEtherIp4,
        ip4(kPeer, kOurs, kProtoTcp, tcp4(kPeer, kOurs, kPeerPort, kPort, seq, ack, flags))));
  }
  std::optional<Parsed> next_tcp() { return out_.next(is_tcp); }
  void enter_time_wait();

  FrameCollector out_;
  std::unique_ptr<StackInterface> iface_;
  int listener_ = -1;
};

// Handshake, then the server closes first and ends in TIME-WAIT having
// received up to 1002.
void TcpTimeWait::enter_time_wait() {
  send(1000, 0, kTcpSyn);
  auto synack = next_tcp();
  ASSERT_TRUE(synack);
  ASSERT_EQ(tcp_flags(*synack), kTcpSyn | kTcpAck);
  const std::uint32_t server_seq = read32(synack->l4, 4);
  send(1001, server_seq + 1, kTcpAck);
  const int conn = zts_bsd_accept(listener_, nullptr, nullptr);
  ASSERT_GE(conn, 0) << zts_errno;
  ASSERT_EQ(zts_close(conn), ZTS_ERR_OK);
  auto fin = next_tcp();
  ASSERT_TRUE(fin);
  ASSERT_NE(tcp_flags(*fin) & kTcpFin, 0);
  send(1001, server_seq + 2, kTcpFin | kTcpAck);
  auto last_ack = next_tcp();
  ASSERT_TRUE(last_ack);
  EXPECT_EQ(tcp_flags(*last_ack), kTcpAck);
  EXPECT_EQ(read32(last_ack->l4, 8), 1002u);
}

bool release_time_wait() {
  CoreLock lock;
  return release_oldest_time_wait();
}

TEST_F(TcpTimeWait, ANewerSynReopensTheConnectionAnOldOneDoesNot) {
  ASSERT_NO_FATAL_FAILURE(enter_time_wait());

  // A SYN at what TIME-WAIT expects next belongs to the old connection: reset.
  send(1002, 0, kTcpSyn);
  auto reset = next_tcp();
  ASSERT_TRUE(reset);
  EXPECT_NE(tcp_flags(*reset) & kTcpRst, 0);

  // A SYN beyond it is a new connection: SYN-ACK for it.
  send(900000, 0, kTcpSyn);
  auto reopened = next_tcp();
  ASSERT_TRUE(reopened);
  ASSERT_EQ(tcp_flags(*reopened), kTcpSyn | kTcpAck);  // else the accept below would wait
  EXPECT_EQ(read32(reopened->l4, 8), 900001u);
  send(900001, read32(reopened->l4, 4) + 1, kTcpAck);
  const int again = zts_bsd_accept(listener_, nullptr, nullptr);
  EXPECT_GE(again, 0) << zts_errno;
  zts_set_linger(again, 1, 0);  // reset on close: no TIME-WAIT left behind
  zts_close(again);
}

TEST_F(TcpTimeWait, AConnectionThatWaitedASecondGivesUpItsPort) {
  // Earlier tests in this process may have left TIME-WAIT connections: wait
  // until they are a second old and end them, so only ours is left.
  for (int i = 0; i < 22; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    while (release_time_wait()) {
    }
  }
  ASSERT_NO_FATAL_FAILURE(enter_time_wait());
  EXPECT_FALSE(release_time_wait()) << "released at once: old duplicates could still come";
  bool released = false;
  for (int i = 0; i < 100 && !released; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    released = release_time_wait();
  }
  ASSERT_TRUE(released);
  EXPECT_FALSE(release_time_wait()) << "there was only one";

  // The connection is gone: a SYN at what TIME-WAIT expected next (which
  // it would have reset) now opens a new connection.
  send(1002, 0, kTcpSyn);
  auto synack = next_tcp();
  ASSERT_TRUE(synack);
  EXPECT_EQ(tcp_flags(*synack), kTcpSyn | kTcpAck);
  send(1003, read32(synack->l4, 4) + 1, kTcpAck);
  const int again = zts_bsd_accept(listener_, nullptr, nullptr);
  EXPECT_GE(again, 0) << zts_errno;
  zts_set_linger(again, 1, 0);
  zts_close(again);
}

}  // namespace
}  // namespace zt::stack
