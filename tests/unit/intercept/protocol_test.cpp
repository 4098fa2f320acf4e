// The intercept's wire formats: round trips of every message kind, exact
// bytes of a request (the layout both sides must agree on), and rejection
// of malformed input.
#include "intercept/protocol.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace zt::intercept {
namespace {

Endpoint v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint16_t port) {
  Endpoint e;
  e.family = 4;
  e.ip[0] = a;
  e.ip[1] = b;
  e.ip[2] = c;
  e.ip[3] = d;
  e.port = port;
  return e;
}

Endpoint v6_mapped(const Endpoint& four) {
  Endpoint e;
  e.family = 6;
  e.ip[10] = e.ip[11] = 0xff;
  std::memcpy(e.ip + 12, four.ip, 4);
  e.port = four.port;
  e.scope = 7;
  return e;
}

TEST(InterceptProtocol, ConnectRequestBytes) {
  Request q;
  q.op = Op::kTcpConnect;
  q.id = 0x01020304;
  q.domain = 4;
  q.flags = kFlagNoDelay;
  q.remote = v4(10, 77, 0, 2, 8080);
  std::uint8_t out[kMaxMessage];
  const std::size_t n = encode_request(q, out);
  const std::vector<std::uint8_t> expected = {
      1, 3, 1, 2, 3, 4,        // version, op, id
      0, 0, 0, 0, 0, 0, 0, 0,  // socket
      4,                       // domain
      0, 0, 0, 4,              // flags
      0,                       // local: none
      4, 10, 77, 0, 2, 0x1f, 0x90,  // remote
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // backlog, level, name, value
      0};                      // host
  ASSERT_EQ(n, expected.size());
  EXPECT_EQ(std::vector<std::uint8_t>(out, out + n), expected);
}

TEST(InterceptProtocol, RequestRoundTrip) {
  Request q;
  q.op = Op::kResolve;
  q.id = 77;
  q.socket = 0x1122334455667788ull;
  q.domain = 6;
  q.local = v6_mapped(v4(10, 0, 0, 1, 53));
  q.backlog = 128;
  q.level = -1;
  q.name = 6;
  q.value = -5;
  const char name[] = "web.zt.test";
  q.host_length = sizeof name - 1;
  std::memcpy(q.host, name, q.host_length);
  std::uint8_t out[kMaxMessage];
  const std::size_t n = encode_request(q, out);
  ASSERT_GT(n, 0u);
  const std::optional<Request> back = decode_request({out, n});
  ASSERT_TRUE(back);
  EXPECT_EQ(back->op, q.op);
  EXPECT_EQ(back->id, q.id);
  EXPECT_EQ(back->socket, q.socket);
  EXPECT_EQ(back->domain, 6);
  EXPECT_EQ(back->local, q.local);
  EXPECT_TRUE(back->remote.none());
  EXPECT_EQ(back->backlog, 128u);
  EXPECT_EQ(back->level, -1);
  EXPECT_EQ(back->value, -5);
  EXPECT_EQ(std::string(back->host, back->host_length), "web.zt.test");
}

TEST(InterceptProtocol, ReplyRoundTripWithLists) {
  Reply r;
  r.op = Op::kNetworks;
  r.id = 9;
  r.error = 111;
  r.kind = SocketKind::kDatagram;
  r.state = SocketState::kOpen;
  r.so_error = 104;
  r.prefix_count = 2;
  r.prefixes[0] = {v4(10, 77, 0, 0, 0), 24};
  r.prefixes[1] = {v6_mapped(v4(0, 0, 0, 0, 0)), 88};
  r.address_count = 1;
  r.addresses[0] = v4(10, 77, 0, 1, 0);
  std::uint8_t out[kMaxMessage];
  const std::size_t n = encode_reply(r, out);
  ASSERT_GT(n, 0u);
  const std::optional<Reply> back = decode_reply({out, n});
  ASSERT_TRUE(back);
  EXPECT_EQ(back->op, Op::kNetworks);
  EXPECT_EQ(back->error, 111);
  EXPECT_EQ(back->kind, SocketKind::kDatagram);
  EXPECT_EQ(back->state, SocketState::kOpen);
  EXPECT_EQ(back->so_error, 104);
  ASSERT_EQ(back->prefix_count, 2);
  EXPECT_EQ(back->prefixes[0].address, r.prefixes[0].address);
  EXPECT_EQ(back->prefixes[1].bits, 88);
  ASSERT_EQ(back->address_count, 1);
  EXPECT_EQ(back->addresses[0], r.addresses[0]);
}

TEST(InterceptProtocol, FullListsFitInOneMessage) {
  Reply r;
  r.prefix_count = kMaxPrefixes;
  r.address_count = kMaxAddresses;
  for (auto& p : r.prefixes) p = {v6_mapped(v4(1, 2, 3, 4, 0)), 128};
  for (auto& a : r.addresses) a = v6_mapped(v4(1, 2, 3, 4, 0));
  std::uint8_t out[kMaxMessage];
  EXPECT_GT(encode_reply(r, out), 0u);
}

