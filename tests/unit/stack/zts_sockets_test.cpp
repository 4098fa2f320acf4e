// The zts_ socket layer inside one process: argument and errno semantics,
// options, and TCP/UDP over the stack's loopback (127.0.0.1).
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "zts.h"

namespace {

zts_sockaddr_in loopback(unsigned short port) {
  zts_sockaddr_in a{};
  a.sin_family = ZTS_AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

const zts_sockaddr* sa(const zts_sockaddr_in& a) {
  return reinterpret_cast<const zts_sockaddr*>(&a);
}

unsigned short local_port(int fd) {
  zts_sockaddr_in a{};
  zts_socklen_t len = sizeof a;
  EXPECT_EQ(zts_bsd_getsockname(fd, reinterpret_cast<zts_sockaddr*>(&a), &len), ZTS_ERR_OK);
  return ntohs(a.sin_port);
}

// A listening TCP socket on 127.0.0.1 and a free port.
int listener(unsigned short* port) {
  const int fd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  auto a = loopback(0);
  EXPECT_EQ(zts_bsd_bind(fd, sa(a), sizeof a), ZTS_ERR_OK);
  EXPECT_EQ(zts_bsd_listen(fd, 8), ZTS_ERR_OK);
  *port = local_port(fd);
  return fd;
}

void set_receive_timeout(int fd) { ASSERT_EQ(zts_set_recv_timeout(fd, 5, 0), ZTS_ERR_OK); }

TEST(ZtsSockets, ClosedOrInvalidDescriptorIsEbadf) {
  EXPECT_EQ(zts_bsd_close(4000), ZTS_ERR_SOCKET);
  EXPECT_EQ(zts_errno, ZTS_EBADF);
  char b[4];
  EXPECT_EQ(zts_bsd_recv(-1, b, sizeof b, 0), ZTS_ERR_SOCKET);
  EXPECT_EQ(zts_errno, ZTS_EBADF);
  const int fd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(zts_bsd_close(fd), ZTS_ERR_OK);
  EXPECT_EQ(zts_bsd_send(fd, "x", 1, 0), ZTS_ERR_SOCKET);
  EXPECT_EQ(zts_errno, ZTS_EBADF);
}

TEST(ZtsSockets, BadArgumentsAreRejected) {
  EXPECT_EQ(zts_bsd_socket(1 /* AF_UNIX */, ZTS_SOCK_STREAM, 0), ZTS_ERR_SOCKET);
  EXPECT_EQ(zts_errno, ZTS_EAFNOSUPPORT);
  EXPECT_EQ(zts_bsd_socket(ZTS_AF_INET, 99, 0), ZTS_ERR_SOCKET);
  const int fd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(zts_bsd_connect(fd, nullptr, 16), ZTS_ERR_ARG);
  auto a = loopback(1);
  EXPECT_EQ(zts_bsd_connect(fd, sa(a), 8), ZTS_ERR_ARG) << "too short for a zts_sockaddr_in";
  EXPECT_EQ(zts_bsd_setsockopt(fd, ZTS_SOL_SOCKET, 0x7777, "", 0), ZTS_ERR_SOCKET);
  EXPECT_EQ(zts_errno, ZTS_ENOPROTOOPT);
  EXPECT_EQ(zts_connect(fd, "not an address", 80, 100), ZTS_ERR_ARG);
  EXPECT_EQ(zts_bsd_close(fd), ZTS_ERR_OK);
}

TEST(ZtsSockets, ConnectToClosedPortIsRefused) {
  unsigned short port;
  const int l = listener(&port);
  ASSERT_EQ(zts_bsd_close(l), ZTS_ERR_OK);  // nothing listens there any more

  const int fd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  auto a = loopback(port);
  EXPECT_EQ(zts_bsd_connect(fd, sa(a), sizeof a), ZTS_ERR_SOCKET);
  EXPECT_EQ(zts_errno, ZTS_ECONNREFUSED);
  zts_bsd_close(fd);

  // The same seen through a nonblocking connect and SO_ERROR.
  const int nb = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  ASSERT_EQ(zts_set_blocking(nb, 0), ZTS_ERR_OK);
  EXPECT_EQ(zts_bsd_connect(nb, sa(a), sizeof a), ZTS_ERR_SOCKET);
  EXPECT_EQ(zts_errno, ZTS_EINPROGRESS);
  zts_pollfd p{nb, ZTS_POLLOUT, 0};
  ASSERT_EQ(zts_bsd_poll(&p, 1, 5000), 1);
  EXPECT_NE(p.revents & ZTS_POLLERR, 0);
  EXPECT_EQ(zts_get_last_socket_error(nb), ZTS_ECONNREFUSED);
  zts_bsd_close(nb);
}

TEST(ZtsSockets, NonblockingConnectCompletesAndBecomesWritable) {
  unsigned short port;
  const int l = listener(&port);
  const int fd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  int on = 1;
  ASSERT_EQ(zts_bsd_ioctl(fd, ZTS_FIONBIO, &on), ZTS_ERR_OK);
  EXPECT_EQ(zts_get_blocking(fd), 0);
  auto a = loopback(port);
  EXPECT_EQ(zts_bsd_connect(fd, sa(a), sizeof a), ZTS_ERR_SOCKET);
  EXPECT_EQ(zts_errno, ZTS_EINPROGRESS);

  zts_fd_set writable;
  ZTS_FD_ZERO(&writable);
  ZTS_FD_SET(fd, &writable);
  zts_timeval limit{5, 0};
  ASSERT_EQ(zts_bsd_select(fd + 1, nullptr, &writable, nullptr, &limit), 1);
  EXPECT_TRUE(ZTS_FD_ISSET(fd, &writable));
  EXPECT_EQ(zts_get_last_socket_error(fd), 0);
  EXPECT_EQ(zts_bsd_connect(fd, sa(a), sizeof a), ZTS_ERR_SOCKET);
  EXPECT_EQ(zts_errno, ZTS_EISCONN);

  const int server = zts_bsd_accept(l, nullptr, nullptr);
  ASSERT_GE(server, 0);
  char buf[8];
  EXPECT_EQ(zts_bsd_recv(fd, buf, sizeof buf, 0), ZTS_ERR_SOCKET) << "nothing sent yet";
  EXPECT_EQ(zts_errno, ZTS_EAGAIN);
  zts_bsd_close(server);
  zts_bsd_close(fd);
  zts_bsd_close(l);
}

TEST(ZtsSockets, NonblockingAcceptAndReceiveSayEagain) {
  unsigned short port;
  const int l = listener(&port);
  ASSERT_EQ(zts_bsd_fcntl(l, ZTS_F_SETFL, ZTS_O_NONBLOCK), ZTS_ERR_OK);
  EXPECT_NE(zts_bsd_fcntl(l, ZTS_F_GETFL, 0) & ZTS_O_NONBLOCK, 0);
  EXPECT_EQ(zts_bsd_accept(l, nullptr, nullptr), ZTS_ERR_SOCKET);
  EXPECT_EQ(zts_errno, ZTS_EAGAIN);
  zts_bsd_close(l);

  const int u = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_DGRAM, 0);
  char buf[8];
  EXPECT_EQ(zts_bsd_recv(u, buf, sizeof buf, ZTS_MSG_DONTWAIT), ZTS_ERR_SOCKET);
  EXPECT_EQ(zts_errno, ZTS_EAGAIN);
  ASSERT_EQ(zts_set_recv_timeout(u, 0, 20000), ZTS_ERR_OK);
  EXPECT_EQ(zts_bsd_recv(u, buf, sizeof buf, 0), ZTS_ERR_SOCKET)
      << "a receive timeout reports EAGAIN";
  EXPECT_EQ(zts_errno, ZTS_EAGAIN);
  zts_bsd_close(u);
}

TEST(ZtsSockets, TcpOverLoopbackCarriesDataBothWays) {
  unsigned short port;
  const int l = listener(&port);
  const int c = zts_tcp_client("127.0.0.1", port);
  ASSERT_GE(c, 0) << zts_errno;
  char peer[ZTS_IP_MAX_STR_LEN];
  unsigned short peer_port = 0;
  const int s = zts_accept(l, peer, sizeof peer, &peer_port);
  ASSERT_GE(s, 0);
  EXPECT_STREQ(peer, "127.0.0.1");
  EXPECT_EQ(peer_port, local_port(c));
  set_receive_timeout(c);
  set_receive_timeout(s);

  std::vector<char> data(300000);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  // writev in two pieces, read back with readv.
  zts_iovec out[2] = {{data.data(), 100000}, {data.data() + 100000, data.size() - 100000}};
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = sent == 0 ? zts_bsd_writev(c, out, 2)
                                : zts_bsd_write(c, data.data() + sent, data.size() - sent);
    ASSERT_GT(n, 0) << zts_errno;
    sent += static_cast<std::size_t>(n);
  }
  std::vector<char> got(data.size());
  std::size_t received = 0;
  while (received < got.size()) {
    zts_iovec in[2] = {{got.data() + received, 1000},
                       {got.data() + received + 1000, got.size() - received - 1000}};
    const ssize_t n = received + 1000 < got.size()
                          ? zts_bsd_readv(s, in, 2)
                          : zts_bsd_read(s, got.data() + received, got.size() - received);
    ASSERT_GT(n, 0) << zts_errno;
    received += static_cast<std::size_t>(n);
  }
  EXPECT_EQ(got, data);

