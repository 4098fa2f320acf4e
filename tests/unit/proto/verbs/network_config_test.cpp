// NETWORK_CONFIG_REQUEST, config chunks and the NETWORK_CONFIG ack against
// upstream's vl2 vectors.
#include "proto/verbs/network_config.hpp"

#include "proto/identity.hpp"
#include "proto/verbs/ok_error.hpp"
#include "verb_test_support.hpp"

namespace zt {
namespace {

using test::hex;

constexpr std::uint64_t kNwid = 0xe08309ce1e000001ULL;
const nlohmann::json& ncr() { return test::vl2()["network_config_request"]; }
const nlohmann::json& config() { return test::vl2()["network_config"]; }

TEST(VerbNetworkConfigRequest, UpstreamPayloads) {
  const Bytes metadata = hex(ncr()["metadata_hex"]);
  struct Case {
    const char* field;
    std::uint64_t revision;
  };
  for (const Case c : {Case{"payload_no_config_hex", 0}, Case{"payload_have_rev5_hex", 5}}) {
    SCOPED_TRACE(c.field);
    const Bytes payload = hex(ncr()[c.field]);
    auto req = parse_network_config_request(payload);
    ASSERT_TRUE(req);
    EXPECT_EQ(req->network_id, kNwid);
    EXPECT_EQ(to_hex(req->metadata), to_hex(metadata));
    EXPECT_EQ(req->revision, c.revision);
    EXPECT_EQ(req->timestamp, c.revision ? 1700000000000ULL : 0);
    EXPECT_EQ(to_hex(test::written(write_network_config_request, *req)), to_hex(payload));
    test::expect_every_truncation_fails(parse_network_config_request, payload);
  }
}

TEST(VerbConfigChunk, SignedChunkFromUpstream) {
  const auto& vec = config()["chunking"]["chunks"][0];
  const Bytes payload = hex(vec["ok_payload_hex"]);
  auto ok = parse_ok(payload);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->in_re_verb, Verb::kNetworkConfigRequest);
  EXPECT_EQ(ok->in_re_packet_id, 0xa1b2c3d4e5f60718ULL);
  auto chunk = parse_config_chunk(ok->body);
  ASSERT_TRUE(chunk);
  EXPECT_EQ(chunk->network_id, kNwid);
  EXPECT_EQ(to_hex(chunk->data), config()["dict_hex"].get<std::string>());
  EXPECT_TRUE(chunk->is_signed);
  EXPECT_EQ(chunk->flags, 0);
  EXPECT_EQ(chunk->update_id, 0x0123456789abcdefULL);
  EXPECT_EQ(chunk->total_length, config()["dict_len"].get<std::uint32_t>());
  EXPECT_EQ(chunk->chunk_index, vec["chunkIndex"].get<std::uint32_t>());
  EXPECT_EQ(chunk->signature_type, kConfigSignatureTypeC25519);
  EXPECT_EQ(to_hex(chunk->signature), vec["signature_hex"].get<std::string>());
  const std::size_t offset = vec["signed_portion_hex_offset_in_ok_payload"].get<std::size_t>();
  const std::size_t length = vec["signed_portion_len"].get<std::size_t>();
  EXPECT_EQ(to_hex(chunk->signed_portion), to_hex(std::span(payload).subspan(offset, length)));
  EXPECT_EQ(to_hex(config_chunk_signing_message(*chunk)), to_hex(chunk->signed_portion));

  // The controller's signature verifies over the signed portion.
  auto controller =
      Identity::from_string(test::vl2()["identities"]["controller"]["public"].get<std::string>());
  ASSERT_TRUE(controller);
  EXPECT_TRUE(controller->verify(chunk->signed_portion.data(), chunk->signed_portion.size(),
                                 chunk->signature.data(), chunk->signature.size()));

