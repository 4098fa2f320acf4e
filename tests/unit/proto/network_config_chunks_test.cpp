// Config chunks: the controller's signed split against upstream's vectors,
// and the member's bounded reassembly (orders, duplicates, forgeries,
// limits, slot reuse).
#include "proto/network_config_chunks.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "proto/credentials/credential_test_support.hpp"
#include "proto/verbs/network_config.hpp"
#include "proto/verbs/ok_error.hpp"
#include "vectors.hpp"

namespace zt {
namespace {

using test::hex;
using Status = ConfigAssembler::Status;

const nlohmann::json& vec() { return test::vl2()["network_config"]; }
const nlohmann::json& multi() { return vec()["multi_chunk_example"]; }

std::vector<Bytes> multi_chunks() {
  std::vector<Bytes> out;
  for (const auto& c : multi()["chunks"]) out.push_back(hex(c["network_config_payload_hex"]));
  return out;
}

// A signed chunk with fields of our choosing (the signature is genuine).
Bytes make_chunk(std::span<const std::uint8_t> data, std::uint64_t update_id, std::uint32_t total,
                 std::uint32_t index, const Identity& signer) {
  ConfigChunk c;
  c.network_id = test::kVectorNwid;
  c.data = data;
  c.is_signed = true;
  c.update_id = update_id;
  c.total_length = total;
  c.chunk_index = index;
  c.signature_type = kConfigSignatureTypeC25519;
  const Bytes msg = config_chunk_signing_message(c);
  const auto sig = signer.sign(msg.data(), msg.size());
  c.signature = sig;
  Bytes out;
  ByteWriter w(out);
  write_config_chunk(w, c);
  return out;
}

class ConfigChunks : public ::testing::Test {
 protected:
  Identity controller = test::vl2_identity("controller");
  ConfigAssembler assembler{test::kVectorNwid};
  std::int64_t now = 1000;

