// UDP sockets on loopback: send/receive per family, batches, TTL, errors.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <poll.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "io/sockaddr.hpp"
#include "io/udp_socket.hpp"

namespace zt::io {
namespace {

using Family = InetAddress::Family;

InetAddress loopback(Family family, std::uint16_t port) {
  InetAddress a = *InetAddress::from_string(family == Family::kV4 ? "127.0.0.1" : "::1");
  a.set_port(port);
  return a;
}

std::unique_ptr<UdpSocket> open_or_skip(Family family, std::string* why) {
  std::string error;
  auto s = UdpSocket::open(family, 0, &error);
  if (!s) *why = error;
  return s;
}

bool wait_readable(const UdpSocket& s, int timeout_ms = 2000) {
  pollfd p{s.fd(), POLLIN, 0};
  return poll(&p, 1, timeout_ms) == 1;
}

struct Received {
  InetAddress from;
  std::vector<std::uint8_t> data;
};

std::vector<Received> receive(UdpSocket& s, std::size_t max = 256) {
  std::vector<Received> out;
  s.receive_batch([&](const InetAddress& from, std::span<const std::uint8_t> d) {
    out.push_back({from, {d.begin(), d.end()}});
  }, max);
  return out;
}

std::vector<std::uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

void round_trip(Family family) {
  std::string why;
  auto a = open_or_skip(family, &why);
  auto b = open_or_skip(family, &why);
  if (family == Family::kV6 && (!a || !b)) GTEST_SKIP() << "no IPv6 here: " << why;
  ASSERT_TRUE(a && b) << why;
  EXPECT_NE(a->port(), 0);
  EXPECT_NE(a->port(), b->port());
  EXPECT_EQ(a->family(), family);
  EXPECT_GT(a->receive_buffer_bytes(), 0);

  const auto payload = bytes("hello over loopback");
  ASSERT_TRUE(a->send_to(loopback(family, b->port()), payload));
  ASSERT_TRUE(wait_readable(*b));
  auto got = receive(*b);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].data, payload);
  EXPECT_EQ(got[0].from, loopback(family, a->port()));

  // Nothing more queued: a second call returns at once with nothing.
  EXPECT_TRUE(receive(*b).empty());
}

TEST(UdpSocket, RoundTripOnIpv4Loopback) { round_trip(Family::kV4); }

TEST(UdpSocket, RoundTripOnIpv6Loopback) { round_trip(Family::kV6); }

TEST(UdpSocket, BatchReceiveTakesAHundredDatagramsInOrder) {
  std::string error;
  auto tx = UdpSocket::open(Family::kV4, 0, &error);
  auto rx = UdpSocket::open(Family::kV4, 0, &error);
  ASSERT_TRUE(tx && rx) << error;
  const auto to = loopback(Family::kV4, rx->port());
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(tx->send_to(to, bytes("datagram " + std::to_string(i))));
  ASSERT_TRUE(wait_readable(*rx));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let loopback queue all of them

  // More than one recvmmsg batch (32) in one call, bounded by max_datagrams.
  auto first = receive(*rx, 10);
  EXPECT_EQ(first.size(), 10u);
  auto rest = receive(*rx);
  EXPECT_EQ(rest.size(), 90u);
  first.insert(first.end(), rest.begin(), rest.end());
  ASSERT_EQ(first.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(first[i].data, bytes("datagram " + std::to_string(i)));
    EXPECT_EQ(first[i].from.port(), tx->port());
  }
}

TEST(UdpSocket, PortInUseIsAClearError) {
  std::string error;
  auto first = UdpSocket::open(Family::kV4, 0, &error);
  ASSERT_TRUE(first) << error;
  const std::uint16_t port = first->port();
  auto second = UdpSocket::open(Family::kV4, port, &error);
  EXPECT_EQ(second, nullptr);
  EXPECT_NE(error.find("UDP port " + std::to_string(port)), std::string::npos) << error;
  EXPECT_NE(error.find("in use"), std::string::npos) << error;
}

TEST(UdpSocket, Ipv6SocketLeavesTheIpv4PortFree) {
  std::string error;
  auto v4 = UdpSocket::open(Family::kV4, 0, &error);
  ASSERT_TRUE(v4) << error;
  auto v6 = UdpSocket::open(Family::kV6, v4->port(), &error);
  if (!v6 && error.find("not available") != std::string::npos) GTEST_SKIP() << error;
  ASSERT_TRUE(v6) << error;  // IPV6_V6ONLY: same number, separate socket
  EXPECT_EQ(v6->port(), v4->port());
}

TEST(UdpSocket, SendRefusesTheOtherFamily) {
  std::string error;
  auto v4 = UdpSocket::open(Family::kV4, 0, &error);
  ASSERT_TRUE(v4) << error;
  EXPECT_FALSE(v4->send_to(loopback(Family::kV6, 9), bytes("x")));
  EXPECT_FALSE(v4->send_to(InetAddress(), bytes("x")));
}

TEST(UdpSocket, TtlAppliesToOneSendOnly) {
  std::string error;
  auto tx = UdpSocket::open(Family::kV4, 0, &error);
  auto rx = UdpSocket::open(Family::kV4, 0, &error);
  ASSERT_TRUE(tx && rx) << error;
  int before = 0, after = 0;
  socklen_t len = sizeof before;
  ASSERT_EQ(getsockopt(tx->fd(), IPPROTO_IP, IP_TTL, &before, &len), 0);
  ASSERT_TRUE(tx->send_to(loopback(Family::kV4, rx->port()), bytes("short ttl"), 2));
  len = sizeof after;
  ASSERT_EQ(getsockopt(tx->fd(), IPPROTO_IP, IP_TTL, &after, &len), 0);
  EXPECT_EQ(after, before);
  EXPECT_NE(after, 2);
  ASSERT_TRUE(wait_readable(*rx));
  auto got = receive(*rx);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].data, bytes("short ttl"));
}

TEST(UdpSocket, OversizedDatagramIsDroppedAndCounted) {
  std::string error;
  auto tx = UdpSocket::open(Family::kV4, 0, &error);
  auto rx = UdpSocket::open(Family::kV4, 0, &error);
  ASSERT_TRUE(tx && rx) << error;
  const auto to = loopback(Family::kV4, rx->port());
  ASSERT_TRUE(tx->send_to(to, std::vector<std::uint8_t>(UdpSocket::kMaxDatagram + 1, 0xab)));
  ASSERT_TRUE(tx->send_to(to, bytes("small")));
  ASSERT_TRUE(wait_readable(*rx));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto got = receive(*rx);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].data, bytes("small"));
  EXPECT_EQ(rx->truncated(), 1u);
}

TEST(Sockaddr, RoundTripsAndUnmapsIpv4MappedAddresses) {
  for (const char* text : {"10.1.2.3/9993", "2001:db8::7/443"}) {
    const InetAddress a = *InetAddress::from_string(text);
    sockaddr_storage ss;
    const socklen_t len = to_sockaddr(a, ss);
    ASSERT_GT(len, 0u);
    EXPECT_EQ(from_sockaddr(ss, len), a) << text;
  }
  const InetAddress mapped = *InetAddress::from_string("::ffff:192.168.7.9/1234");
  sockaddr_storage ss;
  const socklen_t len = to_sockaddr(mapped, ss);
  EXPECT_EQ(from_sockaddr(ss, len), *InetAddress::from_string("192.168.7.9/1234"));
  EXPECT_TRUE(from_sockaddr(ss, 4).is_nil());  // too short to trust
  EXPECT_EQ(to_sockaddr(InetAddress(), ss), 0u);
}

}  // namespace
}  // namespace zt::io
