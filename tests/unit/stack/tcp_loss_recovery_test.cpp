// TCP under loss (scripts/lwip-patches/04- to 07-, 11-): the stack's TCP sender
// and receiver driven by a scripted peer made of raw frames. The peer takes
// the segments the stack sends and answers as a receiver that lost some of
// them would: with SACK blocks, or not at all. The stack sends in the thread
// whose input caused the send, so "at once" means: among the frames sent
// before input_frame() returned.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "stack/frame_collector.hpp"
#include "stack/raw_frames.hpp"
#include "stack/stack_interface.hpp"
#include "zts.h"

namespace zt::stack {
namespace {

using namespace zt::test::frames;
using namespace std::chrono_literals;
using zt::test::FrameCollector;

const Mac kPeerMac = mac_of(0x02aabbccee02);
const Ip4 kOurIp{10, 0, 7, 1}, kPeerIp{10, 0, 7, 2};
constexpr std::uint16_t kPort = 5007, kPeerPort = 40007;
constexpr std::uint16_t kMss = 1000;  // the peer's: our segments are this long
constexpr std::uint32_t kPeerIss = 7000000;

struct Segment {
  std::uint32_t seq = 0, ack = 0;
  std::uint8_t flags = 0;
  Bytes options, data;
  std::uint32_t end() const { return seq + static_cast<std::uint32_t>(data.size()); }
};

// A TCP segment of our connection (from kPort to kPeerPort), if `p` is one.
std::optional<Segment> our_segment(const Parsed& p) {
  if (p.ether_type != kEtherIp4 || p.protocol != kProtoTcp || p.l4.size() < 20) return std::nullopt;
  if (read16(p.l4, 0) != kPort || read16(p.l4, 2) != kPeerPort) return std::nullopt;
  const std::size_t header = static_cast<std::size_t>(p.l4[12] >> 4) * 4;
  if (header < 20 || header > p.l4.size()) return std::nullopt;
  Segment s;
  s.seq = read32(p.l4, 4);
  s.ack = read32(p.l4, 8);
  s.flags = p.l4[13];
  s.options.assign(p.l4.begin() + 20, p.l4.begin() + static_cast<std::ptrdiff_t>(header));
  s.data.assign(p.l4.begin() + static_cast<std::ptrdiff_t>(header), p.l4.end());
  return s;
}

bool has_sack_permitted(const Bytes& options) {
  for (std::size_t i = 0; i < options.size();) {
    if (options[i] == 0) break;
    if (options[i] == 1) {
      ++i;
      continue;
    }
    if (options[i] == 4) return true;
    if (i + 1 >= options.size() || options[i + 1] < 2) break;
    i += options[i + 1];
  }
  return false;
}

using Blocks = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

// A SACK option (RFC 2018) after two NOPs, as receivers align it.
Bytes sack_option(const Blocks& blocks) {
  Bytes o{1, 1, 5, static_cast<std::uint8_t>(2 + 8 * blocks.size())};
  for (const auto& [left, right] : blocks) {
    for (const std::uint32_t edge : {left, right})
      for (int shift = 24; shift >= 0; shift -= 8) o.push_back(static_cast<std::uint8_t>(edge >> shift));
  }
  return o;
}

class TcpLossRecovery : public ::testing::Test {
 protected:
  void SetUp() override {
    InterfaceConfig c;
    c.mac = MacAddress(0x02aabbccee01);
    c.mtu = 2800;
    c.addresses = {*InetAddress::from_string("10.0.7.1/24")};
    std::string error;
    iface_ = StackInterface::create(c, out_.sink(), &error);
    ASSERT_TRUE(iface_) << error;
    // The peer's ARP request teaches the stack its MAC.
    input(ethernet(mac_of(0xffffffffffff), kPeerMac, kEtherArp,
                   arp_request(kPeerMac, kPeerIp, kOurIp)));

    listener_ = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
    ASSERT_GE(listener_, 0);
    zts_sockaddr_in a{};
    a.sin_family = ZTS_AF_INET;
    a.sin_port = htons(kPort);
    std::memcpy(&a.sin_addr, kOurIp.data(), 4);
    ASSERT_EQ(zts_bsd_bind(listener_, reinterpret_cast<zts_sockaddr*>(&a), sizeof a), ZTS_ERR_OK);
    ASSERT_EQ(zts_bsd_listen(listener_, 1), ZTS_ERR_OK);
    out_.skip_all();

    // SYN with MSS 1000 and SACK permitted; the SYN-ACK must permit SACK too.
    const Bytes syn_options{2, 4, kMss >> 8, kMss & 0xff, 1, 1, 4, 2};
    input(segment(kPeerIss, 0, kTcpSyn, syn_options));
    const auto syn_ack = next_segment([](const Segment& s) { return (s.flags & kTcpSyn) != 0; });
    ASSERT_TRUE(syn_ack);
    ASSERT_TRUE(has_sack_permitted(syn_ack->options));
    peer_next_ = kPeerIss + 1;
    our_next_ = syn_ack->seq + 1;
    std::this_thread::sleep_for(round_trip_);
    input(segment(peer_next_, our_next_, kTcpAck));
    connection_ = zts_bsd_accept(listener_, nullptr, nullptr);
    ASSERT_GE(connection_, 0);
  }