TEST(InterceptProtocol, MalformedRequestsAreRejected) {
  Request q;
  q.op = Op::kStatus;
  std::uint8_t out[kMaxMessage];
  const std::size_t n = encode_request(q, out);
  ASSERT_GT(n, 0u);
  for (std::size_t cut = 0; cut < n; ++cut) EXPECT_FALSE(decode_request({out, cut})) << cut;
  std::vector<std::uint8_t> longer(out, out + n);
  longer.push_back(0);
  EXPECT_FALSE(decode_request(longer));  // trailing bytes
  std::vector<std::uint8_t> bad(out, out + n);
  bad[0] = 2;  // version
  EXPECT_FALSE(decode_request(bad));
  bad = std::vector<std::uint8_t>(out, out + n);
  bad[1] = 0;  // op
  EXPECT_FALSE(decode_request(bad));
  bad[1] = 11;
  EXPECT_FALSE(decode_request(bad));
  bad = std::vector<std::uint8_t>(out, out + n);
  bad[14] = 5;  // domain
  EXPECT_FALSE(decode_request(bad));
  bad = std::vector<std::uint8_t>(out, out + n);
  bad[19] = 9;  // local family
  EXPECT_FALSE(decode_request(bad));
  // A host name with a control character.
  q.op = Op::kResolve;
  q.host_length = 3;
  std::memcpy(q.host, "a\nb", 3);
  EXPECT_EQ(encode_request(q, out), 0u);
}

TEST(InterceptProtocol, ReplyNeedsTheReplyBitAndSaneLists) {
  Reply r;
  r.op = Op::kStatus;
  std::uint8_t out[kMaxMessage];
  const std::size_t n = encode_reply(r, out);
  ASSERT_GT(n, 0u);
  std::vector<std::uint8_t> bad(out, out + n);
  bad[1] &= 0x7f;
  EXPECT_FALSE(decode_reply(bad));
  // A prefix longer than its family allows.
  r.prefix_count = 1;
  r.prefixes[0] = {v4(10, 0, 0, 0, 0), 33};
  const std::size_t m = encode_reply(r, out);
  ASSERT_GT(m, 0u);
  EXPECT_FALSE(decode_reply({out, m}));
  // A request is not a reply.
  Request q;
  const std::size_t k = encode_request(q, out);
  EXPECT_FALSE(decode_reply({out, k}));
}

TEST(InterceptProtocol, AcceptNoticeRoundTrip) {
  AcceptNotice n;
  n.is_virtual = false;
  n.socket = 42;
  n.peer = v4(127, 0, 0, 1, 40000);
  n.local = v6_mapped(v4(10, 77, 0, 2, 80));
  std::uint8_t out[kMaxMessage];
  const std::size_t size = encode_accept(n, out);
  const std::optional<AcceptNotice> back = decode_accept({out, size});
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->is_virtual);
  EXPECT_EQ(back->socket, 42u);
  EXPECT_EQ(back->peer, n.peer);
  EXPECT_EQ(back->local, n.local);
  out[1] = 'x';
  EXPECT_FALSE(decode_accept({out, size}));
}

TEST(InterceptProtocol, DatagramHeader) {
  std::uint8_t header[kDatagramHeaderSize];
  const Endpoint from = v4(10, 77, 0, 2, 53);
  encode_datagram_header(from, header);
  EXPECT_EQ(header[0], 1);
  EXPECT_EQ(header[1], 4);
  EXPECT_EQ(header[2], 0);
  EXPECT_EQ(header[3], 53);
  EXPECT_EQ(decode_datagram_header(header), from);
  const Endpoint six = v6_mapped(from);
  encode_datagram_header(six, header);
  EXPECT_EQ(decode_datagram_header(header), six);
  encode_datagram_header(Endpoint{}, header);
  const std::optional<Endpoint> none = decode_datagram_header(header);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->none());
  EXPECT_FALSE(decode_datagram_header({header, kDatagramHeaderSize - 1}));
  header[1] = 5;
  EXPECT_FALSE(decode_datagram_header(header));
}

TEST(InterceptProtocol, SocketNames) {
  char name[kSocketNameLength];
  format_socket_name({0xfedcba9876543210ull, SocketKind::kListener, 0x2a}, name);
  EXPECT_EQ(name[0], '\0');
  EXPECT_EQ(std::string(name + 1, kSocketNameLength - 1), "ztsdk-ic-fedcba9876543210-l000000000000002a");
  const std::optional<SocketName> parsed = parse_socket_name({name, sizeof name});
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->instance, 0xfedcba9876543210ull);
  EXPECT_EQ(parsed->kind, SocketKind::kListener);
  EXPECT_EQ(parsed->socket, 0x2au);
  EXPECT_FALSE(parse_socket_name({name, sizeof name - 1}));
  name[27] = 'x';
  EXPECT_FALSE(parse_socket_name({name, sizeof name}));
  name[27] = 'u';
  name[30] = 'G';
  EXPECT_FALSE(parse_socket_name({name, sizeof name}));
  char path[] = "/tmp/ordinary.sock";
  EXPECT_FALSE(parse_socket_name({path, sizeof path - 1}));
}

}  // namespace
}  // namespace zt::intercept
