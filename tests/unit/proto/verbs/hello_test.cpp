// HELLO and OK(HELLO) payloads against upstream's vl1 packet vectors.
#include "proto/verbs/hello.hpp"

#include "proto/verbs/ok_error.hpp"

#include "verb_test_support.hpp"

namespace zt {
namespace {

using test::hex;

const std::string kHello = "HELLO A->B";
const std::string kOkHello = "OK(HELLO) B->A salsa2012";

Identity identity_with_address(const std::string& address) {
  for (const auto& v : test::vl1()["identities"]) {
    if (v.value("address", "") != address) continue;
    if (auto id = Identity::from_string(v["public_string"].get<std::string>())) return *id;
  }
  ADD_FAILURE() << "no identity " << address;
  return {};
}

// The payload with the moon section in the clear, as the engine hands it over.
Bytes clear_hello() { return test::vl1_payload(kHello, "hello_before_cryptField_hex"); }

TEST(VerbHello, ParsesUpstreamHello) {
  const auto& vec = test::vl1_packet(kHello);
  auto h = parse_hello(clear_hello());
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->protocol_version, 12);
  EXPECT_EQ(h->version_major, 1);
  EXPECT_EQ(h->version_minor, 14);
  EXPECT_EQ(h->version_revision, 1);
  EXPECT_EQ(h->timestamp, vec["timestamp"].get<std::uint64_t>());
  EXPECT_EQ(h->identity, identity_with_address("10a37c90df"));
  EXPECT_FALSE(h->identity.has_private());
  EXPECT_EQ(h->physical_destination.to_string(), vec["physical_destination"].get<std::string>());
  ASSERT_TRUE(h->planet.has_value());
  EXPECT_EQ(h->planet->id, vec["planet_world_id"].get<std::uint64_t>());
  EXPECT_EQ(h->planet->timestamp, vec["planet_world_timestamp"].get<std::uint64_t>());
  // "1 entry: type 0x7f, id 0x00000000deadbeef, timestamp 0"
  ASSERT_EQ(h->moons.size(), 1u);
  EXPECT_EQ(h->moons[0].type, kWorldTypeMoon);
  EXPECT_EQ(h->moons[0].world.id, 0xdeadbeefULL);
  EXPECT_EQ(h->moons[0].world.timestamp, 0u);
}

TEST(VerbHello, CryptFieldOffsetMatchesUpstream) {
  const auto& vec = test::vl1_packet(kHello);
  const std::size_t expected = vec["cryptField_start_offset"].get<std::size_t>();
  // The offset is found from the clear part alone, so the encrypted form works too.
  EXPECT_EQ(hello_crypt_field_offset(test::vl1_payload(kHello)), expected - test::kPayloadOffset);
  EXPECT_EQ(hello_crypt_field_offset(clear_hello()), expected - test::kPayloadOffset);
}

TEST(VerbHello, WriterReproducesUpstreamBytes) {
  const Bytes payload = clear_hello();
  auto h = parse_hello(payload);
  ASSERT_TRUE(h.has_value());
  // Write after a header, as the engine does: the offset is in packet terms.
  const Bytes packet = hex(test::vl1_packet(kHello)["hello_before_cryptField_hex"]);
  Bytes out(packet.begin(), packet.begin() + test::kPayloadOffset);
  ByteWriter w(out);
  const std::size_t crypt_start = write_hello(w, *h);
  EXPECT_EQ(to_hex(out), to_hex(packet));
  EXPECT_EQ(crypt_start, test::vl1_packet(kHello)["cryptField_start_offset"].get<std::size_t>());
}

TEST(VerbHello, OptionalTailIsLenientAsUpstream) {
  const Bytes payload = clear_hello();
  const std::size_t identity_end = 1 + 1 + 1 + 2 + 8 + Identity::kPublicBinarySize;
  const std::size_t address_end = identity_end + 7;  // 127.0.0.1/9993
  const std::size_t planet_end = address_end + 16;
  std::span<const std::uint8_t> all(payload);

  for (std::size_t n = 0; n < identity_end; ++n)
    EXPECT_FALSE(parse_hello(all.first(n))) << n;
  auto bare = parse_hello(all.first(identity_end));
  ASSERT_TRUE(bare);
  EXPECT_TRUE(bare->physical_destination.is_nil());
  EXPECT_FALSE(bare->planet);
  // A partial address is malformed.
  for (std::size_t n = identity_end + 1; n < address_end; ++n)
    EXPECT_FALSE(parse_hello(all.first(n))) << n;
  auto no_planet = parse_hello(all.first(address_end));
  ASSERT_TRUE(no_planet);
  EXPECT_EQ(no_planet->physical_destination.to_string(), "127.0.0.1/9993");
  EXPECT_FALSE(no_planet->planet);
  auto no_moons = parse_hello(all.first(planet_end));
  ASSERT_TRUE(no_moons);
  EXPECT_TRUE(no_moons->planet);
  EXPECT_TRUE(no_moons->moons.empty());
  // One stray byte after the planet is ignored; a counted moon that is cut off is not.
  EXPECT_TRUE(parse_hello(all.first(planet_end + 1)));
  for (std::size_t n = planet_end + 2; n < payload.size(); ++n)
    EXPECT_FALSE(parse_hello(all.first(n))) << n;
}

TEST(VerbHello, RejectsBadIdentityAndAddress) {
  Bytes payload = clear_hello();
  Bytes bad_type = payload;
  bad_type[13 + 5] = 1;  // identity type byte
  EXPECT_FALSE(parse_hello(bad_type));
  Bytes bad_address = payload;
  bad_address[13 + Identity::kPublicBinarySize] = 0x07;  // unknown InetAddress type
  EXPECT_FALSE(parse_hello(bad_address));
  EXPECT_FALSE(hello_crypt_field_offset(bad_address));
  // A private key inside a HELLO is refused.
  Bytes with_private(payload.begin(), payload.begin() + 13 + Identity::kPublicBinarySize);
  with_private.back() = 64;
  with_private.resize(with_private.size() + 64, 0x11);
  EXPECT_FALSE(parse_hello(with_private));
}

TEST(VerbHello, WriterWithoutPlanetStopsAfterAddress) {
  auto h = parse_hello(clear_hello());
  ASSERT_TRUE(h);
  h->planet.reset();
  Bytes out;
  ByteWriter w(out);
  const std::size_t crypt_start = write_hello(w, *h);
  EXPECT_EQ(out.size(), 13 + Identity::kPublicBinarySize + 7);
  EXPECT_EQ(crypt_start, out.size());
}

TEST(VerbHello, GarbageFailsCleanly) {
  test::run_garbage(parse_hello, write_hello);
  // Random bytes essentially never hold a type-0 identity; mutate a real HELLO too.
  EXPECT_GT(test::run_mutations(parse_hello, write_hello, clear_hello()), 0u);
}

TEST(VerbOkHello, ParsesUpstreamOkHello) {
  const Bytes payload = test::vl1_payload(kOkHello);
  auto ok = parse_ok(payload);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->in_re_verb, Verb::kHello);
  EXPECT_EQ(ok->in_re_packet_id, 0x1122334455667788ULL);
  auto body = parse_ok_hello(ok->body);
  ASSERT_TRUE(body);
  EXPECT_EQ(body->timestamp, 1700000000000ULL);
  EXPECT_EQ(body->protocol_version, 12);
  EXPECT_EQ(body->version_major, 1);
  EXPECT_EQ(body->version_minor, 14);
  EXPECT_EQ(body->version_revision, 1);
  // The vector's note: "physical address seen = 192.168.1.10/9993, no world updates".
  EXPECT_EQ(body->physical_source.to_string(), "192.168.1.10/9993");
  EXPECT_TRUE(body->world_updates.empty());
}

