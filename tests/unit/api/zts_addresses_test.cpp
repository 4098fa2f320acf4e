// Addresses a node has on a network by construction, through the C API,
// against upstream's vectors; and the ad-hoc network ids.
#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "vectors.hpp"
#include "zts.h"

namespace {

uint64_t hex64(const std::string& s) { return std::strtoull(s.c_str(), nullptr, 16); }

TEST(ZtsAddresses, Rfc4193And6planeMatchUpstream) {
  int checked = 0;
  for (const auto& v : zt::test::vl2()["ipv6_derivation"]) {
    const uint64_t nwid = hex64(v["nwid"].get<std::string>());
    const uint64_t node = hex64(v["address"].get<std::string>());
    char text[ZTS_IP_MAX_STR_LEN];
    ASSERT_EQ(zts_addr_compute_rfc4193_str(nwid, node, text, sizeof text), ZTS_ERR_OK);
    const std::string rfc = v["rfc4193"].get<std::string>();
    EXPECT_EQ(text, rfc.substr(0, rfc.find('/')));
    ASSERT_EQ(zts_addr_compute_6plane_str(nwid, node, text, sizeof text), ZTS_ERR_OK);
    const std::string six = v["sixplane"].get<std::string>();
    EXPECT_EQ(text, six.substr(0, six.find('/')));

    zts_sockaddr_storage ss;
    ASSERT_EQ(zts_addr_compute_rfc4193(nwid, node, &ss), ZTS_ERR_OK);
    zts_sockaddr_in6 in6;
    std::memcpy(&in6, &ss, sizeof in6);
    EXPECT_EQ(in6.sin6_family, ZTS_AF_INET6);
    const zt::Bytes bytes = zt::test::hex(v["rfc4193_bytes"].get<std::string>());
    EXPECT_EQ(std::memcmp(in6.sin6_addr.un.u8_addr, bytes.data(), 16), 0);
    ++checked;
  }
  EXPECT_GE(checked, 3);
}

TEST(ZtsAddresses, BadArguments) {
  char text[ZTS_IP_MAX_STR_LEN];
  zts_sockaddr_storage ss;
  EXPECT_EQ(zts_addr_compute_rfc4193_str(0, 1, text, sizeof text), ZTS_ERR_ARG);
  EXPECT_EQ(zts_addr_compute_rfc4193_str(1, 1, text, 10), ZTS_ERR_ARG);
  EXPECT_EQ(zts_addr_compute_6plane(1, 0, &ss), ZTS_ERR_ARG);
  EXPECT_EQ(zts_addr_compute_6plane(1, 1, nullptr), ZTS_ERR_ARG);
}

TEST(ZtsAddresses, AdhocIds) {
  EXPECT_EQ(zts_net_compute_adhoc_id(22, 22), 0xff00160016000000ULL);  // SSH only
  EXPECT_EQ(zts_net_compute_adhoc_id(0, 65535), 0xff0000ffff000000ULL);
}

}  // namespace
