// The network config dictionary against upstream's vl2 vectors: exact
// writer bytes, every blob, and the reader's rules for limits and
// malformed input.
#include "proto/network_config.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "proto/credentials/credential_test_support.hpp"
#include "proto/dictionary.hpp"
#include "proto/network_id.hpp"
#include "vectors.hpp"

namespace zt {
namespace {

using test::hex;

const nlohmann::json& vec() { return test::vl2()["network_config"]; }

InetAddress ip(const char* text) { return *InetAddress::from_string(text); }

// The config upstream's golden vector was made from.
NetworkConfig golden_config() {
  const Identity controller = test::vl2_identity("controller");
  const Identity member = test::vl2_identity("memberA");
  NetworkConfig c;
  c.network_id = test::kVectorNwid;
  c.timestamp = test::kVectorTs;
  c.credential_time_max_delta = 1800000;
  c.revision = 5;
  c.issued_to = member.address();
  c.flags = kNetworkFlagEnableBroadcast | kNetworkFlagEnableNdpEmulation;
  c.multicast_limit = 32;
  c.type = NetworkConfig::Type::kPrivate;
  c.name = "golden-net";
  c.mtu = 2800;
  c.routes = {{ip("10.147.17.0/24"), InetAddress(), 0, 0},
              {ip("192.168.100.0/24"), ip("10.147.17.1"), 0, 0}};
  c.static_ips = {rfc4193_address(c.network_id, member.address()),
                  sixplane_address(c.network_id, member.address()), ip("10.147.17.5/24")};
  c.rules = {0x01, 0x00};
  c.com = CertificateOfMembership::issue(static_cast<std::uint64_t>(c.timestamp),
                                         c.credential_time_max_delta, c.network_id, member);
  EXPECT_TRUE(c.com.sign(controller));
  CertificateOfOwnership coo;
  coo.network_id = c.network_id;
  coo.timestamp = c.timestamp;
  coo.id = 1;
  coo.issued_to = member.address();
  for (const auto& a : c.static_ips) coo.add(a);
  EXPECT_TRUE(coo.sign(controller));
  c.certificates_of_ownership = {coo};
  c.dns.domain = "golden.example";
  c.dns.servers[0] = ip("10.147.17.1");
  return c;
}

// A minimal valid dictionary plus `extra` entries (added after the required ones).
Bytes dict_with(const std::vector<std::pair<std::string, Bytes>>& extra,
                std::uint64_t version = 7) {
  DictionaryWriter d(kNetworkConfigDictCapacity);
  EXPECT_TRUE(d.add_u64("v", version));
  EXPECT_TRUE(d.add_u64("nwid", test::kVectorNwid));
  EXPECT_TRUE(d.add("id", "6362cd6fda"));
  for (const auto& [k, v] : extra) EXPECT_TRUE(d.add(k, v));
  return d.bytes();
}

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(NetworkConfig, WriterMatchesUpstream) {
  auto dict = golden_config().to_dictionary();
  ASSERT_TRUE(dict);
  EXPECT_EQ(dict->size(), vec()["dict_len"].get<std::size_t>());
  // The text vector holds the binary values as Latin-1 code points; compare
  // its readable head, and the bytes in full.
  const std::string head = vec()["dict_text"].get<std::string>();
  const std::string ours(dict->begin(), dict->end());
  EXPECT_EQ(ours.substr(0, ours.find("\nC=")), head.substr(0, head.find("\nC=")));
  EXPECT_EQ(to_hex(*dict), vec()["dict_hex"].get<std::string>());
}

TEST(NetworkConfig, ReaderMatchesUpstream) {
  const Bytes dict = hex(vec()["dict_hex"]);
  auto c = NetworkConfig::from_dictionary(dict);
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, golden_config());
  EXPECT_EQ(c->name, "golden-net");
  EXPECT_TRUE(c->is_private());
  EXPECT_TRUE(c->has_flag(kNetworkFlagEnableNdpEmulation));
  EXPECT_EQ(c->issued_to, test::vl2_identity("memberA").address());
  EXPECT_TRUE(c->com.verify(test::vl2_identity("controller")));
  ASSERT_EQ(c->certificates_of_ownership.size(), 1u);
  EXPECT_TRUE(c->certificates_of_ownership[0].verify(test::vl2_identity("controller")));
  EXPECT_EQ(c->dns.domain, "golden.example");
  EXPECT_EQ(c->dns.servers[0], ip("10.147.17.1"));
  EXPECT_TRUE(c->dns.servers[1].is_nil());

