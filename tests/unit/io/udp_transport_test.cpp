// A node's socket set: which LocalSocket a datagram arrives on and leaves by.
#include <gtest/gtest.h>

#include <poll.h>

#include <string>
#include <vector>

#include "io/udp_socket.hpp"
#include "io/udp_transport.hpp"

namespace zt::io {
namespace {

using Family = InetAddress::Family;

InetAddress loopback(Family family, std::uint16_t port) {
  InetAddress a = *InetAddress::from_string(family == Family::kV4 ? "127.0.0.1" : "::1");
  a.set_port(port);
  return a;
}

std::vector<std::uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

struct Arrival {
  LocalSocket socket;
  InetAddress from;
  std::vector<std::uint8_t> data;
};

class UdpTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    loop_ = EventLoop::create(&error);
    ASSERT_TRUE(loop_) << error;
  }

  std::unique_ptr<UdpTransport> open(UdpTransportOptions options, std::string* error) {
    return UdpTransport::open(*loop_, options, [this](LocalSocket s, const InetAddress& from,
                                                      std::span<const std::uint8_t> d) {
      arrivals_.push_back({s, from, {d.begin(), d.end()}});
      if (arrivals_.size() >= wanted_) loop_->stop();
    }, error);
  }

  // Runs the loop until `count` datagrams have arrived (or 3 s passed).
  void run_until(std::size_t count) {
    wanted_ = count;
    if (arrivals_.size() >= wanted_) return;
    const TimerId watchdog = loop_->schedule_after(3000, [this] { loop_->stop(); });
    loop_->run();
    loop_->cancel(watchdog);
  }

  std::unique_ptr<EventLoop> loop_;
  std::vector<Arrival> arrivals_;
  std::size_t wanted_ = 1;
};

std::vector<Arrival> receive_on(UdpSocket& s) {
  std::vector<Arrival> out;
  pollfd p{s.fd(), POLLIN, 0};
  if (poll(&p, 1, 2000) != 1) return out;
  s.receive_batch([&](const InetAddress& from, std::span<const std::uint8_t> d) {
    out.push_back({kAnySocket, from, {d.begin(), d.end()}});
  });
  return out;
}

TEST_F(UdpTransportTest, DeliversWithTheSocketItArrivedOn) {
  std::string error;
  auto t = open({.primary_port = 0, .secondary_port = 0, .ipv6 = true}, &error);
  ASSERT_TRUE(t) << error;
  ASSERT_NE(t->primary_port(), 0);
  ASSERT_TRUE(t->secondary_port().has_value());
  EXPECT_NE(*t->secondary_port(), t->primary_port());
  for (const auto& s : t->sockets())
    EXPECT_EQ(s.port, s.primary ? t->primary_port() : *t->secondary_port());

  std::vector<Family> families{Family::kV4};
  if (t->has_ipv6()) families.push_back(Family::kV6);
  std::size_t expected = 0;
  for (Family f : families) {
    auto client = UdpSocket::open(f, 0, &error);
    ASSERT_TRUE(client) << error;
    ASSERT_TRUE(client->send_to(loopback(f, t->primary_port()), bytes("to primary")));
    run_until(++expected);
    ASSERT_EQ(arrivals_.size(), expected);
    EXPECT_EQ(arrivals_.back().socket, f == Family::kV4 ? 1 : 2);
    EXPECT_EQ(arrivals_.back().from, loopback(f, client->port()));
    EXPECT_EQ(arrivals_.back().data, bytes("to primary"));

    ASSERT_TRUE(client->send_to(loopback(f, *t->secondary_port()), bytes("to secondary")));
    run_until(++expected);
    ASSERT_EQ(arrivals_.size(), expected);
    EXPECT_EQ(arrivals_.back().socket, f == Family::kV4 ? 3 : 4);
    EXPECT_EQ(arrivals_.back().from.family(), f);
  }
}

TEST_F(UdpTransportTest, SendsFromTheChosenSocketOrThePrimaryOfTheFamily) {
  std::string error;
  auto t = open({.primary_port = 0, .secondary_port = 0, .ipv6 = true}, &error);
  ASSERT_TRUE(t) << error;
  auto client = UdpSocket::open(Family::kV4, 0, &error);
  ASSERT_TRUE(client) << error;
  const InetAddress to = loopback(Family::kV4, client->port());

  ASSERT_TRUE(t->send(kAnySocket, to, bytes("any")));
  auto got = receive_on(*client);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].from.port(), t->primary_port());

  ASSERT_TRUE(t->send(3, to, bytes("secondary")));
  got = receive_on(*client);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].from.port(), *t->secondary_port());

  // A socket of the wrong family, or one that does not exist, falls back
  // to the primary of the destination's family.
  ASSERT_TRUE(t->send(4, to, bytes("wrong family"), 2));
  got = receive_on(*client);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].from.port(), t->primary_port());
  ASSERT_TRUE(t->send(99, to, bytes("unknown")));
  got = receive_on(*client);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].from.port(), t->primary_port());

  EXPECT_FALSE(t->send(kAnySocket, InetAddress(), bytes("nil")));
}

TEST_F(UdpTransportTest, Ipv6CanBeLeftOut) {
  std::string error;
  auto t = open({.primary_port = 0, .secondary_port = std::nullopt, .ipv6 = false}, &error);
  ASSERT_TRUE(t) << error;
  EXPECT_FALSE(t->has_ipv6());
  EXPECT_FALSE(t->secondary_port().has_value());
  ASSERT_EQ(t->sockets().size(), 1u);
  EXPECT_EQ(t->sockets()[0].id, 1);
  EXPECT_FALSE(t->send(kAnySocket, loopback(Family::kV6, 9), bytes("no v6 socket")));
}

TEST_F(UdpTransportTest, PrimaryPortInUseIsAnError) {
  std::string error;
  auto holder = UdpSocket::open(Family::kV4, 0, &error);
  ASSERT_TRUE(holder) << error;
  auto t = open({.primary_port = holder->port(), .secondary_port = std::nullopt, .ipv6 = true},
                &error);
  EXPECT_EQ(t, nullptr);
  EXPECT_NE(error.find("UDP port " + std::to_string(holder->port()) + " is already in use"),
            std::string::npos)
      << error;
}

TEST_F(UdpTransportTest, ClosingUnhooksTheSocketsFromTheLoop) {
  std::string error;
  auto t = open({.primary_port = 0, .secondary_port = std::nullopt, .ipv6 = false}, &error);
  ASSERT_TRUE(t) << error;
  const std::uint16_t port = t->primary_port();
  t.reset();
  // The port is free again and the loop no longer watches the old fd.
  auto again = open({.primary_port = port, .secondary_port = std::nullopt, .ipv6 = false}, &error);
  ASSERT_TRUE(again) << error;
  auto client = UdpSocket::open(Family::kV4, 0, &error);
  ASSERT_TRUE(client) << error;
  ASSERT_TRUE(client->send_to(loopback(Family::kV4, port), bytes("after reopen")));
  run_until(1);
  ASSERT_EQ(arrivals_.size(), 1u);
  EXPECT_EQ(arrivals_[0].socket, 1);
}

}  // namespace
}  // namespace zt::io
