// Planets and moons against upstream's vectors: bytes, signatures, update
// rules and the sort order upstream's tools sign in.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "proto/world.hpp"
#include "vectors.hpp"

namespace zt {
namespace {

using test::hex;

const nlohmann::json& planet_vec() { return test::vl1()["world_planet"]; }
const nlohmann::json& moon_vec() { return test::vl1()["world_moon"]; }
const nlohmann::json& earth_vec() { return test::vl1()["world_earth_default"]; }

std::optional<World> parse_exact(const Bytes& bytes) {
  ByteReader r(bytes);
  auto w = World::deserialize(r);
  if (w && !r.at_end()) ADD_FAILURE() << "deserialize left " << r.remaining() << " bytes";
  return w;
}

World parse_vector(const nlohmann::json& v, const char* field = "serialized_hex") {
  auto w = parse_exact(hex(v[field]));
  EXPECT_TRUE(w.has_value());
  return w.value_or(World{});
}

crypto::C25519KeyPair vector_signer() {
  crypto::C25519KeyPair kp;
  EXPECT_TRUE(from_hex_exact(planet_vec()["signing_key_public_64_hex"].get<std::string>(), kp.pub));
  EXPECT_TRUE(
      from_hex_exact(planet_vec()["signing_key_private_64_hex"].get<std::string>(), kp.priv));
  return kp;
}

InetAddress endpoint(const char* text) {
  auto a = InetAddress::from_string(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(InetAddress{});
}

Identity identity(const std::string& text) {
  auto id = Identity::from_string(text);
  EXPECT_TRUE(id.has_value()) << text;
  return id.value_or(Identity{});
}

TEST(World, PlanetParsesAndReserializesExactly) {
  const Bytes bytes = hex(planet_vec()["serialized_hex"]);
  const World w = parse_vector(planet_vec());
  EXPECT_EQ(w.type, World::Type::kPlanet);
  EXPECT_EQ(static_cast<int>(w.type), planet_vec()["type"].get<int>());
  EXPECT_EQ(w.id, planet_vec()["id"].get<std::uint64_t>());
  EXPECT_EQ(w.timestamp, planet_vec()["timestamp"].get<std::uint64_t>());
  EXPECT_EQ(to_hex(w.updates_must_be_signed_by),
            planet_vec()["signing_key_public_64_hex"].get<std::string>());
  EXPECT_EQ(to_hex(w.signature), planet_vec()["signature_96_hex"].get<std::string>());
  ASSERT_EQ(w.roots.size(), 1u);
  EXPECT_EQ(w.roots[0].identity.to_string(false),
            planet_vec()["root_identity_public_string"].get<std::string>());
  ASSERT_EQ(w.roots[0].stable_endpoints.size(), 1u);
  EXPECT_EQ(w.roots[0].stable_endpoints[0].to_string(),
            planet_vec()["root_stable_endpoint"].get<std::string>());
  EXPECT_EQ(w.to_bytes(), bytes);
  EXPECT_EQ(to_hex(w.signed_message()), planet_vec()["signed_message_hex"].get<std::string>());
  EXPECT_TRUE(planet_vec()["deserialize_roundtrip_equal"].get<bool>());
}

TEST(World, MoonParsesAndReserializesExactly) {
  const World w = parse_vector(moon_vec());
  EXPECT_EQ(w.type, World::Type::kMoon);
  EXPECT_EQ(static_cast<int>(w.type), moon_vec()["type"].get<int>());
  EXPECT_EQ(w.id, moon_vec()["id"].get<std::uint64_t>());
  ASSERT_EQ(w.roots.size(), 1u);
  EXPECT_EQ(w.id, w.roots[0].identity.address().value());  // moon id = root address by convention
  EXPECT_EQ(to_hex(w.to_bytes()), moon_vec()["serialized_hex"].get<std::string>());
  EXPECT_EQ(to_hex(w.signed_message()), moon_vec()["signed_message_hex"].get<std::string>());
}

TEST(World, BuildingAndSigningReproducesUpstreamBytes) {
  const auto signer = vector_signer();
  EXPECT_EQ(crypto::c25519_public_from_private(signer.priv), signer.pub);
  for (const auto* v : {&planet_vec(), &moon_vec()}) {
    World w;
    w.type = static_cast<World::Type>((*v)["type"].get<int>());
    w.id = (*v)["id"];
    w.timestamp = (*v)["timestamp"];
    w.updates_must_be_signed_by = signer.pub;
    w.roots.push_back(
        {identity(planet_vec()["root_identity_public_string"]), {endpoint("127.0.0.1/9993")}});
    w.sort_for_signing();
    w.sign(signer);
    EXPECT_EQ(to_hex(w.to_bytes()), (*v)["serialized_hex"].get<std::string>());
    EXPECT_EQ(w.verify_signature(signer.pub), (*v)["signature_verifies"].get<bool>());
  }
  World w = parse_vector(planet_vec());
  w.signature = {};
  w.sign(signer);
  EXPECT_EQ(to_hex(w.signature), planet_vec()["signature_96_hex"].get<std::string>());
}

TEST(World, SignatureRejectsOtherKeysAndTampering) {
  const auto signer = vector_signer();
  World w = parse_vector(planet_vec());
  EXPECT_TRUE(w.verify_signature(signer.pub));
  EXPECT_FALSE(w.verify_signature(crypto::c25519_generate().pub));
  World tampered = w;
  tampered.timestamp += 1;
  EXPECT_FALSE(tampered.verify_signature(signer.pub));
  tampered = w;
  tampered.roots[0].stable_endpoints[0].set_port(9994);
  EXPECT_FALSE(tampered.verify_signature(signer.pub));
  tampered = w;
  tampered.signature[10] ^= 1;
  EXPECT_FALSE(tampered.verify_signature(signer.pub));
}

TEST(World, UpdateRulesMatchUpstream) {
  const auto signer = vector_signer();
  const World current = parse_vector(planet_vec());

  World next = current;
  next.timestamp += 1;
  next.sign(signer);
  EXPECT_EQ(to_hex(next.to_bytes()),
            planet_vec()["update_ts_plus_1_serialized_hex"].get<std::string>());
  EXPECT_EQ(current.should_be_replaced_by(next),
            planet_vec()["update_ts_plus_1_signed_by_current_key_accepted"].get<bool>());
  EXPECT_TRUE(
      current.should_be_replaced_by(parse_vector(planet_vec(), "update_ts_plus_1_serialized_hex")));

  World other_key = current;
  other_key.timestamp += 1;
  other_key.sign(crypto::c25519_generate());
  EXPECT_EQ(current.should_be_replaced_by(other_key),
            planet_vec()["update_ts_plus_1_signed_by_other_key_accepted"].get<bool>());

  World same_ts = current;
  same_ts.roots[0].stable_endpoints.push_back(endpoint("127.0.0.2/9993"));
  same_ts.sign(signer);
  EXPECT_TRUE(same_ts.verify_signature(signer.pub));
  EXPECT_EQ(current.should_be_replaced_by(same_ts),
            planet_vec()["update_same_ts_accepted"].get<bool>());

  World older = current;
  older.timestamp -= 1;
  older.sign(signer);
  EXPECT_FALSE(current.should_be_replaced_by(older));

  World other_id = next;
  other_id.id += 1;
  other_id.sign(signer);
  EXPECT_FALSE(current.should_be_replaced_by(other_id));

  World other_type = next;
  other_type.type = World::Type::kMoon;
  other_type.sign(signer);
  EXPECT_FALSE(current.should_be_replaced_by(other_type));

  // A null world is replaced by anything, with no signature check.
  EXPECT_TRUE(World{}.should_be_replaced_by(other_key));
  World zero_id = current;
  zero_id.id = 0;
  EXPECT_TRUE(zero_id.should_be_replaced_by(other_key));
}

TEST(World, EarthDefaultMatchesListedRoots) {
  const auto& v = earth_vec();
  const Bytes bytes = hex(v["serialized_hex"]);
  EXPECT_EQ(bytes.size(), v["length"].get<std::size_t>());
  const World w = parse_vector(v);
  EXPECT_EQ(w.type, World::Type::kPlanet);
  EXPECT_EQ(w.id, v["id"].get<std::uint64_t>());
  EXPECT_EQ(w.timestamp, v["timestamp"].get<std::uint64_t>());
  EXPECT_EQ(to_hex(w.updates_must_be_signed_by),
            v["updates_must_be_signed_by_hex"].get<std::string>());
  ASSERT_EQ(w.roots.size(), v["roots"].size());
  for (std::size_t i = 0; i < w.roots.size(); ++i) {
    const auto& expect = v["roots"][i];
    EXPECT_EQ(w.roots[i].identity.to_string(false), expect["identity"].get<std::string>());
    EXPECT_EQ(w.roots[i].identity.locally_validate(), expect["locallyValidate"].get<bool>());
    std::vector<std::string> endpoints;
    for (const auto& ep : w.roots[i].stable_endpoints) endpoints.push_back(ep.to_string());
    EXPECT_EQ(endpoints, expect["stable_endpoints"].get<std::vector<std::string>>());
  }
  EXPECT_EQ(w.to_bytes(), bytes);
  EXPECT_EQ(w.verify_signature(w.updates_must_be_signed_by),
            v["self_signature_check_with_own_updatesMustBeSignedBy"].get<bool>());
}

TEST(World, SortOrderMirrorsUpstreamSockaddrCompare) {
  World::Root root;
  for (const char* text : {"2001:db8::1/256", "::2/255", "127.0.0.2/9993", "::1/255",
                           "1.0.0.3/9993", "10.0.0.1/255", "::1/256", "10.0.0.1/9993",
                           "2.0.0.1/9993", "10.0.0.1/256"})
    root.stable_endpoints.push_back(endpoint(text));
  World w;
  w.roots.push_back(root);
  w.sort_for_signing();
  std::vector<std::string> got;
  for (const auto& ep : w.roots[0].stable_endpoints) got.push_back(ep.to_string());
  // Ports compare byte-swapped (256 -> 0x0001 before 255 -> 0xff00, 9993 ->
  // 0x0927 in between); IPv4 addresses compare with their bytes reversed.
  const std::vector<std::string> want = {
      "10.0.0.1/256", "2.0.0.1/9993", "10.0.0.1/9993",   "127.0.0.2/9993", "1.0.0.3/9993",
      "10.0.0.1/255", "::1/256",      "2001:db8::1/256", "::1/255",        "::2/255",
  };
  EXPECT_EQ(got, want);
}

TEST(World, RootsSortByAddressThenPublicKey) {
  const auto& ids = test::vl1()["identities"];
  const Identity a = identity(ids[0]["public_string"]);            // 10a37c90df
  const Identity b = identity(ids[1]["public_string"]);            // eadedf2c91
  const Identity r = identity(ids[2]["public_string"]);            // dae52f96a7
  const Identity a_other_key = identity(ids[3]["public_string"]);  // 10a37c90df, smaller key
  World w;
  for (const Identity& id : {b, a, r, a_other_key}) w.roots.push_back({id, {}});
  w.sort_for_signing();
  ASSERT_EQ(w.roots.size(), 4u);
  EXPECT_EQ(w.roots[0].identity.to_string(false), a_other_key.to_string(false));
  EXPECT_EQ(w.roots[1].identity.to_string(false), a.to_string(false));
  EXPECT_EQ(w.roots[2].identity, r);
  EXPECT_EQ(w.roots[3].identity, b);
}

TEST(World, EveryTruncationIsRejected) {
  for (const auto* v : {&planet_vec(), &moon_vec(), &earth_vec()}) {
    const Bytes bytes = hex((*v)["serialized_hex"]);
    for (std::size_t len = 0; len < bytes.size(); ++len) {
      ByteReader r(std::span<const std::uint8_t>(bytes).first(len));
      EXPECT_FALSE(World::deserialize(r).has_value()) << "length " << len;
    }
  }
}

TEST(World, MalformedFieldsAreRejected) {
  const Bytes planet = hex(planet_vec()["serialized_hex"]);
  constexpr std::size_t kRootCountOffset = 1 + 8 + 8 + 64 + 96;
  constexpr std::size_t kEndpointCountOffset = kRootCountOffset + 1 + 71;
  ASSERT_EQ(planet[kRootCountOffset], 1);
  ASSERT_EQ(planet[kEndpointCountOffset], 1);

  for (std::uint8_t type : {2, 126, 128, 255}) {
    Bytes bad = planet;
    bad[0] = type;
    EXPECT_FALSE(parse_exact(bad).has_value()) << int{type};
  }
  Bytes too_many_roots = planet;
  too_many_roots[kRootCountOffset] = 5;
  EXPECT_FALSE(parse_exact(too_many_roots).has_value());

  // 33 endpoints, all present: refused for the count alone.
  Bytes too_many_endpoints(planet.begin(), planet.begin() + kEndpointCountOffset);
  too_many_endpoints.push_back(33);
  for (int i = 0; i < 33; ++i) too_many_endpoints.push_back(0);
  EXPECT_FALSE(parse_exact(too_many_endpoints).has_value());
  too_many_endpoints[kEndpointCountOffset] = 32;
  too_many_endpoints.pop_back();
  EXPECT_TRUE(parse_exact(too_many_endpoints).has_value());

  Bytes bad_endpoint = planet;
  bad_endpoint[kEndpointCountOffset + 1] = 9;  // unknown InetAddress type
  EXPECT_FALSE(parse_exact(bad_endpoint).has_value());

  Bytes bad_identity_type = planet;
  bad_identity_type[kRootCountOffset + 1 + 5] = 1;
  EXPECT_FALSE(parse_exact(bad_identity_type).has_value());
}

TEST(World, MoonDictionaryIsSkippedWithinTheSizeLimit) {
  Bytes moon = hex(moon_vec()["serialized_hex"]);
  moon.resize(moon.size() - 2);
  Bytes with_dict = moon;
  with_dict.insert(with_dict.end(), {0x00, 0x03, 'a', '=', 'b'});
  auto w = parse_exact(with_dict);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(to_hex(w->to_bytes()), moon_vec()["serialized_hex"].get<std::string>());

  Bytes short_dict = moon;
  short_dict.insert(short_dict.end(), {0x00, 0x04, 'a', '=', 'b'});
  EXPECT_FALSE(parse_exact(short_dict).has_value());

  auto with_dict_of = [&](std::size_t dict_len) {
    Bytes out = moon;
    out.push_back(static_cast<std::uint8_t>(dict_len >> 8));
    out.push_back(static_cast<std::uint8_t>(dict_len));
    out.resize(out.size() + dict_len);
    return out;
  };
  const std::size_t largest = World::kMaxSerializedSize - moon.size() - 2;
  EXPECT_EQ(with_dict_of(largest).size(), World::kMaxSerializedSize);
  EXPECT_TRUE(parse_exact(with_dict_of(largest)).has_value());
  EXPECT_FALSE(parse_exact(with_dict_of(largest + 1)).has_value());
}

TEST(World, DeserializeStopsAtTheWorldsEnd) {
  Bytes bytes = hex(planet_vec()["serialized_hex"]);
  const std::size_t size = bytes.size();
  bytes.push_back(0xaa);
  ByteReader r(bytes);
  ASSERT_TRUE(World::deserialize(r).has_value());
  EXPECT_EQ(r.position(), size);
}

TEST(World, LimitsAreChecked) {
  World w = parse_vector(planet_vec());
  EXPECT_TRUE(w.within_limits());
  w.roots[0].stable_endpoints.resize(World::kMaxStableEndpoints + 1);
  EXPECT_FALSE(w.within_limits());
  w.roots[0].stable_endpoints.resize(1);
  w.roots.resize(World::kMaxRoots + 1, w.roots[0]);
  EXPECT_FALSE(w.within_limits());
}

}  // namespace
}  // namespace zt
