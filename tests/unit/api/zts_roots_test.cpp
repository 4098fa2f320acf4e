// zts_util_sign_root_set: a planet zts_init_set_roots takes, signed so that
// the returned current key can sign its next revision.
#include <gtest/gtest.h>

#include <cstring>

#include "proto/world.hpp"
#include "zts.h"

namespace {

TEST(ZtsRoots, SignsAPlanetForZtsInitSetRoots) {
  const zt::Identity root = zt::Identity::generate();
  const std::string public_id = root.to_string(false);
  zts_root_set_t spec{};
  spec.public_id_str[0] = const_cast<char*>(public_id.c_str());
  spec.endpoint_ip_str[0][0] = const_cast<char*>("127.0.0.1/9993");
  spec.endpoint_ip_str[0][1] = const_cast<char*>("::1/9993");
  char roots[ZTS_STORE_DATA_LEN], prev[128], curr[128];
  unsigned int roots_len = 0, prev_len = 0, curr_len = 0;
  ASSERT_EQ(zts_util_sign_root_set(roots, &roots_len, prev, &prev_len, curr, &curr_len, 0x1234,
                                   1700000000000ULL, &spec),
            ZTS_ERR_OK);
  EXPECT_EQ(prev_len, 128u);
  EXPECT_EQ(curr_len, 128u);

  zt::ByteReader r(
      std::span<const std::uint8_t>(reinterpret_cast<std::uint8_t*>(roots), roots_len));
  const std::optional<zt::World> w = zt::World::deserialize(r);
  ASSERT_TRUE(w);
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(w->type, zt::World::Type::kPlanet);
  EXPECT_EQ(w->id, 0x1234u);
  EXPECT_EQ(w->timestamp, 1700000000000ULL);
  ASSERT_EQ(w->roots.size(), 1u);
  EXPECT_EQ(w->roots[0].identity.address(), root.address());
  EXPECT_EQ(w->roots[0].stable_endpoints.size(), 2u);
  zt::crypto::C25519Public current{};
  std::memcpy(current.data(), curr, current.size());
  EXPECT_EQ(w->updates_must_be_signed_by, current);
  zt::crypto::C25519Public signer{};
  std::memcpy(signer.data(), prev, signer.size());
  EXPECT_TRUE(w->verify_signature(signer));

  EXPECT_EQ(zts_init_set_roots(roots, roots_len), ZTS_ERR_OK);
  EXPECT_EQ(zts_node_free(), ZTS_ERR_OK);  // forget it again
}

TEST(ZtsRoots, RefusesWhatItCannotSign) {
  char roots[ZTS_STORE_DATA_LEN], prev[128], curr[128];
  unsigned int roots_len = 0, prev_len = 0, curr_len = 0;
  zts_root_set_t spec{};
  EXPECT_EQ(
      zts_util_sign_root_set(roots, &roots_len, prev, &prev_len, curr, &curr_len, 1, 1, &spec),
      ZTS_ERR_ARG);  // no roots
  spec.public_id_str[0] = const_cast<char*>("not an identity");
  EXPECT_EQ(
      zts_util_sign_root_set(roots, &roots_len, prev, &prev_len, curr, &curr_len, 1, 1, &spec),
      ZTS_ERR_ARG);
  EXPECT_EQ(
      zts_util_sign_root_set(nullptr, &roots_len, prev, &prev_len, curr, &curr_len, 1, 1, &spec),
      ZTS_ERR_ARG);
}

}  // namespace
