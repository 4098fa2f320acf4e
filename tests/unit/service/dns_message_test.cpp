#include "service/dns_message.hpp"

#include <gtest/gtest.h>

namespace zt::service::dns {
namespace {

TEST(DnsMessage, QueryBytes) {
  const std::vector<std::uint8_t> q = build_query(0xabcd, "web.zt.test.", kTypeA);
  const std::vector<std::uint8_t> expected = {
      0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
      3, 'w', 'e', 'b', 2, 'z', 't', 4, 't', 'e', 's', 't', 0,
      0, 1, 0, 1};
  EXPECT_EQ(q, expected);
}

TEST(DnsMessage, InvalidNamesMakeNoQuery) {
  EXPECT_TRUE(build_query(1, "", kTypeA).empty());
  EXPECT_TRUE(build_query(1, "a..b", kTypeA).empty());
  EXPECT_TRUE(build_query(1, std::string(64, 'a') + ".test", kTypeA).empty());
  EXPECT_TRUE(build_query(1, "bad name", kTypeA).empty());
  EXPECT_FALSE(build_query(1, std::string(63, 'a') + ".test", kTypeA).empty());
}

// A response as a DNS server sends it: the question, then a CNAME and an A
// record whose names are compression pointers.
std::vector<std::uint8_t> response(std::uint8_t rcode) {
  std::vector<std::uint8_t> r = build_query(0x1234, "web.zt.test", kTypeA);
  r[2] = 0x81;
  r[3] = static_cast<std::uint8_t>(0x80 | rcode);
  r[7] = 2;  // two answers
  const std::vector<std::uint8_t> cname = {0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 12};
  const std::vector<std::uint8_t> a = {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 77, 0, 2};
  r.insert(r.end(), cname.begin(), cname.end());
  r.insert(r.end(), a.begin(), a.end());
  return r;
}

TEST(DnsMessage, ParsesAnswersOfTheAskedType) {
  const std::optional<Response> r = parse_response(response(0), kTypeA);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->id, 0x1234);
  EXPECT_EQ(r->rcode, 0);
  ASSERT_EQ(r->addresses.size(), 1u);
  EXPECT_EQ(r->addresses[0].ip_string(), "10.77.0.2");
  const std::optional<Response> six = parse_response(response(0), kTypeAAAA);
  ASSERT_TRUE(six);
  EXPECT_TRUE(six->addresses.empty());
  EXPECT_EQ(parse_response(response(kRcodeNameError), kTypeA)->rcode, kRcodeNameError);
}

TEST(DnsMessage, RejectsQueriesAndTruncation) {
  EXPECT_FALSE(parse_response(build_query(1, "a.test", kTypeA), kTypeA));  // not a response
  const std::vector<std::uint8_t> full = response(0);
  for (std::size_t cut = 0; cut < full.size(); ++cut)
    EXPECT_FALSE(parse_response({full.data(), cut}, kTypeA)) << cut;
}

}  // namespace
}  // namespace zt::service::dns
