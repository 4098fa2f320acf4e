// The SOCKS5 handshake and messages (RFC 1928, RFC 1929).
#include "service/socks5_codec.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace zt::service::socks5 {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(Socks5Codec, NoAuthConnectByAddress) {
  Handshake h(std::nullopt);
  Handshake::Step s = h.feed(Bytes{5, 2, 0x00, 0x02});
  EXPECT_EQ(s.consumed, 4u);
  EXPECT_EQ(s.send, (Bytes{5, 0}));
  EXPECT_FALSE(s.close);
  // The request, then two bytes of data the client sent at once: only the
  // request is consumed.
  s = h.feed(Bytes{5, 1, 0, 1, 10, 77, 0, 2, 0x1f, 0x90, 'h', 'i'});
  EXPECT_EQ(s.consumed, 10u);
  ASSERT_TRUE(s.request);
  EXPECT_EQ(s.request->command, kCommandConnect);
  EXPECT_EQ(s.request->destination.ip.to_string(), "10.77.0.2/8080");
  EXPECT_EQ(s.request->destination.port, 8080);
  EXPECT_TRUE(h.done());
}

TEST(Socks5Codec, WaitsForWholeMessages) {
  Handshake h(std::nullopt);
  const Bytes greeting = {5, 1, 0};
  for (std::size_t n = 0; n < greeting.size(); ++n) {
    const Handshake::Step s = h.feed({greeting.data(), n});
    EXPECT_EQ(s.consumed, 0u);
    EXPECT_TRUE(s.send.empty());
    EXPECT_FALSE(s.close);
  }
  EXPECT_EQ(h.feed(greeting).consumed, 3u);
  const Bytes request = {5, 1, 0, 3, 11, 'w', 'e', 'b', '.', 'z', 't', '.', 't', 'e', 's', 't', 0, 80};
  for (std::size_t n = 0; n < request.size(); ++n) EXPECT_EQ(h.feed({request.data(), n}).consumed, 0u);
  const Handshake::Step s = h.feed(request);
  ASSERT_TRUE(s.request);
  EXPECT_EQ(s.request->destination.name, "web.zt.test");
  EXPECT_TRUE(s.request->destination.ip.is_nil());
  EXPECT_EQ(s.request->destination.port, 80);
}

TEST(Socks5Codec, UserPassword) {
  Handshake h(Credentials{"alice", "s3cret"});
  // A client offering only no-authentication is turned away.
  Handshake::Step s = h.feed(Bytes{5, 1, 0});
  EXPECT_EQ(s.send, (Bytes{5, 0xff}));
  EXPECT_TRUE(s.close);

  Handshake ok(Credentials{"alice", "s3cret"});
  EXPECT_EQ(ok.feed(Bytes{5, 2, 0, 2}).send, (Bytes{5, 2}));
  s = ok.feed(Bytes{1, 5, 'a', 'l', 'i', 'c', 'e', 6, 's', '3', 'c', 'r', 'e', 't'});
  EXPECT_EQ(s.send, (Bytes{1, 0}));
  EXPECT_FALSE(s.close);
  s = ok.feed(Bytes{5, 3, 0, 4, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 53});
  ASSERT_TRUE(s.request);
  EXPECT_EQ(s.request->command, kCommandUdpAssociate);
  EXPECT_TRUE(s.request->destination.ip.is_v6());

  Handshake bad(Credentials{"alice", "s3cret"});
  bad.feed(Bytes{5, 1, 2});
  s = bad.feed(Bytes{1, 5, 'a', 'l', 'i', 'c', 'e', 6, 's', '3', 'c', 'r', 'e', 'T'});
  EXPECT_EQ(s.send, (Bytes{1, 1}));
  EXPECT_TRUE(s.close);
}