  ConfigAssembler::Result add(const Bytes& payload, bool from_controller = true,
                              std::uint64_t packet_id = 0x77) {
    return assembler.add(++now, payload, packet_id, controller.public_only(), from_controller);
  }
};

TEST_F(ConfigChunks, SingleChunkMatchesUpstream) {
  const auto& v = vec()["chunking"];
  const Bytes dict = hex(vec()["dict_hex"]);
  const auto chunks = sign_config_chunks(
      dict, test::kVectorNwid, *parse_hex_u64(v["configUpdateId"].get<std::string>()), controller);
  ASSERT_EQ(chunks.size(), 1u);
  Bytes ok;
  ByteWriter w(ok);
  write_ok_header(w, Verb::kNetworkConfigRequest,
                  *parse_hex_u64(v["requestPacketId"].get<std::string>()));
  EXPECT_EQ(ok.size(),
            v["chunks"][0]["signed_portion_hex_offset_in_ok_payload"].get<std::size_t>());
  w.bytes(chunks[0]);
  EXPECT_EQ(to_hex(ok), v["chunks"][0]["ok_payload_hex"].get<std::string>());
  EXPECT_EQ(v["maxChunkLen"].get<std::size_t>(), kMaxConfigChunkLength);

  auto r = add(chunks[0]);
  EXPECT_EQ(r.status, Status::kComplete);
  EXPECT_EQ(r.update_id, 0x0123456789abcdefULL);
  EXPECT_FALSE(r.fast_propagate);
  EXPECT_EQ(r.dictionary, dict);
}

TEST_F(ConfigChunks, MultiChunkMatchesUpstream) {
  const auto expected = multi_chunks();
  const auto chunks = sign_config_chunks(hex(multi()["dict_hex"]), test::kVectorNwid,
                                         0x0fedcba987654321ULL, controller);
  ASSERT_EQ(chunks.size(), expected.size());
  for (std::size_t i = 0; i < chunks.size(); ++i) EXPECT_EQ(to_hex(chunks[i]), to_hex(expected[i]));
}

TEST_F(ConfigChunks, SignerRefusals) {
  const Bytes dict = hex(vec()["dict_hex"]);
  EXPECT_TRUE(sign_config_chunks({}, test::kVectorNwid, 1, controller).empty());
  EXPECT_TRUE(sign_config_chunks(dict, test::kVectorNwid, 0, controller).empty());
  EXPECT_TRUE(sign_config_chunks(dict, test::kVectorNwid, 1, controller.public_only()).empty());
  EXPECT_TRUE(
      sign_config_chunks(Bytes(kNetworkConfigDictCapacity, 'x'), test::kVectorNwid, 1, controller)
          .empty());
}

TEST_F(ConfigChunks, EveryOrderReassembles) {
  const auto chunks = multi_chunks();
  const Bytes dict = hex(multi()["dict_hex"]);
  std::array<std::size_t, 3> order = {0, 1, 2};
  int orders = 0;
  do {
    ConfigAssembler fresh(test::kVectorNwid);
    for (std::size_t k = 0; k < order.size(); ++k) {
      auto r = fresh.add(++now, chunks[order[k]], 0, controller, false);
      EXPECT_EQ(r.update_id, 0x0fedcba987654321ULL);
      if (k + 1 < order.size()) {
        EXPECT_EQ(r.status, Status::kPartial);
        EXPECT_TRUE(r.dictionary.empty());
      } else {
        ASSERT_EQ(r.status, Status::kComplete);
        EXPECT_EQ(to_hex(r.dictionary), to_hex(dict));
      }
    }
    ++orders;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(orders, 6);
}

TEST_F(ConfigChunks, DuplicatesAreDropped) {
  const auto chunks = multi_chunks();
  EXPECT_EQ(add(chunks[1]).status, Status::kPartial);
  EXPECT_EQ(add(chunks[1]).status, Status::kDuplicate);
  EXPECT_EQ(add(chunks[0]).status, Status::kPartial);
  EXPECT_EQ(add(chunks[2]).status, Status::kComplete);
  // The whole update again (a replay) does not complete a second time.
  for (const auto& c : chunks) EXPECT_EQ(add(c).status, Status::kDuplicate);
}

TEST_F(ConfigChunks, ForgeriesAreRejected) {
  const auto chunks = multi_chunks();
  Bytes bad_sig = chunks[0];
  bad_sig.back() ^= 0x01;
  EXPECT_EQ(add(bad_sig).status, Status::kRejected);
  Bytes bad_data = chunks[0];
  bad_data[20] ^= 0x01;
  EXPECT_EQ(add(bad_data).status, Status::kRejected);
  // Signed by someone else, or no controller identity known yet.
  const Bytes dict = hex(vec()["dict_hex"]);
  const auto forged = sign_config_chunks(dict, test::kVectorNwid, 5, test::vl2_identity("memberA"));
  ASSERT_EQ(forged.size(), 1u);
  EXPECT_EQ(add(forged[0]).status, Status::kRejected);
  EXPECT_EQ(assembler.add(++now, chunks[0], 0, Identity(), true).status, Status::kRejected);
  // Signature type and length must be 1 and 96.
  Bytes wrong_type = chunks[2];
  wrong_type[wrong_type.size() - 99] = 2;
  EXPECT_EQ(add(wrong_type).status, Status::kRejected);
  // Another network's chunk.
  ConfigAssembler other(test::kVectorNwid + 1);
  EXPECT_EQ(other.add(++now, chunks[0], 0, controller, true).status, Status::kRejected);
  // The genuine chunks still assemble after all that.
  EXPECT_EQ(add(chunks[0]).status, Status::kPartial);
  EXPECT_EQ(add(chunks[1]).status, Status::kPartial);
  EXPECT_EQ(add(chunks[2]).status, Status::kComplete);
}

TEST_F(ConfigChunks, IndicesAndLengthsAreBounded) {
  const Bytes data(10, 'a');
  // Index + length beyond the total.
  EXPECT_EQ(add(make_chunk(data, 9, 15, 6, controller)).status, Status::kRejected);
  EXPECT_EQ(add(make_chunk(data, 9, 0xffffffff, 0xfffffffa, controller)).status, Status::kRejected);
  // A total the dictionary buffer could not hold.
  EXPECT_EQ(add(make_chunk(data, 9, kNetworkConfigDictCapacity, 0, controller)).status,
            Status::kRejected);
  EXPECT_EQ(add(make_chunk(data, 9, kNetworkConfigDictCapacity - 1, 0, controller)).status,
            Status::kPartial);
  // Chunks of one update must agree on the total.
  EXPECT_EQ(add(make_chunk(data, 9, 20, 10, controller)).status, Status::kRejected);
  // Update id zero is never used.
  EXPECT_EQ(add(make_chunk(data, 0, 10, 0, controller)).status, Status::kRejected);
}

TEST_F(ConfigChunks, AtMost474ChunksPerUpdate) {
  const std::uint32_t total = kMaxConfigUpdateChunks + 1;
  const std::uint8_t byte[1] = {'x'};
  for (std::uint32_t i = 0; i < kMaxConfigUpdateChunks; ++i)
    ASSERT_EQ(add(make_chunk(byte, 3, total, i, controller)).status, Status::kPartial) << i;
  EXPECT_EQ(add(make_chunk(byte, 3, total, total - 1, controller)).status, Status::kRejected);
}

TEST_F(ConfigChunks, LeastRecentlyTouchedSlotIsReused) {
  const Bytes dict(30000, 'd');
  std::vector<std::vector<Bytes>> updates;
  for (std::uint64_t id = 1; id <= 4; ++id)
    updates.push_back(sign_config_chunks(dict, test::kVectorNwid, id, controller));
  ASSERT_EQ(updates[0].size(), 4u);
  // Updates 1..3 fill the slots; touching 1 again makes 2 the oldest.
  for (int u = 0; u < 3; ++u) EXPECT_EQ(add(updates[u][0]).status, Status::kPartial);
  EXPECT_EQ(add(updates[0][1]).status, Status::kPartial);
  EXPECT_EQ(add(updates[3][0]).status, Status::kPartial);  // evicts update 2
  // Update 1 and 3 are intact.
  for (std::size_t k = 2; k < 4; ++k) {
    auto r = add(updates[0][k]);
    EXPECT_EQ(r.status, k == 3 ? Status::kComplete : Status::kPartial);
  }
  // Update 2 starts over: its first chunk is new again, not a duplicate.
  EXPECT_EQ(add(updates[1][1]).status, Status::kPartial);
  EXPECT_EQ(add(updates[1][2]).status, Status::kPartial);
  EXPECT_EQ(add(updates[1][3]).status, Status::kPartial);
  auto r = add(updates[1][0]);
  EXPECT_EQ(r.status, Status::kComplete);
  EXPECT_EQ(r.dictionary, dict);
  assembler.clear();
  EXPECT_EQ(add(updates[1][0]).status, Status::kPartial);
}

TEST_F(ConfigChunks, LegacyUnsignedChunkOnlyFromController) {
  const Bytes dict = hex(vec()["dict_hex"]);
  // The bare chunk: network id, length, data.
  Bytes legacy;
  ByteWriter w(legacy);
  w.u64(test::kVectorNwid);
  w.u16(static_cast<std::uint16_t>(dict.size()));
  w.bytes(dict);
  EXPECT_EQ(add(legacy, false).status, Status::kRejected);
  auto r = add(legacy, true, 0xabcdef);
  EXPECT_EQ(r.status, Status::kComplete);
  EXPECT_EQ(r.update_id, 0xabcdefULL);
  EXPECT_EQ(r.dictionary, dict);
  EXPECT_EQ(add(legacy, true, 0xabcdef).status, Status::kDuplicate);
  EXPECT_EQ(add(legacy, true, 0).status, Status::kRejected);
}

TEST_F(ConfigChunks, FastPropagateIsReportedForVerifiedChunks) {
  const Bytes dict = hex(vec()["dict_hex"]);
  auto chunks =
      sign_config_chunks(dict, test::kVectorNwid, 11, controller, kConfigChunkFlagFastPropagate);
  ASSERT_EQ(chunks.size(), 1u);
  // A tampered copy (same signature) arriving first is refused and not relayed.
  Bytes forged = chunks[0];
  forged[12] ^= 1;
  auto f = add(forged);
  EXPECT_EQ(f.status, Status::kRejected);
  EXPECT_FALSE(f.fast_propagate);
  auto r = add(chunks[0]);
  EXPECT_EQ(r.status, Status::kComplete);
  EXPECT_TRUE(r.fast_propagate);
  // Once held, the same chunk id is a duplicate before any signature work.
  EXPECT_EQ(add(forged).status, Status::kDuplicate);
}

TEST_F(ConfigChunks, GarbageIsRejected) {
  std::uint32_t seed = 7;
  const auto chunks = multi_chunks();
  for (int round = 0; round < 3000; ++round) {
    Bytes m = chunks[round % 3];
    seed = seed * 1103515245 + 12345;
    m[(seed >> 8) % m.size()] ^= static_cast<std::uint8_t>(1 + (seed >> 24) % 255);
    if (round % 2) m.resize((seed >> 4) % (m.size() + 1));
    const auto r = add(m, round % 4 == 0);
    // Only the controller's legacy form can get through without a signature.
    if (r.status == Status::kComplete || r.status == Status::kPartial) {
      EXPECT_TRUE(round % 4 == 0) << round;
    }
  }
}

}  // namespace
}  // namespace zt