  // Each blob as upstream wrote it.
  auto reader = DictionaryReader::parse(dict, kNetworkConfigDictCapacity);
  ASSERT_TRUE(reader);
  for (const char* k : {"RT", "I", "R", "C", "COO", "DNS"}) {
    auto blob = reader->get(k);
    ASSERT_TRUE(blob) << k;
    EXPECT_EQ(to_hex(*blob), vec()[std::string(k) + "_hex"].get<std::string>()) << k;
  }
  EXPECT_EQ(to_hex(c->com.serialize()), vec()["C_hex"].get<std::string>());
  EXPECT_EQ(to_hex(c->certificates_of_ownership[0].serialize()),
            vec()["COO_hex"].get<std::string>());
  EXPECT_EQ(to_hex(c->rules), vec()["R_hex"].get<std::string>());
  EXPECT_FALSE(reader->contains("S"));  // empty blobs are left out
  EXPECT_FALSE(reader->contains("CAP"));

  // And back to the same bytes.
  EXPECT_TRUE(vec()["roundtrip_identical"].get<bool>());
  EXPECT_EQ(to_hex(c->to_dictionary().value_or(Bytes{})), to_hex(dict));
}

TEST(NetworkConfig, MultiChunkDictionaryRoundTrips) {
  const Bytes dict = hex(vec()["multi_chunk_example"]["dict_hex"]);
  auto c = NetworkConfig::from_dictionary(dict);
  ASSERT_TRUE(c);
  EXPECT_EQ(count_encoded_rules(c->rules), 1400u);  // kept as given; the rules codec limits
  EXPECT_EQ(to_hex(c->to_dictionary().value_or(Bytes{})), to_hex(dict));
}

TEST(NetworkConfig, RequiredFields) {
  EXPECT_TRUE(NetworkConfig::from_dictionary(dict_with({})));
  EXPECT_TRUE(NetworkConfig::from_dictionary(dict_with({}, 6)));
  EXPECT_FALSE(NetworkConfig::from_dictionary(dict_with({}, 5)));  // legacy
  EXPECT_FALSE(NetworkConfig::from_dictionary({}));
  DictionaryWriter no_version(kNetworkConfigDictCapacity);
  no_version.add_u64("nwid", test::kVectorNwid);
  no_version.add("id", "6362cd6fda");
  EXPECT_FALSE(NetworkConfig::from_dictionary(no_version.bytes()));
  DictionaryWriter zero_nwid(kNetworkConfigDictCapacity);
  zero_nwid.add_u64("v", 7);
  zero_nwid.add_u64("nwid", 0);
  zero_nwid.add("id", "6362cd6fda");
  EXPECT_FALSE(NetworkConfig::from_dictionary(zero_nwid.bytes()));
  DictionaryWriter no_id(kNetworkConfigDictCapacity);
  no_id.add_u64("v", 7);
  no_id.add_u64("nwid", 1);
  EXPECT_FALSE(NetworkConfig::from_dictionary(no_id.bytes()));
  // Only the low 40 bits of `id` count: these are zero.
  DictionaryWriter wide_id(kNetworkConfigDictCapacity);
  wide_id.add_u64("v", 7);
  wide_id.add_u64("nwid", 1);
  wide_id.add_u64("id", 0x10000000000ULL);
  EXPECT_FALSE(NetworkConfig::from_dictionary(wide_id.bytes()));
}

TEST(NetworkConfig, DefaultsAndClamps) {
  auto c = NetworkConfig::from_dictionary(dict_with({}));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->mtu, kDefaultNetworkMtu);
  EXPECT_TRUE(c->is_private());
  EXPECT_TRUE(c->com.empty());
  EXPECT_TRUE(c->dns.domain.empty());
  struct Case {
    const char* mtu;
    std::uint32_t expected;
  };
  for (const Case k : {Case{"100", 1280}, Case{"2710", 10000}, Case{"500", 1280}, Case{"5dc", 1500},
                       Case{"100000500", 1280}}) {
    auto m = NetworkConfig::from_dictionary(dict_with({{"mtu", text(k.mtu)}}));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->mtu, k.expected) << k.mtu;
  }
  auto pub = NetworkConfig::from_dictionary(dict_with({{"t", text("1")}, {"zz", text("x")}}));
  ASSERT_TRUE(pub);
  EXPECT_TRUE(pub->is_public());
  const std::string long_name(200, 'n');
  auto named = NetworkConfig::from_dictionary(dict_with({{"n", text(long_name)}}));
  ASSERT_TRUE(named);
  EXPECT_EQ(named->name, long_name.substr(0, 127));
}

