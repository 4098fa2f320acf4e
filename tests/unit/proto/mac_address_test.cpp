// MAC addresses and their per-network derivation against upstream's vl2 vectors.
#include "proto/mac_address.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "vectors.hpp"

namespace zt {
namespace {

TEST(MacAddress, DerivationMatchesUpstream) {
  int checked = 0;
  for (const auto& v : test::vl2()["mac_from_address"]) {
    const auto address = Address::from_string(v["address"].get<std::string>());
    const auto nwid = parse_hex_u64(v["nwid"].get<std::string>());
    ASSERT_TRUE(address && nwid);
    const MacAddress mac = MacAddress::from_address(*address, *nwid);
    EXPECT_EQ(mac.to_string(), v["mac"].get<std::string>());
    EXPECT_EQ(to_hex_u64(MacAddress::first_octet(*nwid), 2), v["firstOctet"].get<std::string>());
    EXPECT_EQ(mac.to_address(*nwid).to_string(), v["addressFromMac"].get<std::string>());
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

TEST(MacAddress, TextAndBytes) {
  auto mac = MacAddress::from_string("02:63:62:D3:a1:d3");
  ASSERT_TRUE(mac);
  EXPECT_EQ(mac->value(), 0x026362d3a1d3ULL);
  EXPECT_EQ(mac->to_string(), "02:63:62:d3:a1:d3");
  for (const char* bad : {"", "02:63:62:d3:a1", "02:63:62:d3:a1:d3:00", "02-63-62-d3-a1-d3",
                          "0g:63:62:d3:a1:d3", "02:63:62:d3:a1:d"}) {
    EXPECT_FALSE(MacAddress::from_string(bad)) << bad;
  }
  Bytes out;
  ByteWriter w(out);
  mac->write(w);
  EXPECT_EQ(to_hex(out), "026362d3a1d3");
  ByteReader r(out);
  EXPECT_EQ(MacAddress::read(r), *mac);
  EXPECT_TRUE(r.ok());
  ByteReader short_reader{std::span(out).first(5)};
  EXPECT_TRUE(MacAddress::read(short_reader).is_nil());
  EXPECT_FALSE(short_reader.ok());
}

TEST(MacAddress, MulticastAndBroadcast) {
  EXPECT_TRUE(MacAddress(0xffffffffffffULL).is_broadcast());
  EXPECT_TRUE(MacAddress(0xffffffffffffULL).is_multicast());
  EXPECT_TRUE(MacAddress(0x3333ff000001ULL).is_multicast());
  EXPECT_FALSE(MacAddress(0x3333ff000001ULL).is_broadcast());
  EXPECT_FALSE(MacAddress(0x026362d3a1d3ULL).is_multicast());
}

}  // namespace
}  // namespace zt
