// Network id helpers: controller address, RFC4193/6PLANE derivation against
// upstream's vl2 vectors, and the ad-hoc id forms.
#include "proto/network_id.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "vectors.hpp"

namespace zt {
namespace {

TEST(NetworkId, ControllerIsTheTop40Bits) {
  EXPECT_EQ(network_controller(0xe08309ce1e000001ULL), Address(0xe08309ce1eULL));
  EXPECT_EQ(network_controller(0xffffffffffffffffULL), Address(0xffffffffffULL));
  const auto& ids = test::vl2()["identities"];
  auto nwid = network_id_from_string(ids["networkId"].get<std::string>());
  ASSERT_TRUE(nwid);
  EXPECT_EQ(network_controller(*nwid).to_string(), ids["controller"]["address"].get<std::string>());
}

TEST(NetworkId, Text) {
  EXPECT_EQ(network_id_to_string(0x000001ce1e000001ULL), "000001ce1e000001");
  EXPECT_EQ(network_id_from_string("E08309ce1e000001"), 0xe08309ce1e000001ULL);
  for (const char* bad : {"", "e08309ce1e00001", "e08309ce1e0000011", "e08309ce1e00000g"})
    EXPECT_FALSE(network_id_from_string(bad)) << bad;
}

TEST(NetworkId, Ipv6DerivationMatchesUpstream) {
  int checked = 0;
  for (const auto& v : test::vl2()["ipv6_derivation"]) {
    const auto nwid = network_id_from_string(v["nwid"].get<std::string>());
    const auto member = Address::from_string(v["address"].get<std::string>());
    ASSERT_TRUE(nwid && member);
    const InetAddress rfc = rfc4193_address(*nwid, *member);
    ASSERT_TRUE(rfc.is_v6());
    EXPECT_EQ(to_hex(std::span(rfc.ip(), 16)), v["rfc4193_bytes"].get<std::string>());
    EXPECT_EQ(rfc.port(), v["rfc4193_bits"].get<int>());
    EXPECT_EQ(rfc.to_string(), v["rfc4193"].get<std::string>());
    const InetAddress plane = sixplane_address(*nwid, *member);
    ASSERT_TRUE(plane.is_v6());
    EXPECT_EQ(to_hex(std::span(plane.ip(), 16)), v["sixplane_bytes"].get<std::string>());
    EXPECT_EQ(plane.port(), v["sixplane_bits"].get<int>());
    EXPECT_EQ(plane.to_string(), v["sixplane"].get<std::string>());
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

TEST(NetworkId, AdhocForms) {
  EXPECT_FALSE(decode_adhoc_network(0xe08309ce1e000001ULL));
  auto ports = decode_adhoc_network(0xff00500050000000ULL);
  ASSERT_TRUE(ports);
  EXPECT_EQ(ports->kind, AdhocNetwork::Kind::kPortRange);
  EXPECT_EQ(ports->start_port, 0x50);
  EXPECT_EQ(ports->end_port, 0x50);
  auto reversed = decode_adhoc_network(0xff01000000000000ULL | (0x0010ULL << 24));
  ASSERT_TRUE(reversed);
  EXPECT_EQ(reversed->start_port, 0x0100);
  EXPECT_EQ(reversed->end_port, 0x0010);  // end < start: the caller reports NOT_FOUND
  auto hub = decode_adhoc_network(0xff0a6362cd6fda01ULL);
  ASSERT_TRUE(hub);
  EXPECT_EQ(hub->kind, AdhocNetwork::Kind::kHub);
  EXPECT_EQ(hub->ipv4_prefix, 10);
  EXPECT_EQ(hub->hub, Address(0x6362cd6fdaULL));
  // A zero low 24 bits wins over the hub form; other low bytes are neither.
  EXPECT_EQ(decode_adhoc_network(0xff0a000000000000ULL)->kind, AdhocNetwork::Kind::kPortRange);
  EXPECT_FALSE(decode_adhoc_network(0xff0a6362cd6fda02ULL));
}

}  // namespace
}  // namespace zt