TEST(NetworkConfig, CountsBeyondLimitsAreDropped) {
  Bytes ips, routes, specialists, coos, tags;
  ByteWriter wi(ips), wr(routes), ws(specialists), wc(coos), wt(tags);
  for (int i = 0; i < 40; ++i) ip("10.0.0.1/8").serialize(wi);
  for (int i = 0; i < 130; ++i) {
    ip("10.0.0.0/8").serialize(wr);
    InetAddress().serialize(wr);
    wr.u16(0);
    wr.u16(static_cast<std::uint16_t>(i));
  }
  for (int i = 0; i < 300; ++i) ws.u64(kSpecialistActiveBridge | static_cast<std::uint64_t>(i + 1));
  ws.u32(0xdeadbeef);  // a partial trailing entry is ignored
  for (int i = 0; i < 6; ++i) {
    CertificateOfOwnership coo;
    coo.id = static_cast<std::uint32_t>(i);
    coo.write(wc);
  }
  for (int i = 0; i < 130; ++i) {
    Tag t;
    t.id = static_cast<std::uint32_t>(1000 - i);  // descending: the reader sorts
    t.write(wt);
  }
  auto c = NetworkConfig::from_dictionary(
      dict_with({{"I", ips}, {"RT", routes}, {"S", specialists}, {"COO", coos}, {"TAG", tags}}));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->static_ips.size(), kMaxStaticIps);
  EXPECT_EQ(c->routes.size(), kMaxNetworkRoutes);
  EXPECT_EQ(c->routes.back().metric, kMaxNetworkRoutes - 1);
  EXPECT_EQ(c->specialists.size(), kMaxNetworkSpecialists);
  EXPECT_EQ(c->specialists_with(kSpecialistActiveBridge).size(), kMaxNetworkSpecialists);
  EXPECT_TRUE(c->specialists_with(kSpecialistAnchor).empty());
  EXPECT_EQ(c->certificates_of_ownership.size(), kMaxCertificatesOfOwnership);
  ASSERT_EQ(c->tags.size(), kMaxNetworkTags);
  EXPECT_TRUE(std::is_sorted(c->tags.begin(), c->tags.end(),
                             [](const Tag& a, const Tag& b) { return a.id < b.id; }));
  EXPECT_EQ(c->tags.front().id, 1000u - 127u);
}

TEST(NetworkConfig, MalformedBlobs) {
  const Bytes com = hex(vec()["C_hex"]);
  // A bad COM leaves no COM; the config stands.
  Bytes bad_com = com;
  bad_com[0] = 0x07;
  auto no_com = NetworkConfig::from_dictionary(dict_with({{"C", bad_com}}));
  ASSERT_TRUE(no_com);
  EXPECT_TRUE(no_com->com.empty());
  auto with_com = NetworkConfig::from_dictionary(dict_with({{"C", com}}));
  ASSERT_TRUE(with_com);
  EXPECT_FALSE(with_com->com.empty());

  // Tags and capabilities keep what parsed before the bad one.
  Bytes tags;
  ByteWriter wt(tags);
  Tag t;
  t.id = 9;
  t.write(wt);
  t.id = 3;
  t.write(wt);
  tags.push_back(0x01);  // a truncated third
  auto some_tags = NetworkConfig::from_dictionary(dict_with({{"TAG", tags}}));
  ASSERT_TRUE(some_tags);
  ASSERT_EQ(some_tags->tags.size(), 2u);
  EXPECT_EQ(some_tags->tags[0].id, 3u);
  Bytes caps = hex(test::credential_vectors()["capability"]["hex"]);
  caps.push_back(0xff);
  auto some_caps = NetworkConfig::from_dictionary(dict_with({{"CAP", caps}}));
  ASSERT_TRUE(some_caps);
  EXPECT_EQ(some_caps->capabilities.size(), 1u);

  // A malformed COO, route, static IP or DNS blob drops the whole config.
  Bytes coo = hex(vec()["COO_hex"]);
  coo.pop_back();
  EXPECT_FALSE(NetworkConfig::from_dictionary(dict_with({{"COO", coo}})));
  Bytes rt = hex(vec()["RT_hex"]);
  rt.pop_back();
  EXPECT_FALSE(NetworkConfig::from_dictionary(dict_with({{"RT", rt}})));
  Bytes ips = hex(vec()["I_hex"]);
  ips.push_back(0x09);  // unknown address type
  EXPECT_FALSE(NetworkConfig::from_dictionary(dict_with({{"I", ips}})));
  Bytes dns = hex(vec()["DNS_hex"]);
  EXPECT_TRUE(NetworkConfig::from_dictionary(dict_with({{"DNS", dns}})));
  dns.pop_back();  // the fourth server is missing
  EXPECT_FALSE(NetworkConfig::from_dictionary(dict_with({{"DNS", dns}})));
  EXPECT_FALSE(NetworkConfig::from_dictionary(dict_with({{"DNS", Bytes(100, 0)}})));
  // A domain of 128 bytes keeps 127.
  Bytes long_domain(128, 'd');
  long_domain.insert(long_domain.end(), 4, 0x00);
  auto dom = NetworkConfig::from_dictionary(dict_with({{"DNS", long_domain}}));
  ASSERT_TRUE(dom);
  EXPECT_EQ(dom->dns.domain.size(), 127u);
}

