// Two stacks in two processes, frames carried over UDP on 127.0.0.1: TCP
// and UDP exchanges through the zts_ API against the peer's echo service.
#include <gtest/gtest.h>

#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "stack/stack_peer.hpp"
#include "zts.h"

namespace zt::test {
namespace {

using A = PeerAddresses;

class TwoStacks : public ::testing::Test {
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
  }

  static int connected(const char* ip) {
    const int fd = zts_bsd_socket(zts_util_get_ip_family(ip), ZTS_SOCK_STREAM, 0);
    EXPECT_GE(fd, 0);
    EXPECT_EQ(zts_connect(fd, ip, A::kEchoPort, 10000), ZTS_ERR_OK) << "zts_errno " << zts_errno;
    EXPECT_EQ(zts_set_recv_timeout(fd, 10, 0), ZTS_ERR_OK);
    return fd;
  }

  static std::string receive_exactly(int fd, std::size_t n) {
    std::string got(n, '\0');
    std::size_t have = 0;
    while (have < n) {
      const ssize_t r = zts_recv(fd, got.data() + have, n - have, 0);
      if (r <= 0) break;
      have += static_cast<std::size_t>(r);
    }
    got.resize(have);
    return got;
  }

  static inline StackPeer* peer_ = nullptr;
};

TEST_F(TwoStacks, TcpEchoOverIpv4) {
  const int fd = zts_tcp_client(A::kPeer4, A::kEchoPort);
  ASSERT_GE(fd, 0) << zts_errno;
  ASSERT_EQ(zts_set_recv_timeout(fd, 10, 0), ZTS_ERR_OK);
  char local[ZTS_IP_MAX_STR_LEN], remote[ZTS_IP_MAX_STR_LEN];
  unsigned short local_port = 0, remote_port = 0;
  ASSERT_EQ(zts_getsockname(fd, local, sizeof local, &local_port), ZTS_ERR_OK);
  ASSERT_EQ(zts_getpeername(fd, remote, sizeof remote, &remote_port), ZTS_ERR_OK);
  EXPECT_STREQ(local, A::kLocal4);
  EXPECT_STREQ(remote, A::kPeer4);
  EXPECT_EQ(remote_port, A::kEchoPort);
  EXPECT_NE(local_port, 0);

  std::string message(60000, '\0');
  for (std::size_t i = 0; i < message.size(); ++i) message[i] = static_cast<char>('a' + i % 26);
  ASSERT_EQ(zts_write(fd, message.data(), message.size()), static_cast<ssize_t>(message.size()));
  EXPECT_EQ(receive_exactly(fd, message.size()), message);
  zts_close(fd);
}

TEST_F(TwoStacks, TcpEchoOverIpv6) {
  zts_sockaddr_in6 to{};
  zts_socklen_t len = sizeof to;
  ASSERT_EQ(
      zts_util_ipstr_to_saddr(A::kPeer6, A::kEchoPort, reinterpret_cast<zts_sockaddr*>(&to), &len),
      ZTS_ERR_OK);
  const int fd = zts_bsd_socket(ZTS_AF_INET6, ZTS_SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(zts_bsd_connect(fd, reinterpret_cast<zts_sockaddr*>(&to), len), ZTS_ERR_OK)
      << zts_errno;
  ASSERT_EQ(zts_set_recv_timeout(fd, 10, 0), ZTS_ERR_OK);
  const std::string message = "over IPv6, no duplicate address detection to wait for";
  ASSERT_EQ(zts_send(fd, message.data(), message.size(), 0), static_cast<ssize_t>(message.size()));
  EXPECT_EQ(receive_exactly(fd, message.size()), message);
  zts_close(fd);
}

// 8 MiB each way at once: one thread writes while another reads the same
// socket (the echo's replies would otherwise fill both windows and stall).
TEST_F(TwoStacks, LargeTransferWithConcurrentReaderAndWriter) {
  const int fd = connected(A::kPeer4);
  constexpr std::size_t kBytes = 8 * 1024 * 1024;
  std::vector<std::uint8_t> data(kBytes);
  std::uint32_t x = 12345;
  for (auto& b : data) b = static_cast<std::uint8_t>((x = x * 1103515245 + 12345) >> 24);

  std::thread writer([&] {
    std::size_t sent = 0;
    while (sent < kBytes) {
      const ssize_t n =
          zts_send(fd, data.data() + sent, std::min<std::size_t>(kBytes - sent, 100000), 0);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  });
  std::vector<std::uint8_t> got(kBytes);
  std::size_t have = 0;
  while (have < kBytes) {
    const ssize_t n = zts_recv(fd, got.data() + have, kBytes - have, 0);
    if (n <= 0) break;
    have += static_cast<std::size_t>(n);
  }
  writer.join();
  EXPECT_EQ(have, kBytes);
  EXPECT_TRUE(got == data);
  zts_close(fd);
}

TEST_F(TwoStacks, HalfCloseDeliversEverythingThenEndOfStream) {
  const int fd = connected(A::kPeer4);
  ASSERT_EQ(zts_send(fd, "last words", 10, 0), 10);
  ASSERT_EQ(zts_shutdown_wr(fd), ZTS_ERR_OK);
  EXPECT_EQ(receive_exactly(fd, 10), "last words");
  char c;
  EXPECT_EQ(zts_recv(fd, &c, 1, 0), 0) << "the echo closes after our end of stream";
  EXPECT_EQ(zts_send(fd, "x", 1, 0), ZTS_ERR_SOCKET) << "writing after shutdown fails";
  zts_close(fd);
}

TEST_F(TwoStacks, ConnectToClosedPeerPortIsRefused) {
  const int fd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  EXPECT_EQ(zts_connect(fd, A::kPeer4, 9, 10000), ZTS_ERR_SOCKET);
  EXPECT_EQ(zts_errno, ZTS_ECONNREFUSED);
  zts_close(fd);
}

TEST_F(TwoStacks, UdpEchoOverIpv4AndIpv6) {
  for (const char* peer : {A::kPeer4, A::kPeer6}) {
    const int fd = zts_udp_client(peer);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(zts_set_recv_timeout(fd, 2, 0), ZTS_ERR_OK);
    zts_sockaddr_storage to{};
    zts_socklen_t len = sizeof to;
    ASSERT_EQ(
        zts_util_ipstr_to_saddr(peer, A::kEchoPort, reinterpret_cast<zts_sockaddr*>(&to), &len),
        ZTS_ERR_OK);
    const std::string message = std::string("datagram to ") + peer;
    // The first datagram may wait on address resolution; UDP promises no
    // delivery, so ask again a few times.
    std::string reply;
    for (int attempt = 0; attempt < 5 && reply.empty(); ++attempt) {
      ASSERT_EQ(zts_bsd_sendto(fd, message.data(), message.size(), 0,
                               reinterpret_cast<zts_sockaddr*>(&to), len),
                static_cast<ssize_t>(message.size()));
      char buf[128];
      zts_sockaddr_storage from{};
      zts_socklen_t fromlen = sizeof from;
      const ssize_t n = zts_bsd_recvfrom(fd, buf, sizeof buf, 0,
                                         reinterpret_cast<zts_sockaddr*>(&from), &fromlen);
      if (n > 0) {
        reply.assign(buf, static_cast<std::size_t>(n));
        char text[ZTS_IP_MAX_STR_LEN];
        unsigned short port = 0;
        ASSERT_EQ(zts_util_ntop(reinterpret_cast<zts_sockaddr*>(&from), fromlen, text, sizeof text,
                                &port),
                  ZTS_ERR_OK);
        EXPECT_STREQ(text, peer);
        EXPECT_EQ(port, A::kEchoPort);
      }
    }
    EXPECT_EQ(reply, message);
    zts_close(fd);
  }
}

TEST_F(TwoStacks, HundredConcurrentConnections) {
  std::vector<int> fds;
  for (int i = 0; i < 100; ++i) {
    const int fd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(zts_connect(fd, A::kPeer4, A::kEchoPort, 10000), ZTS_ERR_OK)
        << i << ": " << zts_errno;
    ASSERT_EQ(zts_set_recv_timeout(fd, 10, 0), ZTS_ERR_OK);
    fds.push_back(fd);
  }
  for (std::size_t i = 0; i < fds.size(); ++i) {
    const std::string m = "connection " + std::to_string(i);
    ASSERT_EQ(zts_send(fds[i], m.data(), m.size(), 0), static_cast<ssize_t>(m.size()));
  }
  for (std::size_t i = 0; i < fds.size(); ++i) {
    const std::string m = "connection " + std::to_string(i);
    EXPECT_EQ(receive_exactly(fds[i], m.size()), m);
  }
  for (int fd : fds) zts_close(fd);
}

}  // namespace
}  // namespace zt::test
