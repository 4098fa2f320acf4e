// What the intercept is told about a stream socket (getpeername, SO_ERROR):
// the kernel's answers, whichever moment the program asks at.
#include <gtest/gtest.h>

#include <cerrno>

#include "service/intercept_entries.hpp"

namespace zt::service {
namespace {

using intercept::Reply;
using intercept::SocketState;

stack::TcpRelay::Status status(bool connecting, bool connected, bool closed, int so_error = 0) {
  stack::TcpRelay::Status st;
  st.connecting = connecting;
  st.connected = connected;
  st.closed = closed;
  st.so_error = so_error;
  st.local = *InetAddress::from_string("10.1.0.1/40000");
  st.remote = *InetAddress::from_string("10.1.0.2/80");
  return st;
}

TEST(InterceptStatus, ConnectingHasItsPeerAddressAndState) {
  Reply r;
  describe_stream(status(true, false, false), 4, r);
  EXPECT_EQ(r.state, SocketState::kConnecting);
  EXPECT_FALSE(r.remote.none());
  EXPECT_EQ(r.remote.port, 80);
}

TEST(InterceptStatus, RefusedBeforeEstablishedHasNoPeer) {
  // Before its tombstone existed, the live entry still gave the peer, and
  // getpeername answered "ok" where the kernel says ENOTCONN (seen under
  // ASan, where the entry lives longer).
  Reply r;
  describe_stream(status(false, false, true, ECONNREFUSED), 4, r);
  EXPECT_EQ(r.state, SocketState::kClosed);
  EXPECT_EQ(r.so_error, ECONNREFUSED);
  EXPECT_TRUE(r.remote.none());
  EXPECT_EQ(r.local.port, 40000);
}

TEST(InterceptStatus, ClosedAfterEstablishedKeepsItsPeer) {
  Reply r;
  describe_stream(status(false, true, true), 6, r);
  EXPECT_EQ(r.state, SocketState::kClosed);
  EXPECT_FALSE(r.remote.none());
  EXPECT_EQ(r.remote.family, 6);  // shown IPv4-mapped to an AF_INET6 program
}

}  // namespace
}  // namespace zt::service