TEST(NetworkConfig, SsoFields) {
  NetworkConfig c = golden_config();
  c.sso_enabled = true;
  c.authentication_url = "https://login.example/a";
  c.authentication_expiry_time = 1700000060000;
  auto v0 = c.to_dictionary();
  ASSERT_TRUE(v0);
  const std::string v0_text(v0->begin(), v0->end());
  EXPECT_NE(v0_text.find("\nssov=0000000000000000\nssoe=1\naurl=https://login.example/a\n"
                         "aexpt=0000018bcfe65260"),
            std::string::npos);
  auto back0 = NetworkConfig::from_dictionary(*v0);
  ASSERT_TRUE(back0);
  EXPECT_EQ(*back0, c);

  c.sso_version = 1;
  c.authentication_url.clear();
  c.authentication_expiry_time = 0;
  c.issuer_url = "https://issuer.example";
  c.central_auth_url = "https://central.example";
  c.sso_nonce = "nonce";
  c.sso_state = "state";
  c.sso_client_id = "client";
  c.sso_provider = "";
  auto v1 = c.to_dictionary();
  ASSERT_TRUE(v1);
  const std::string v1_text(v1->begin(), v1->end());
  EXPECT_NE(v1_text.find("\nssov=0000000000000001\nssoe=1\niurl=https://issuer.example\n"
                         "ssoce=https://central.example\nsson=nonce\nssos=state\nssocid=client\n"
                         "ssop="),
            std::string::npos);
  auto back1 = NetworkConfig::from_dictionary(*v1);
  ASSERT_TRUE(back1);
  EXPECT_EQ(back1->sso_provider, "default");  // an empty provider reads as "default"
  EXPECT_EQ(back1->issuer_url, c.issuer_url);

  // Disabled SSO reads no fields at all.
  auto off = NetworkConfig::from_dictionary(
      dict_with({{"ssov", text("1")}, {"ssoe", text("0")}, {"iurl", text("x")}}));
  ASSERT_TRUE(off);
  EXPECT_TRUE(off->issuer_url.empty());
  EXPECT_TRUE(off->sso_provider.empty());
}

TEST(NetworkConfig, WriterRespectsCapacity) {
  NetworkConfig c = golden_config();
  c.rules.assign(kNetworkConfigDictCapacity, 0x01);
  EXPECT_FALSE(c.to_dictionary());
}

TEST(NetworkConfig, GarbageNeverCrashes) {
  // Random mutations of the golden dictionary: whatever parses writes out,
  // and writing settles after one more pass (an unknown `ssov` is dropped
  // by the writer and then reads back as version 0, as upstream does).
  const Bytes dict = hex(vec()["dict_hex"]);
  std::uint32_t seed = 1;
  int parsed = 0;
  for (int round = 0; round < 2000; ++round) {
    Bytes m = dict;
    for (int k = 0; k < 4; ++k) {
      seed = seed * 1103515245 + 12345;
      m[(seed >> 8) % m.size()] = static_cast<std::uint8_t>(seed >> 24);
    }
    auto c = NetworkConfig::from_dictionary(m);
    if (!c) continue;
    ++parsed;
    Bytes out = c->to_dictionary().value();
    for (int pass = 0; pass < 2; ++pass) {
      auto next = NetworkConfig::from_dictionary(out);
      ASSERT_TRUE(next) << "round " << round;
      out = next->to_dictionary().value();
    }
    auto settled = NetworkConfig::from_dictionary(out);
    ASSERT_TRUE(settled);
    EXPECT_EQ(to_hex(settled->to_dictionary().value()), to_hex(out)) << "round " << round;
  }
  EXPECT_GT(parsed, 100);
}

}  // namespace
}  // namespace zt