  ASSERT_EQ(zts_send(s, "pong", 4, 0), 4);
  char reply[4];
  ASSERT_EQ(zts_recv(c, reply, 4, 0), 4);
  EXPECT_EQ(std::string(reply, 4), "pong");

  // Half-close: the reader sees the end, the other direction still works.
  ASSERT_EQ(zts_shutdown_wr(c), ZTS_ERR_OK);
  EXPECT_EQ(zts_recv(s, reply, 4, 0), 0);
  ASSERT_EQ(zts_send(s, "late", 4, 0), 4);
  ASSERT_EQ(zts_recv(c, reply, 4, 0), 4);
  zts_close(s);
  zts_close(c);
  zts_close(l);
}

// More than 1024 connections at once (2000+ sockets in one stack).
TEST(ZtsSockets, OverAThousandConnectionsAtOnce) {
  constexpr int kConnections = 1030;
  unsigned short port;
  const int l = listener(&port);
  ASSERT_EQ(zts_bsd_listen(l, 255), ZTS_ERR_OK);
  std::vector<int> clients, servers;
  for (int i = 0; i < kConnections; ++i) {
    const int c = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
    ASSERT_GE(c, 0) << "socket " << i << ": " << zts_errno;
    auto a = loopback(port);
    ASSERT_EQ(zts_bsd_connect(c, sa(a), sizeof a), ZTS_ERR_OK)
        << "connect " << i << ": " << zts_errno;
    const int s = zts_bsd_accept(l, nullptr, nullptr);
    ASSERT_GE(s, 0) << "accept " << i << ": " << zts_errno;
    clients.push_back(c);
    servers.push_back(s);
  }
  // Every connection still carries data.
  for (int i = 0; i < kConnections; ++i) {
    const auto byte = static_cast<char>(i);
    ASSERT_EQ(zts_bsd_send(clients[static_cast<std::size_t>(i)], &byte, 1, 0), 1);
  }
  for (int i = 0; i < kConnections; ++i) {
    char got = 0;
    ASSERT_EQ(zts_bsd_recv(servers[static_cast<std::size_t>(i)], &got, 1, 0), 1);
    EXPECT_EQ(got, static_cast<char>(i));
  }
  for (int fd : clients) zts_close(fd);
  for (int fd : servers) zts_close(fd);
  zts_close(l);
}

