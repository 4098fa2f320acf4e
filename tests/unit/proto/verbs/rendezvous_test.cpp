// RENDEZVOUS payloads against upstream's vl1 packet vector.
#include "proto/verbs/rendezvous.hpp"

#include "verb_test_support.hpp"

namespace zt {
namespace {

const std::string kRendezvous = "RENDEZVOUS R->A (B is at 203.0.113.7:9993)";

TEST(VerbRendezvous, ParsesAndWritesUpstreamRendezvous) {
  const Bytes payload = test::vl1_payload(kRendezvous);
  auto rv = parse_rendezvous(payload);
  ASSERT_TRUE(rv);
  EXPECT_EQ(rv->flags, 0);
  EXPECT_EQ(rv->with.to_string(), "eadedf2c91");
  EXPECT_EQ(rv->at.to_string(), "203.0.113.7/9993");
  EXPECT_EQ(to_hex(test::written(write_rendezvous, *rv)), to_hex(payload));
  test::expect_every_truncation_fails(parse_rendezvous, payload);
}

TEST(VerbRendezvous, Ipv6AndBadLengths) {
  Rendezvous rv;
  rv.with = Address(0x467b3c2101ULL);
  rv.at = *InetAddress::from_string("fd7a:5a:99::3/9993");
  const Bytes out = test::written(write_rendezvous, rv);
  EXPECT_EQ(out.size(), 25u);  // the capture's RENDEZVOUS plen
  auto back = parse_rendezvous(out);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->at, rv.at);
  EXPECT_EQ(back->with, rv.with);
  test::expect_every_truncation_fails(parse_rendezvous, out);

  for (std::uint8_t length : {0, 5, 6, 15, 17}) {
    Bytes bad = out;
    bad[8] = length;
    EXPECT_FALSE(parse_rendezvous(bad)) << int(length);
  }
  EXPECT_GT(test::run_garbage(parse_rendezvous, write_rendezvous), 0u);
}

}  // namespace
}  // namespace zt
