// The primitives against upstream's vectors (vl1.json "primitives").
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>

#include "crypto/aes_gmac_siv.hpp"
#include "crypto/constant_time.hpp"
#include "crypto/poly1305.hpp"
#include "crypto/salsa20.hpp"
#include "crypto/sha.hpp"
#include "vectors.hpp"

namespace zt {
namespace {

using test::hex;

const nlohmann::json& prim() { return test::vl1()["primitives"]; }

std::span<const std::uint8_t> sp(const Bytes& b) { return b; }

TEST(Salsa20, Salsa2012KeystreamMatchesUpstream) {
  const auto& v = prim()["salsa2012"];
  const Bytes key = hex(v["key_hex"]), iv = hex(v["iv_hex"]);
  Bytes ks(256);
  crypto::salsa2012_keystream(ks.data(), ks.size(), key.data(), iv.data());
  EXPECT_EQ(to_hex(ks), v["keystream_256_hex"].get<std::string>());
}

TEST(Salsa20, Salsa2012FromBlockOffsetContinuesTheStream) {
  const auto& v = prim()["salsa2012"];
  const Bytes key = hex(v["key_hex"]), iv = hex(v["iv_hex"]);
  const Bytes full = hex(v["keystream_256_hex"]);
  Bytes tail(100);
  crypto::salsa2012_keystream(tail.data(), tail.size(), key.data(), iv.data(), 1);
  EXPECT_EQ(to_hex(tail), to_hex(sp(full).subspan(64, 100)));
}

TEST(Salsa20, PartialBlockRuleDiscardsRestOfBlock) {
  const auto& v = prim()["salsa2012_partial_block_rule"];
  const auto& base = prim()["salsa2012"];
  const Bytes key = hex(base["key_hex"]), iv = hex(base["iv_hex"]);
  Bytes first(32), second(64);
  crypto::salsa2012_keystream(first.data(), 32, key.data(), iv.data(), 0);
  crypto::salsa2012_keystream(second.data(), 64, key.data(), iv.data(), 1);
  EXPECT_EQ(to_hex(first), v["first_call_32_bytes_hex"].get<std::string>());
  EXPECT_EQ(to_hex(second), v["second_call_64_bytes_hex"].get<std::string>());
}

TEST(Salsa20, Salsa2020KeystreamMatchesUpstream) {
  const auto& v = prim()["salsa20_20"];
  const Bytes key = hex(v["key_hex"]), iv = hex(v["iv_hex"]);
  Bytes ks(128, 0);
  crypto::salsa20_xor(ks.data(), ks.data(), ks.size(), key.data(), iv.data());
  EXPECT_EQ(to_hex(ks), v["keystream_128_hex"].get<std::string>());
}

TEST(Poly1305, TagMatchesUpstream) {
  const auto& v = prim()["poly1305"];
  const Bytes key = hex(v["key_hex"]), msg = hex(v["message_hex"]);
  std::uint8_t tag[16];
  crypto::poly1305(tag, msg.data(), msg.size(), key.data());
  EXPECT_EQ(to_hex(tag), v["tag_hex"].get<std::string>());
}

TEST(Sha, Sha512AndSha384MatchUpstream) {
  for (const auto& v : prim()["sha512"]) {
    const std::string msg = v["message_ascii"];
    std::uint8_t d[64];
    crypto::sha512(d, msg.data(), msg.size());
    EXPECT_EQ(to_hex(d), v["digest_hex"].get<std::string>()) << msg;
  }
  const auto& v = prim()["sha384"];
  const std::string msg = v["message_ascii"];
  std::uint8_t d[48];
  crypto::sha384(d, msg.data(), msg.size());
  EXPECT_EQ(to_hex(d), v["digest_hex"].get<std::string>());
}

TEST(Sha, HmacSha384AndKbkdfMatchUpstream) {
  const auto& h = prim()["hmac_sha384"];
  const Bytes key = hex(h["key_hex"]);
  const std::string msg = h["message_ascii"];
  std::uint8_t mac[48];
  crypto::hmac_sha384(mac, key.data(), key.size(), msg.data(), msg.size());
  EXPECT_EQ(to_hex(mac), h["mac_hex"].get<std::string>());

  const auto& k = prim()["kbkdf_hmac_sha384"];
  const Bytes kkey = hex(k["key_hex"]);
  std::uint8_t out0[48], out1[48];
  crypto::kbkdf_hmac_sha384(out0, kkey.data(), kkey.size(), '0');
  crypto::kbkdf_hmac_sha384(out1, kkey.data(), kkey.size(), '1');
  EXPECT_EQ(to_hex(out0), k["label_0_out_hex"].get<std::string>());
  EXPECT_EQ(to_hex(out1), k["label_1_out_hex"].get<std::string>());
}

TEST(ConstantTime, EqualityDetectsAnyDifference) {
  std::uint8_t a[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  std::uint8_t b[8];
  std::memcpy(b, a, 8);
  EXPECT_TRUE(crypto::constant_time_equal(a, b, 8));
  for (int i = 0; i < 8; ++i) {
    b[i] ^= 0x80;
    EXPECT_FALSE(crypto::constant_time_equal(a, b, 8)) << i;
    b[i] ^= 0x80;
  }
}

TEST(AesGmacSiv, RoundTripsAndRejectsTampering) {
  std::uint8_t k0[32], k1[32];
  for (int i = 0; i < 32; ++i) k0[i] = static_cast<std::uint8_t>(i), k1[i] = static_cast<std::uint8_t>(100 + i);
  crypto::AesGmacSiv siv(k0, k1);
  const std::uint8_t nonce[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  const std::uint8_t aad[11] = {9, 9, 9, 9, 9, 8, 8, 8, 8, 8, 0x18};
  Bytes plain(1000);
  for (std::size_t i = 0; i < plain.size(); ++i) plain[i] = static_cast<std::uint8_t>(i * 7);
  Bytes data = plain;
  std::uint8_t tag[16];
  siv.encrypt(nonce, aad, data.data(), data.size(), tag);
  EXPECT_NE(data, plain);

  Bytes copy = data;
  std::uint8_t nonce_out[8];
  ASSERT_TRUE(siv.decrypt(tag, aad, copy.data(), copy.size(), nonce_out));
  EXPECT_EQ(copy, plain);
  EXPECT_EQ(0, std::memcmp(nonce_out, nonce, 8));

  copy = data;
  copy[500] ^= 1;
  EXPECT_FALSE(siv.decrypt(tag, aad, copy.data(), copy.size(), nonce_out));
  copy = data;
  std::uint8_t bad_aad[11];
  std::memcpy(bad_aad, aad, 11);
  bad_aad[0] ^= 1;
  EXPECT_FALSE(siv.decrypt(tag, bad_aad, copy.data(), copy.size(), nonce_out));
}

}  // namespace
}  // namespace zt