TEST(ZtsSockets, UdpMessagesCarryTheirSource) {
  const int a = zts_udp_server("127.0.0.1", 0);
  const int b = zts_udp_server("127.0.0.1", 0);
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  set_receive_timeout(b);
  auto to = loopback(local_port(b));
  ASSERT_EQ(zts_bsd_sendto(a, "hello", 5, 0, sa(to), sizeof to), 5) << zts_errno;

  char buf[16];
  zts_sockaddr_storage from{};
  zts_socklen_t fromlen = sizeof from;
  ASSERT_EQ(
      zts_bsd_recvfrom(b, buf, sizeof buf, 0, reinterpret_cast<zts_sockaddr*>(&from), &fromlen), 5);
  EXPECT_EQ(std::string(buf, 5), "hello");
  EXPECT_EQ(fromlen, sizeof(zts_sockaddr_in));
  EXPECT_EQ(from.ss_family, ZTS_AF_INET);
  char text[ZTS_IP_MAX_STR_LEN];
  unsigned short port = 0;
  ASSERT_EQ(
      zts_util_ntop(reinterpret_cast<zts_sockaddr*>(&from), fromlen, text, sizeof text, &port),
      ZTS_ERR_OK);
  EXPECT_STREQ(text, "127.0.0.1");
  EXPECT_EQ(port, local_port(a));

  // sendmsg/recvmsg with a name and two pieces.
  char p1[] = "ab", p2[] = "cde";
  zts_iovec out[2] = {{p1, 2}, {p2, 3}};
  zts_msghdr m{};
  m.msg_name = &to;
  m.msg_namelen = sizeof to;
  m.msg_iov = out;
  m.msg_iovlen = 2;
  ASSERT_EQ(zts_bsd_sendmsg(a, &m, 0), 5);
  char small[3];
  zts_iovec in[1] = {{small, sizeof small}};
  zts_msghdr r{};
  zts_sockaddr_storage name{};
  r.msg_name = &name;
  r.msg_namelen = sizeof name;
  r.msg_iov = in;
  r.msg_iovlen = 1;
  ASSERT_EQ(zts_bsd_recvmsg(b, &r, 0), 3);
  EXPECT_EQ(std::string(small, 3), "abc");
  EXPECT_NE(r.msg_flags & ZTS_MSG_TRUNC, 0) << "the datagram was longer than the buffer";
  EXPECT_EQ(name.ss_family, ZTS_AF_INET);
  zts_close(a);
  zts_close(b);
}