  Bytes out;
  ByteWriter w(out);
  write_ok_header(w, ok->in_re_verb, ok->in_re_packet_id);
  write_config_chunk(w, *chunk);
  EXPECT_EQ(to_hex(out), to_hex(payload));
}

TEST(VerbConfigChunk, TruncationKeepsOnlyTheLegacyForm) {
  const Bytes payload = hex(config()["chunking"]["chunks"][0]["ok_payload_hex"]);
  const std::span<const std::uint8_t> body = std::span(payload).subspan(9);
  const std::size_t chunk_end = 10 + config()["dict_len"].get<std::size_t>();
  for (std::size_t n = 0; n < body.size(); ++n) {
    auto c = parse_config_chunk(body.first(n));
    // Only the bare chunk (the old unsigned form) is whole short of the end.
    EXPECT_EQ(c.has_value(), n == chunk_end) << n;
    if (c) {
      EXPECT_FALSE(c->is_signed);
    }
  }
  auto legacy = parse_config_chunk(body.first(chunk_end));
  ASSERT_TRUE(legacy);
  EXPECT_EQ(to_hex(test::written(write_config_chunk, *legacy)), to_hex(body.first(chunk_end)));
}

TEST(VerbConfigChunk, MultiChunkPushReassembles) {
  const auto& ex = config()["multi_chunk_example"];
  const std::uint32_t total = ex["totalLen"].get<std::uint32_t>();
  Bytes dict(total);
  std::size_t received = 0;
  for (const auto& c : ex["chunks"]) {
    const Bytes payload = hex(c["network_config_payload_hex"]);
    auto chunk = parse_config_chunk(payload);
    ASSERT_TRUE(chunk);
    EXPECT_TRUE(chunk->is_signed);
    EXPECT_EQ(chunk->update_id, 0x0fedcba987654321ULL);
    EXPECT_EQ(chunk->total_length, total);
    EXPECT_EQ(chunk->chunk_index, c["chunkIndex"].get<std::uint32_t>());
    EXPECT_EQ(chunk->data.size(), c["chunkLen"].get<std::size_t>());
    std::copy(chunk->data.begin(), chunk->data.end(), dict.begin() + chunk->chunk_index);
    received += chunk->data.size();
    EXPECT_EQ(to_hex(test::written(write_config_chunk, *chunk)), to_hex(payload));
  }
  EXPECT_EQ(received, total);
  EXPECT_EQ(to_hex(dict), ex["dict_hex"].get<std::string>());
}

TEST(VerbConfigChunk, ChunkMustFitTotalLength) {
  const Bytes payload =
      hex(config()["multi_chunk_example"]["chunks"][2]["network_config_payload_hex"]);
  auto chunk = parse_config_chunk(payload);
  ASSERT_TRUE(chunk);
  chunk->chunk_index += 1;  // now one byte past the end
  EXPECT_FALSE(parse_config_chunk(test::written(write_config_chunk, *chunk)));
  chunk->chunk_index = 0xffffffffu;  // no wrap-around
  EXPECT_FALSE(parse_config_chunk(test::written(write_config_chunk, *chunk)));
}

TEST(VerbNetworkConfigAck, NwidAndUpdateId) {
  const Bytes body = hex("467b3c210141fc8a0123456789abcdef");
  auto ack = parse_network_config_ack(body);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->network_id, 0x467b3c210141fc8aULL);
  EXPECT_EQ(ack->update_id, 0x0123456789abcdefULL);
  EXPECT_EQ(to_hex(test::written(write_network_config_ack, *ack)), to_hex(body));
  test::expect_every_truncation_fails(parse_network_config_ack, body);
}

TEST(VerbNetworkConfig, GarbageFailsCleanly) {
  EXPECT_GT(test::run_garbage(parse_network_config_request, write_network_config_request), 0u);
  test::run_garbage(parse_config_chunk, write_config_chunk);
  const Bytes chunk =
      hex(config()["multi_chunk_example"]["chunks"][2]["network_config_payload_hex"]);
  EXPECT_GT(test::run_mutations(parse_config_chunk, write_config_chunk, chunk), 0u);
  EXPECT_GT(test::run_garbage(parse_network_config_ack, write_network_config_ack), 0u);
}

}  // namespace
}  // namespace zt