TEST(Socks5Codec, UnsupportedCommandAndAddressType) {
  Handshake h(std::nullopt);
  h.feed(Bytes{5, 1, 0});
  Handshake::Step s = h.feed(Bytes{5, 9, 0, 1, 1, 2, 3, 4, 0, 80});
  EXPECT_FALSE(s.request);
  EXPECT_TRUE(s.close);
  ASSERT_GE(s.send.size(), 2u);
  EXPECT_EQ(s.send[1], 0x07);

  Handshake t(std::nullopt);
  t.feed(Bytes{5, 1, 0});
  s = t.feed(Bytes{5, 1, 0, 9, 1, 2, 3, 4, 0, 80});
  EXPECT_TRUE(s.close);
  ASSERT_GE(s.send.size(), 2u);
  EXPECT_EQ(s.send[1], 0x08);
}

TEST(Socks5Codec, NotSocks5IsClosedWithoutAnswer) {
  Handshake h(std::nullopt);
  const Handshake::Step s = h.feed(Bytes{4, 1, 0, 80, 1, 2, 3, 4, 0});
  EXPECT_TRUE(s.close);
  EXPECT_TRUE(s.send.empty());
}

TEST(Socks5Codec, ReplyBytes) {
  InetAddress bound = *InetAddress::from_string("10.77.0.1/1080");
  EXPECT_EQ(encode_reply(ReplyCode::kSucceeded, bound), (Bytes{5, 0, 0, 1, 10, 77, 0, 1, 0x04, 0x38}));
  EXPECT_EQ(encode_reply(ReplyCode::kConnectionRefused, {}), (Bytes{5, 5, 0, 1, 0, 0, 0, 0, 0, 0}));
  const Bytes six = encode_reply(ReplyCode::kSucceeded, *InetAddress::from_string("fd00::1/9"));
  ASSERT_EQ(six.size(), 22u);
  EXPECT_EQ(six[3], kAtypIpv6);
}

TEST(Socks5Codec, ReplyCodesForErrors) {
  EXPECT_EQ(reply_code_for(0), ReplyCode::kSucceeded);
  EXPECT_EQ(reply_code_for(ECONNREFUSED), ReplyCode::kConnectionRefused);
  EXPECT_EQ(reply_code_for(ENETUNREACH), ReplyCode::kNetworkUnreachable);
  EXPECT_EQ(reply_code_for(EHOSTUNREACH), ReplyCode::kHostUnreachable);
  EXPECT_EQ(reply_code_for(ETIMEDOUT), ReplyCode::kTtlExpired);
  EXPECT_EQ(reply_code_for(EACCES), ReplyCode::kNotAllowed);
  EXPECT_EQ(reply_code_for(ENOMEM), ReplyCode::kGeneralFailure);
}

TEST(Socks5Codec, UdpHeader) {
  const Bytes payload = {'p', 'i', 'n', 'g'};
  const Bytes datagram = encode_udp(*InetAddress::from_string("10.77.0.2/7"), payload);
  EXPECT_EQ(datagram, (Bytes{0, 0, 0, 1, 10, 77, 0, 2, 0, 7, 'p', 'i', 'n', 'g'}));
  const std::optional<UdpDatagram> d = parse_udp(datagram);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->fragment, 0);
  EXPECT_EQ(d->destination.ip.to_string(), "10.77.0.2/7");
  EXPECT_EQ(Bytes(d->payload.begin(), d->payload.end()), payload);
  const Bytes named = {0, 0, 1, 3, 3, 'a', '.', 'b', 0, 53, 'x'};
  const std::optional<UdpDatagram> n = parse_udp(named);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->fragment, 1);
  EXPECT_EQ(n->destination.name, "a.b");
  for (std::size_t cut = 0; cut < 10; ++cut) EXPECT_FALSE(parse_udp({named.data(), cut})) << cut;
  EXPECT_FALSE(parse_udp(Bytes{0, 0, 0, 7, 1, 2, 3, 4, 0, 1}));  // unknown ATYP
}

}  // namespace
}  // namespace zt::service::socks5