  void TearDown() override {
    // A reset ends the connection at once (no FIN retransmitted to an
    // interface that is gone).
    if (connection_ >= 0) input(segment(peer_next_, 0, kTcpRst));
    if (connection_ >= 0) zts_bsd_close(connection_);
    if (listener_ >= 0) zts_bsd_close(listener_);
    iface_.reset();
  }

  void input(const Bytes& frame) { iface_->input_frame(frame); }

  Bytes segment(std::uint32_t seq, std::uint32_t ack, std::uint8_t flags,
                const Bytes& options = {}, const Bytes& data = {}) {
    return ethernet(mac_of(0x02aabbccee01), kPeerMac, kEtherIp4,
                    ip4(kPeerIp, kOurIp, kProtoTcp,
                        tcp4_with_options(kPeerIp, kOurIp, kPeerPort, kPort, seq, ack, flags,
                                          options, data)));
  }

  // The peer's ACK of everything below `cumulative`, with SACK blocks.
  void ack(std::uint32_t cumulative, const Blocks& blocks = {}) {
    input(segment(peer_next_, cumulative, kTcpAck, blocks.empty() ? Bytes{} : sack_option(blocks)));
  }

  template <typename Match>
  std::optional<Segment> next_segment(Match match, std::chrono::milliseconds wait = 5s) {
    std::optional<Segment> found;
    out_.next(
        [&](const Parsed& p) {
          auto s = our_segment(p);
          if (s && match(*s)) found = std::move(s);
          return found.has_value();
        },
        wait);
    return found;
  }

  // A data segment starting at `seq` among the frames already sent.
  bool resent_at_once(std::uint32_t seq) {
    return next_segment([&](const Segment& s) { return s.seq == seq && !s.data.empty(); }, 0ms)
        .has_value();
  }

  // The application writes `bytes`; returns the data segments that went out.
  std::vector<Segment> write(std::size_t bytes) {
    const std::string data(bytes, 'd');
    EXPECT_EQ(zts_bsd_send(connection_, data.data(), data.size(), 0),
              static_cast<ssize_t>(bytes));
    std::vector<Segment> sent = sent_since();
    for (const auto& s : sent) EXPECT_EQ(s.data.size(), kMss);
    return sent;
  }

  // One segment out and acknowledged: the sender has a round-trip sample.
  void warm_up() {
    const auto sent = write(kMss);
    ASSERT_EQ(sent.size(), 1u);
    ack(sent[0].end());
    out_.skip_all();
  }

  // Data segments sent since the last look.
  std::vector<Segment> sent_since() {
    std::vector<Segment> sent;
    while (auto s = next_segment([](const Segment& x) { return !x.data.empty(); }, 0ms))
      sent.push_back(*s);
    return sent;
  }