TEST(ZtsSockets, OptionsRoundTrip) {
  const int fd = zts_bsd_socket(ZTS_AF_INET, ZTS_SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(zts_get_no_delay(fd), 0);
  ASSERT_EQ(zts_set_no_delay(fd, 1), ZTS_ERR_OK);
  EXPECT_EQ(zts_get_no_delay(fd), 1);
  ASSERT_EQ(zts_set_keepalive(fd, 1), ZTS_ERR_OK);
  EXPECT_EQ(zts_get_keepalive(fd), 1);
  ASSERT_EQ(zts_set_reuse_addr(fd, 1), ZTS_ERR_OK);
  EXPECT_EQ(zts_get_reuse_addr(fd), 1);
  ASSERT_EQ(zts_set_recv_timeout(fd, 3, 500000), ZTS_ERR_OK);
  EXPECT_EQ(zts_get_recv_timeout(fd), 3);
  ASSERT_EQ(zts_set_send_timeout(fd, 2, 0), ZTS_ERR_OK);
  EXPECT_EQ(zts_get_send_timeout(fd), 2);
  ASSERT_EQ(zts_set_linger(fd, 1, 7), ZTS_ERR_OK);
  EXPECT_EQ(zts_get_linger_enabled(fd), 1);
  EXPECT_EQ(zts_get_linger_value(fd), 7);
  ASSERT_EQ(zts_set_ttl(fd, 33), ZTS_ERR_OK);
  EXPECT_EQ(zts_get_ttl(fd), 33);
  int type = 0;
  zts_socklen_t len = sizeof type;
  ASSERT_EQ(zts_bsd_getsockopt(fd, ZTS_SOL_SOCKET, ZTS_SO_TYPE, &type, &len), ZTS_ERR_OK);
  EXPECT_EQ(type, ZTS_SOCK_STREAM);
  EXPECT_EQ(zts_get_blocking(fd), 1);
  ASSERT_EQ(zts_set_blocking(fd, 0), ZTS_ERR_OK);
  EXPECT_EQ(zts_get_blocking(fd), 0);
  EXPECT_EQ(zts_get_pending_data_size(fd), 0);
  zts_close(fd);
}

TEST(ZtsSockets, AddressUtilities) {
  EXPECT_EQ(zts_util_get_ip_family("10.1.2.3"), ZTS_AF_INET);
  EXPECT_EQ(zts_util_get_ip_family("fd00::1"), ZTS_AF_INET6);
  EXPECT_EQ(zts_util_get_ip_family("nope"), ZTS_ERR_ARG);
  zts_sockaddr_in6 a6{};
  zts_socklen_t len = sizeof a6;
  ASSERT_EQ(zts_util_ipstr_to_saddr("fd00::7", 9993, reinterpret_cast<zts_sockaddr*>(&a6), &len),
            ZTS_ERR_OK);
  EXPECT_EQ(len, sizeof a6);
  EXPECT_EQ(a6.sin6_family, ZTS_AF_INET6);
  EXPECT_EQ(a6.sin6_addr.un.u8_addr[15], 7);
  char text[ZTS_IP_MAX_STR_LEN];
  unsigned short port = 0;
  ASSERT_EQ(zts_util_ntop(reinterpret_cast<zts_sockaddr*>(&a6), len, text, sizeof text, &port),
            ZTS_ERR_OK);
  EXPECT_STREQ(text, "fd00::7");
  EXPECT_EQ(port, 9993);
  std::uint8_t raw[4];
  EXPECT_EQ(zts_inet_pton(ZTS_AF_INET, "1.2.3.4", raw), 1);
  EXPECT_EQ(zts_inet_pton(ZTS_AF_INET, "1.2.3", raw), 0);
  EXPECT_STREQ(zts_inet_ntop(ZTS_AF_INET, raw, text, sizeof text), "1.2.3.4");
  zts_sockaddr_in small{};
  len = 4;
  EXPECT_EQ(zts_util_ipstr_to_saddr("1.2.3.4", 1, reinterpret_cast<zts_sockaddr*>(&small), &len),
            ZTS_ERR_ARG);
}

TEST(ZtsSockets, StatisticsCountLoopbackTraffic) {
  zts_stats_counter_t before{}, after{};
  ASSERT_EQ(zts_stats_get_all(&before), ZTS_ERR_OK);
  const int a = zts_udp_server("127.0.0.1", 0);
  auto to = loopback(local_port(a));
  ASSERT_EQ(zts_bsd_sendto(a, "x", 1, 0, sa(to), sizeof to), 1);
  char c;
  set_receive_timeout(a);
  ASSERT_EQ(zts_bsd_recv(a, &c, 1, 0), 1);
  ASSERT_EQ(zts_stats_get_all(&after), ZTS_ERR_OK);
  EXPECT_GT(after.udp_tx, before.udp_tx);
  EXPECT_GT(after.udp_rx, before.udp_rx);
  zts_close(a);
  EXPECT_EQ(zts_stats_get_all(nullptr), ZTS_ERR_ARG);
}

}  // namespace