TEST(VerbOkHello, WriterReproducesUpstreamBytes) {
  const Bytes payload = test::vl1_payload(kOkHello);
  auto ok = parse_ok(payload);
  ASSERT_TRUE(ok);
  auto body = parse_ok_hello(ok->body);
  ASSERT_TRUE(body);
  Bytes out;
  ByteWriter w(out);
  write_ok_header(w, ok->in_re_verb, ok->in_re_packet_id);
  write_ok_hello(w, *body);
  EXPECT_EQ(to_hex(out), to_hex(payload));
}

TEST(VerbOkHello, CarriesWorldUpdatesVerbatim) {
  const Bytes world = hex(test::vl1()["world_planet"]["serialized_hex"]);
  OkHello ok;
  ok.timestamp = 5;
  ok.protocol_version = 12;
  ok.world_updates = world;
  const Bytes out = test::written(write_ok_hello, ok);
  auto back = parse_ok_hello(out);
  ASSERT_TRUE(back);
  EXPECT_EQ(to_hex(back->world_updates), to_hex(world));
  test::expect_every_truncation_fails(parse_ok_hello, out);
}

TEST(VerbOkHello, TruncationAndGarbageFail) {
  const Bytes payload = test::vl1_payload(kOkHello);
  auto ok = parse_ok(payload);
  ASSERT_TRUE(ok);
  test::expect_every_truncation_fails(parse_ok_hello, ok->body);
  EXPECT_GT(test::run_garbage(parse_ok_hello, write_ok_hello), 0u);
}

}  // namespace
}  // namespace zt