  // One round trip of the peer: after round_trip_ it acknowledges each
  // segment of `burst` in turn, or, with `first_lost`, SACKs all but the
  // first. Returns how many segments of new data (beyond `burst`) the
  // sender sent in answer, and puts them into `next`.
  std::size_t answer(const std::vector<Segment>& burst, bool first_lost,
                     std::vector<Segment>* next) {
    std::this_thread::sleep_for(round_trip_);
    next->clear();
    for (std::size_t i = first_lost ? 1 : 0; i < burst.size(); ++i) {
      if (first_lost)
        ack(burst[0].seq, {{burst[1].seq, burst[i].end()}});
      else
        ack(burst[i].end());
      for (const auto& s : sent_since())
        if (s.seq >= burst.back().end()) next->push_back(s);
    }
    return next->size();
  }

  // Slow start over three clean round trips (4, 8, 16 segments, each
  // delivered twice as fast as the one before), then a round trip of 32
  // segments whose first is lost: returns the new segments sent in answer
  // to the 31 that arrived.
  std::size_t new_data_in_lossy_round() {
    const std::string data(200 * kMss, 'd');
    EXPECT_EQ(zts_bsd_send(connection_, data.data(), data.size(), 0),
              static_cast<ssize_t>(data.size()));
    std::vector<Segment> burst = sent_since(), next;
    EXPECT_EQ(burst.size(), 4u);
    for (int round = 0; round < 3; ++round) {
      answer(burst, false, &next);
      EXPECT_EQ(next.size(), 2 * burst.size());
      burst = next;
    }
    EXPECT_EQ(burst.size(), 32u);
    return answer(burst, true, &next);
  }

  // The peer's delay before each answer (the handshake's too).
  std::chrono::milliseconds round_trip_{0};
  FrameCollector out_;
  std::unique_ptr<StackInterface> iface_;
  int listener_ = -1, connection_ = -1;
  std::uint32_t peer_next_ = 0, our_next_ = 0;
};

TEST_F(TcpLossRecovery, LostSegmentIsResentOnTheFirstAckThatSacksBeyondIt) {
  warm_up();
  const auto sent = write(4 * kMss);
  ASSERT_EQ(sent.size(), 4u);
  out_.skip_all();
  // One ACK saying 1..3 arrived and 0 did not (three duplicate ACKs would
  // have been needed before).
  ack(sent[0].seq, {{sent[1].seq, sent[3].end()}});
  EXPECT_TRUE(resent_at_once(sent[0].seq));
}

TEST_F(TcpLossRecovery, EveryHoleIsResentInOneRoundTrip) {
  warm_up();
  const auto sent = write(5 * kMss);
  ASSERT_EQ(sent.size(), 5u);
  out_.skip_all();
  ack(sent[0].seq, {{sent[3].seq, sent[4].end()}, {sent[1].seq, sent[1].end()}});
  EXPECT_TRUE(resent_at_once(sent[0].seq));
  EXPECT_TRUE(resent_at_once(sent[2].seq));
  // Segments the peer has are not sent again.
  EXPECT_FALSE(next_segment([](const Segment& s) { return !s.data.empty(); }, 0ms));

  // Repaired: the transfer goes on.
  ack(sent[4].end());
  EXPECT_EQ(write(kMss).size(), 1u);
}

TEST_F(TcpLossRecovery, LostRetransmissionIsFoundWithoutWaitingForTheTimeout) {
  warm_up();
  const auto sent = write(4 * kMss);
  ASSERT_EQ(sent.size(), 4u);
  out_.skip_all();
  ack(sent[0].seq, {{sent[1].seq, sent[3].end()}});
  ASSERT_TRUE(resent_at_once(sent[0].seq));
  // New data sent after that retransmission arrives; the retransmission
  // does not: it was lost too.
  const auto later = write(kMss);
  ASSERT_EQ(later.size(), 1u);
  out_.skip_all();
  ack(sent[0].seq, {{sent[1].seq, later[0].end()}});
  EXPECT_TRUE(resent_at_once(sent[0].seq));
}

TEST_F(TcpLossRecovery, SilentPeerGetsTheLastSegmentAgainFirst) {
  warm_up();
  const auto sent = write(3 * kMss);
  ASSERT_EQ(sent.size(), 3u);
  // No answer at all: a tail loss probe resends the last segment, so that
  // the peer's answer tells what it lacks (a timeout would resend the
  // first, later).
  const auto again = next_segment([](const Segment& s) { return !s.data.empty(); }, 2s);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->seq, sent[2].seq);
}

TEST_F(TcpLossRecovery, ImpossibleOrMalformedSackBlocksChangeNothing) {
  warm_up();
  const auto sent = write(3 * kMss);
  ASSERT_EQ(sent.size(), 3u);
  out_.skip_all();
  const std::uint32_t beyond = sent[2].end();
  const Bytes bad_length{1, 1, 5, 9, 0, 0, 0, 0, 0, 0, 0};
  const Bytes longer_than_header{1, 1, 5, 18, 0, 0, 0, 0, 0, 0, 0, 0};
  const std::vector<Bytes> options = {
      sack_option({{beyond, beyond + kMss}}),              // data never sent
      sack_option({{sent[2].seq, sent[2].seq}}),           // empty
      sack_option({{sent[2].end(), sent[1].seq}}),         // reversed
      sack_option({{sent[0].seq - kMss, sent[0].seq}}),    // below the ACK (D-SACK)
      bad_length, longer_than_header};
  for (const auto& o : options) {
    input(segment(peer_next_, sent[0].seq, kTcpAck, o));
    EXPECT_FALSE(resent_at_once(sent[0].seq));
  }
  ack(sent[2].end());
  EXPECT_EQ(write(kMss).size(), 1u);
}

TEST_F(TcpLossRecovery, DuplicateAcksWithoutSackBlocksResendTheFirstSegment) {
  // A peer that negotiated SACK but sends plain duplicate ACKs still gets
  // a fast retransmit on the third, as lwIP's own would give.
  warm_up();
  const auto sent = write(4 * kMss);
  ASSERT_EQ(sent.size(), 4u);
  out_.skip_all();
  ack(sent[0].seq);
  ack(sent[0].seq);
  EXPECT_FALSE(resent_at_once(sent[0].seq));
  ack(sent[0].seq);
  EXPECT_TRUE(resent_at_once(sent[0].seq));
}

TEST_F(TcpLossRecovery, PeerClaimingEverythingStillGetsTheDataAgain) {
  // SACK blocks for all that is in flight but no cumulative ACK (a peer
  // that dropped what it reported, or lies): after a timeout the first
  // segment goes again rather than the connection stalling.
  warm_up();
  const auto sent = write(3 * kMss);
  ASSERT_EQ(sent.size(), 3u);
  out_.skip_all();
  ack(sent[0].seq, {{sent[0].seq, sent[2].end()}});
  EXPECT_FALSE(resent_at_once(sent[0].seq));
  const auto again = next_segment([](const Segment& s) { return !s.data.empty(); }, 5s);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->seq, sent[0].seq);
}

