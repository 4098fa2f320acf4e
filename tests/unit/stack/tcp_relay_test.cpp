// TcpRelay and UdpEndpoint against a second stack's echo service (another
// process, StackPeer): the fd side is one end of a socketpair held here, as
// an intercepted program holds it.
#include "stack/tcp_relay.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <future>
#include <string>
#include <thread>
#include <vector>

#include "service/intercept_server.hpp"
#include "stack/stack_peer.hpp"
#include "stack/udp_endpoint.hpp"

namespace zt::test {
namespace {

using A = PeerAddresses;

InetAddress peer(const char* ip, std::uint16_t port) {
  InetAddress a = *InetAddress::from_string(ip);
  a.set_port(port);
  return a;
}

short poll_events(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  return poll(&p, 1, timeout_ms) > 0 ? p.revents : 0;
}

class TcpRelayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    peer_ = StackPeer::start(&error).release();
    ASSERT_NE(peer_, nullptr) << error;
  }
  static void TearDownTestSuite() {
    delete peer_;
    peer_ = nullptr;
  }
  void SetUp() override {
    if (peer_ == nullptr) GTEST_SKIP() << "no peer process";
    std::string error;
    poller_ = io::Poller::start("relay-test", &error);
    ASSERT_TRUE(poller_) << error;
  }

  // A relay to the peer's echo port with the program's end in *program.
  std::shared_ptr<stack::TcpRelay> connect(const InetAddress& to, int* program,
                                           std::future<int>* outcome, bool gated = true) {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    auto result = std::make_shared<std::promise<int>>();
    *outcome = result->get_future();
    int error = 0;
    auto relay = stack::TcpRelay::connect(*poller_, {}, to, true,
                                          [result](int e) { result->set_value(e); }, &error);
    EXPECT_TRUE(relay) << error;
    const std::size_t gate = gated ? service::InterceptServer::fill_gate(fds[0]) : 0;
    if (relay) relay->attach(fds[1], gate, [](int) {});
    *program = fds[0];
    return relay;
  }

  static inline StackPeer* peer_ = nullptr;
  std::unique_ptr<io::Poller> poller_;
};

TEST_F(TcpRelayTest, GatedUntilConnectedThenEchoes) {
  int fd;
  std::future<int> outcome;
  auto relay = connect(peer(A::kPeer4, A::kEchoPort), &fd, &outcome);
  ASSERT_TRUE(relay);
  ASSERT_EQ(outcome.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(outcome.get(), 0);
  // Writable once the gate is drained, not before (checked by the gate's
  // own test below).
  EXPECT_TRUE(poll_events(fd, POLLOUT, 5000) & POLLOUT);
  const std::string message = "hello through the relay";
  ASSERT_EQ(write(fd, message.data(), message.size()), static_cast<ssize_t>(message.size()));
  std::string got(message.size(), '\0');
  std::size_t have = 0;
  while (have < got.size() && poll_events(fd, POLLIN, 5000)) {
    const ssize_t n = read(fd, got.data() + have, got.size() - have);
    if (n <= 0) break;
    have += static_cast<std::size_t>(n);
  }
  EXPECT_EQ(got, message);
  const stack::TcpRelay::Status st = relay->status(false);
  EXPECT_TRUE(st.connected);
  EXPECT_EQ(st.remote, peer(A::kPeer4, A::kEchoPort));
  EXPECT_EQ(st.local.ip_string(), A::kLocal4);
  close(fd);
  relay->close();
}

TEST_F(TcpRelayTest, TheGateKeepsTheProgramsEndUnwritable) {
  int fds[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  EXPECT_TRUE(poll_events(fds[0], POLLOUT, 0) & POLLOUT);
  const std::size_t gate = service::InterceptServer::fill_gate(fds[0]);
  EXPECT_GT(gate, 0u);
  EXPECT_FALSE(poll_events(fds[0], POLLOUT, 0) & POLLOUT);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  char byte = 'x';
  EXPECT_EQ(write(fds[0], &byte, 1), -1);
  EXPECT_EQ(errno, EAGAIN);
  // Draining exactly the gate opens it.
  std::vector<char> sink(gate);
  std::size_t drained = 0;
  while (drained < gate) {
    const ssize_t n = read(fds[1], sink.data(), gate - drained);
    ASSERT_GT(n, 0);
    drained += static_cast<std::size_t>(n);
  }
  EXPECT_TRUE(poll_events(fds[0], POLLOUT, 1000) & POLLOUT);
  close(fds[0]);
  close(fds[1]);
}

TEST_F(TcpRelayTest, RefusedConnectHangsUpTheProgramsEnd) {
  int fd;
  std::future<int> outcome;
  auto relay = connect(peer(A::kPeer4, 9), &fd, &outcome);
  ASSERT_TRUE(relay);
  ASSERT_EQ(outcome.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(outcome.get(), ECONNREFUSED);
  EXPECT_TRUE(poll_events(fd, POLLOUT, 5000) & POLLHUP);
  EXPECT_EQ(relay->status(true).so_error, ECONNREFUSED);
  EXPECT_EQ(relay->status(false).so_error, 0);  // read once, as SO_ERROR is
  close(fd);
}

TEST_F(TcpRelayTest, FourMebibytesEachWayWithBackpressure) {
  int fd;
  std::future<int> outcome;
  auto relay = connect(peer(A::kPeer4, A::kEchoPort), &fd, &outcome, false);
  ASSERT_TRUE(relay);
  ASSERT_EQ(outcome.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  ASSERT_EQ(outcome.get(), 0);
  std::vector<char> data(4 << 20);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + i / 4096);
  std::thread writer([&] {
    std::size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = write(fd, data.data() + sent, std::min<std::size_t>(100000, data.size() - sent));
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    shutdown(fd, SHUT_WR);
  });
  std::vector<char> got;
  got.reserve(data.size());
  char buffer[65536];
  while (got.size() < data.size() && poll_events(fd, POLLIN, 10000)) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    got.insert(got.end(), buffer, buffer + n);
  }
  writer.join();
  EXPECT_EQ(got.size(), data.size());
  EXPECT_TRUE(got == data);
  close(fd);
}

TEST_F(TcpRelayTest, UdpEndpointExchangesDatagrams) {
  std::promise<std::string> reply;
  std::atomic<bool> done{false};
  int error = 0;
  stack::LocalBinding any;
  auto endpoint = stack::UdpEndpoint::open(
      any,
      [&](const InetAddress& from, std::span<const std::uint8_t> data) {
        if (from == peer(A::kPeer4, A::kEchoPort) && !done.exchange(true))
          reply.set_value(std::string(data.begin(), data.end()));
      },
      &error);
  ASSERT_TRUE(endpoint) << error;
  const std::string message = "datagram";
  auto got = reply.get_future();
  for (int attempt = 0; attempt < 5; ++attempt) {
    ASSERT_EQ(endpoint->send_to(peer(A::kPeer4, A::kEchoPort),
                                {reinterpret_cast<const std::uint8_t*>(message.data()), message.size()}),
              0);
    if (got.wait_for(std::chrono::seconds(1)) == std::future_status::ready) break;
  }
  ASSERT_EQ(got.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  EXPECT_EQ(got.get(), message);
  EXPECT_NE(endpoint->local().port(), 0);
  EXPECT_EQ(endpoint->send_to(peer("10.200.0.1", 7), {}), ENETUNREACH);
}

}  // namespace
}  // namespace zt::test
