// LZ4 payload compression (vl1.md §9) against upstream's vector, plus our
// own compressor and hostile blocks.
#include <gtest/gtest.h>
#include <lz4.h>
#include <nlohmann/json.hpp>

#include <cstring>
#include <string>

#include "proto/packet.hpp"
#include "proto/packet_armor.hpp"
#include "proto/packet_compress.hpp"
#include "proto/peer_key.hpp"
#include "vectors.hpp"

namespace zt {
namespace {

using test::hex;

const nlohmann::json& lz4v() { return test::vl1()["lz4"]; }
std::string str(const nlohmann::json& j) { return j.get<std::string>(); }

Packet packet_of(const Bytes& b) {
  auto p = Packet::from_bytes(b);
  EXPECT_TRUE(p.has_value());
  return p.value_or(Packet());
}

SymmetricKey key_ab() {
  SymmetricKey k{};
  const Bytes b = hex(test::vl1()["key_agreement"]["symmetric_key_48_hex"]);
  EXPECT_EQ(b.size(), k.size());
  std::memcpy(k.data(), b.data(), std::min(b.size(), k.size()));
  return k;
}

// A packet whose payload is the given LZ4 block, flagged compressed.
Packet with_block(std::span<const std::uint8_t> block) {
  Packet p(1, Address(0x1122334455), Address(0x2233445566), Verb::kFrame);
  p.set_compressed(true);
  EXPECT_TRUE(p.append_bytes(block));
  return p;
}

TEST(PacketCompress, VectorBlockIsThePayloadOfTheCompressedPacket) {
  const Bytes compressed = hex(lz4v()["compressed_plaintext_hex"]);
  ASSERT_GT(compressed.size(), kPayloadOffset);
  EXPECT_EQ(to_hex({compressed.data() + kPayloadOffset, compressed.size() - kPayloadOffset}),
            str(lz4v()["lz4_block_hex"]));
  EXPECT_EQ(to_hex({compressed.data() + kVerbOffset, 1}),
            str(lz4v()["verb_byte_after_compress_hex"]));
}

TEST(PacketCompress, DecompressesUpstreamVector) {
  Packet p = packet_of(hex(lz4v()["compressed_plaintext_hex"]));
  ASSERT_TRUE(p.compressed());
  ASSERT_TRUE(decompress_payload(p));
  EXPECT_FALSE(p.compressed());
  EXPECT_EQ(to_hex(p.bytes()), str(lz4v()["uncompressed_plaintext_hex"]));
}

TEST(PacketCompress, DearmorsThenDecompressesTheArmoredVector) {
  const PeerKey key(key_ab());
  Bytes wire = hex(lz4v()["armored_salsa2012_hex"]);
  ASSERT_TRUE(lz4v()["dearmor_ok"].get<bool>());
  ASSERT_TRUE(dearmor(wire, key));
  const Bytes compressed = hex(lz4v()["compressed_plaintext_hex"]);
  ASSERT_EQ(wire.size(), compressed.size());
  EXPECT_TRUE(std::equal(wire.begin() + kVerbOffset, wire.end(), compressed.begin() + kVerbOffset));
  Packet p = packet_of(wire);
  ASSERT_TRUE(decompress_payload(p));
  const Bytes plain = hex(lz4v()["uncompressed_plaintext_hex"]);
  ASSERT_EQ(p.size(), plain.size());
  EXPECT_TRUE(
      std::equal(p.bytes().begin() + kVerbOffset, p.bytes().end(), plain.begin() + kVerbOffset));
}

TEST(PacketCompress, OurCompressorRoundTripsTheVector) {
  const Bytes plain = hex(lz4v()["uncompressed_plaintext_hex"]);
  Packet p = packet_of(plain);
  ASSERT_TRUE(compress_payload(p));
  EXPECT_TRUE(p.compressed());
  EXPECT_EQ(p.bytes()[kVerbOffset], 0x86);
  EXPECT_LT(p.size(), plain.size());
  // Header bytes are untouched.
  EXPECT_TRUE(std::equal(plain.begin(), plain.begin() + kVerbOffset, p.bytes().begin()));
  // Another compressed packet is left alone.
  EXPECT_FALSE(compress_payload(p));
  ASSERT_TRUE(decompress_payload(p));
  EXPECT_EQ(to_hex(p.bytes()), str(lz4v()["uncompressed_plaintext_hex"]));
}

TEST(PacketCompress, SmallOrIncompressiblePacketsStayAsTheyAre) {
  Packet small(1, Address(1), Address(2), Verb::kFrame);
  for (int i = 0; i < 64; ++i) small.append_u8(0);  // 92 bytes: not "longer than 28 + 64"
  ASSERT_EQ(small.size(), kCompressionMinPacketLength);
  EXPECT_FALSE(compress_payload(small));
  EXPECT_FALSE(small.compressed());
  small.append_u8(0);
  EXPECT_TRUE(compress_payload(small));

  Packet noise(1, Address(1), Address(2), Verb::kFrame);
  std::uint32_t x = 12345;
  for (int i = 0; i < 500; ++i) {
    x = x * 1664525u + 1013904223u;
    noise.append_u8(static_cast<std::uint8_t>(x >> 24));
  }
  const Packet before = noise;
  EXPECT_FALSE(compress_payload(noise));
  EXPECT_FALSE(noise.compressed());
  EXPECT_TRUE(std::equal(noise.bytes().begin(), noise.bytes().end(), before.bytes().begin(),
                         before.bytes().end()));
}

TEST(PacketCompress, UncompressedPacketIsNotTouchedByDecompress) {
  const Bytes plain = hex(lz4v()["uncompressed_plaintext_hex"]);
  Packet p = packet_of(plain);
  EXPECT_TRUE(decompress_payload(p));
  EXPECT_EQ(to_hex(p.bytes()), str(lz4v()["uncompressed_plaintext_hex"]));
}

TEST(PacketCompress, LargestPayloadRoundTripsAndOneMoreByteIsRefused) {
  Packet full(1, Address(1), Address(2), Verb::kMulticastFrame);
  Bytes zeros(kMaxPacketLength - kPayloadOffset, 0);
  ASSERT_TRUE(full.append_bytes(zeros));
  ASSERT_TRUE(compress_payload(full));
  ASSERT_TRUE(decompress_payload(full));
  EXPECT_EQ(full.size(), kMaxPacketLength);

  // A valid LZ4 block that expands to one byte more than a packet can hold.
  Bytes big(kMaxPacketLength - kPayloadOffset + 1, 0);
  Bytes block(LZ4_compressBound(static_cast<int>(big.size())));
  const int n = LZ4_compress_default(reinterpret_cast<const char*>(big.data()),
                                     reinterpret_cast<char*>(block.data()),
                                     static_cast<int>(big.size()), static_cast<int>(block.size()));
  ASSERT_GT(n, 0);
  block.resize(static_cast<std::size_t>(n));
  Packet bomb = with_block(block);
  const Packet before = bomb;
  EXPECT_FALSE(decompress_payload(bomb));
  EXPECT_TRUE(bomb.compressed());
  EXPECT_TRUE(std::equal(bomb.bytes().begin(), bomb.bytes().end(), before.bytes().begin(),
                         before.bytes().end()));
}

bool refused(std::span<const std::uint8_t> block) {
  Packet p = with_block(block);
  const Packet before = p;
  const bool ok = decompress_payload(p);
  if (!ok) {
    EXPECT_TRUE(std::equal(p.bytes().begin(), p.bytes().end(), before.bytes().begin(),
                           before.bytes().end()));
  }
  return !ok;
}

TEST(PacketCompress, HostileBlocksAreRefused) {
  // One literal then a match whose length runs ~10 KB past the capacity.
  Bytes bomb = {0x1f, 'A', 0x01, 0x00};
  bomb.insert(bomb.end(), 80, 0xff);
  bomb.push_back(0x00);
  bomb.push_back(0x10);
  bomb.push_back('B');
  EXPECT_TRUE(refused(bomb));

  // Nothing at all, and a block that decodes to zero bytes.
  EXPECT_TRUE(refused({}));
  const std::uint8_t empty_block[] = {0x00};
  EXPECT_TRUE(refused(empty_block));

  // A match reaching back before the start of the output.
  const std::uint8_t before_start[] = {0x14, 'A', 0x40, 0x00, 0x50, 'x', 'y', 'z', 'w', 'v'};
  EXPECT_TRUE(refused(before_start));

  // Literals promised but missing.
  const std::uint8_t short_literals[] = {0x50, 'a', 'b'};
  EXPECT_TRUE(refused(short_literals));
}

TEST(PacketCompress, TruncatedVectorBlockNeverYieldsTheOriginal) {
  const Bytes block = hex(lz4v()["lz4_block_hex"]);
  const Bytes plain = hex(lz4v()["uncompressed_plaintext_hex"]);
  EXPECT_TRUE(refused({block.data(), block.size() - 1}));
  for (std::size_t cut = 1; cut < block.size(); ++cut) {
    Packet p = with_block({block.data(), block.size() - cut});
    if (decompress_payload(p)) {
      EXPECT_LT(p.size(), plain.size()) << "cut " << cut;
    }
  }
}

}  // namespace
}  // namespace zt