TEST_F(TcpLossRecovery, ReceiverAcknowledgesAFilledGapAtOnce) {
  const Bytes chunk(kMss, 'p');
  // The second chunk first: the stack answers at once with a duplicate ACK.
  input(segment(peer_next_ + kMss, our_next_, kTcpAck, {}, chunk));
  ASSERT_TRUE(next_segment([&](const Segment& s) { return s.ack == peer_next_; }, 0ms));
  // The first fills the gap: acknowledged at once, not after a delay.
  input(segment(peer_next_, our_next_, kTcpAck, {}, chunk));
  EXPECT_TRUE(next_segment([&](const Segment& s) { return s.ack == peer_next_ + 2 * kMss; }, 0ms));
  peer_next_ += 2 * kMss;
}

// Our stack opens the connection: the handshake's round trip arms the
// tail loss probe before any data is acknowledged, so a silent peer gets
// the last segment again first (without it only the timeout, which resends
// the first, would act).
TEST_F(TcpLossRecovery, ActiveOpenProbesTheTailWithTheHandshakesRoundTrip) {
  const int fd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  zts_sockaddr_in a{};
  a.sin_family = ZTS_AF_INET;
  a.sin_port = htons(kPeerPort + 1);
  std::memcpy(&a.sin_addr, kPeerIp.data(), 4);
  ASSERT_EQ(zts_set_blocking(fd, 0), ZTS_ERR_OK);
  EXPECT_EQ(zts_bsd_connect(fd, reinterpret_cast<zts_sockaddr*>(&a), sizeof a), ZTS_ERR_SOCKET);
  std::optional<Segment> syn;
  out_.next(
      [&](const Parsed& p) {
        if (p.ether_type != kEtherIp4 || p.protocol != kProtoTcp || p.l4.size() < 20) return false;
        if (read16(p.l4, 2) != kPeerPort + 1 || !(p.l4[13] & kTcpSyn)) return false;
        syn = Segment{read32(p.l4, 4), 0, p.l4[13], {}, {}};
        syn->options.assign(p.l4.begin() + 20, p.l4.begin() + (p.l4[12] >> 4) * 4);
        return true;
      },
      5s);
  ASSERT_TRUE(syn);
  ASSERT_TRUE(has_sack_permitted(syn->options));
  const std::uint16_t local_port = [&] {
    zts_sockaddr_in me{};
    zts_socklen_t len = sizeof me;
    EXPECT_EQ(zts_bsd_getsockname(fd, reinterpret_cast<zts_sockaddr*>(&me), &len), ZTS_ERR_OK);
    return ntohs(me.sin_port);
  }();
  auto frame = [&](std::uint32_t seq, std::uint32_t ackno, std::uint8_t flags, const Bytes& options) {
    return ethernet(mac_of(0x02aabbccee01), kPeerMac, kEtherIp4,
                    ip4(kPeerIp, kOurIp, kProtoTcp,
                        tcp4_with_options(kPeerIp, kOurIp, kPeerPort + 1, local_port, seq, ackno,
                                          flags, options)));
  };
  const Bytes syn_ack_options{2, 4, kMss >> 8, kMss & 0xff, 1, 1, 4, 2};
  input(frame(kPeerIss, syn->seq + 1, kTcpSyn | kTcpAck, syn_ack_options));
  ASSERT_EQ(zts_set_blocking(fd, 1), ZTS_ERR_OK);

  const std::string data(3 * kMss, 'a');
  ASSERT_EQ(zts_bsd_send(fd, data.data(), data.size(), 0), static_cast<ssize_t>(data.size()));
  std::vector<std::uint32_t> sent;
  auto data_of_fd = [&](const Parsed& p, std::uint32_t& seq) {
    if (p.ether_type != kEtherIp4 || p.protocol != kProtoTcp || p.l4.size() < 20) return false;
    if (read16(p.l4, 0) != local_port) return false;
    if (p.l4.size() <= static_cast<std::size_t>(p.l4[12] >> 4) * 4) return false;
    seq = read32(p.l4, 4);
    return true;
  };
  std::uint32_t seq = 0;
  while (out_.next([&](const Parsed& p) { return data_of_fd(p, seq); }, 0ms)) sent.push_back(seq);
  ASSERT_EQ(sent.size(), 3u);
  // No answer: the first data segment sent again is the last one.
  ASSERT_TRUE(out_.next([&](const Parsed& p) { return data_of_fd(p, seq); }, 2s));
  EXPECT_EQ(seq, sent[2]);
  input(frame(kPeerIss + 1, 0, kTcpRst, {}));
  zts_bsd_close(fd);
}

// The delivery-rate model (scripts/lwip-patches/11-): on a path with a
// round trip of a few milliseconds, a loss while the delivery rate still
// grows is not taken for congestion; with round trips under 2 ms the sender
// halves its window as Reno does.
class TcpRateModel : public TcpLossRecovery {
 protected:
  TcpRateModel() { round_trip_ = 6ms; }
};

TEST_F(TcpRateModel, LossWhileTheDeliveryRateGrowsKeepsTheWindow) {
  // Reno would halve cwnd (16 segments): about 15 new segments for 31
  // delivered. Kept and still growing: at least one new per delivery.
  EXPECT_GE(new_data_in_lossy_round(), 31u);
}

TEST_F(TcpLossRecovery, LossOnAShortRoundTripHalvesTheWindow) {
  round_trip_ = 0ms;  // under the 2 ms the model needs: Reno's halving
  EXPECT_LE(new_data_in_lossy_round(), 17u);
}

}  // namespace
}  // namespace zt::stack
