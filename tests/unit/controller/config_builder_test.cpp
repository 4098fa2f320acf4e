// The config a controller builds from its records, against upstream's
// golden network_config vector (byte for byte), plus the rules, tags,
// capabilities, specialists and limits that vector does not show.
#include "controller/config_builder.hpp"

#include <gtest/gtest.h>

#include "controller/records.hpp"
#include "proto/credentials/credential_test_support.hpp"
#include "proto/network_id.hpp"
#include "proto/rules.hpp"
#include "vectors.hpp"

namespace zt::controller {
namespace {

using test::kVectorNwid;
using test::kVectorTs;

std::uint64_t no_random() {
  ADD_FAILURE() << "no random draw expected";
  return 0;
}

// The records that describe network_config.desc.
json golden_network() {
  json n =
      network_from_post(json(),
                        {{"name", "golden-net"},
                         {"private", true},
                         {"mtu", 2800},
                         {"multicastLimit", 32},
                         {"routes",
                          {{{"target", "10.147.17.0/24"}, {"via", nullptr}},
                           {{"target", "192.168.100.0/24"}, {"via", "10.147.17.1"}}}},
                         {"v6AssignMode", "rfc4193,6plane"},
                         {"dns", {{"domain", "golden.example"}, {"servers", {"10.147.17.1"}}}}},
                        kVectorNwid, kVectorTs);
  n["revision"] = 5;
  return n;
}

json golden_member(const Identity& id) {
  return member_from_post(json(), {{"authorized", true}, {"ipAssignments", {"10.147.17.5"}}},
                          kVectorNwid, id.address(), kVectorTs);
}

struct Built {
  std::optional<NetworkConfig> config;
  json member;
};

Built build(const json& network, json member, const NetworkSummary& summary = {},
            std::uint64_t revr = 1, bool new_member = false, const RandomFn& random = no_random) {
  ConfigRequest req;
  req.network_id = kVectorNwid;
  req.now = kVectorTs;
  req.member = test::vl2_identity("memberA").public_only();
  req.new_member = new_member;
  req.rules_engine_revision = revr;
  auto config =
      build_network_config(test::vl2_identity("controller"), network, member, summary, req, random);
  return {std::move(config), std::move(member)};
}

TEST(ConfigBuilder, GoldenRecordsGiveUpstreamsDictionary) {
  const Identity a = test::vl2_identity("memberA");
  for (std::uint64_t revr : {0, 1}) {
    Built b = build(golden_network(), golden_member(a), {}, revr);
    ASSERT_TRUE(b.config);
    const auto dict = b.config->to_dictionary();
    ASSERT_TRUE(dict);
    EXPECT_EQ(to_hex(*dict), test::vl2()["network_config"]["dict_hex"].get<std::string>()) << revr;
  }
}

TEST(ConfigBuilder, OnlyRoutedAssignmentsAreSentWithTheMostSpecificMask) {
  json network = golden_network();
  network["routes"] = {{{"target", "10.0.0.0/8"}, {"via", nullptr}},
                       {{"target", "10.147.0.0/16"}, {"via", nullptr}},
                       {{"target", "fd00::/64"}, {"via", nullptr}}};
  network["v6AssignMode"] = json::object();
  json member = golden_member(test::vl2_identity("memberA"));
  member["ipAssignments"] = {"10.147.17.5", "192.168.1.1", "fd00::5", 7};
  Built b = build(network, member);
  ASSERT_TRUE(b.config);
  ASSERT_EQ(b.config->static_ips.size(), 2u);
  EXPECT_EQ(b.config->static_ips[0], *InetAddress::from_string("10.147.17.5/16"));
  EXPECT_EQ(b.config->static_ips[1], *InetAddress::from_string("fd00::5/64"));
  EXPECT_FALSE(b.config->has_flag(kNetworkFlagEnableNdpEmulation));
  ASSERT_EQ(b.config->certificates_of_ownership.size(), 1u);
  EXPECT_TRUE(b.config->certificates_of_ownership[0].owns(*InetAddress::from_string("fd00::5")));
  EXPECT_FALSE(
      b.config->certificates_of_ownership[0].owns(*InetAddress::from_string("192.168.1.1")));
}

TEST(ConfigBuilder, PoolAllocationIsAppendedToTheMember) {
  json network = network_from_post(
      json(),
      {{"v4AssignMode", "zt"},
       {"routes", {{{"target", "10.147.17.0/24"}}}},
       {"ipAssignmentPools", {{{"ipRangeStart", "10.147.17.1"}, {"ipRangeEnd", "10.147.17.254"}}}}},
      kVectorNwid, kVectorTs);
  json member = member_from_post(json(), {{"authorized", true}}, kVectorNwid,
                                 test::vl2_identity("memberA").address(), kVectorTs);
  Built b = build(network, member);
  ASSERT_TRUE(b.config);
  EXPECT_EQ(dump_json(b.member["ipAssignments"]), R"(["10.147.17.236"])");
  ASSERT_EQ(b.config->static_ips.size(), 1u);
  EXPECT_EQ(b.config->static_ips[0], *InetAddress::from_string("10.147.17.236/24"));

  // Once assigned, the same address comes back without another allocation.
  Built again = build(network, b.member);
  EXPECT_EQ(again.member["ipAssignments"], b.member["ipAssignments"]);
  EXPECT_EQ(again.config->static_ips, b.config->static_ips);

  // noAutoAssignIps turns the pools off.
  member["noAutoAssignIps"] = true;
  EXPECT_TRUE(build(network, member).config->static_ips.empty());
}

TEST(ConfigBuilder, PublicNetworkFlagsNameAndLimits) {
  json network = network_from_post(json(),
                                   {{"private", false},
                                    {"enableBroadcast", false},
                                    {"name", std::string(200, 'n')},
                                    {"multicastLimit", 0}},
                                   kVectorNwid, kVectorTs);
  network["mtu"] = 20000;  // a stored value past the limit is clamped too
  network["certificateTimeoutWindowSize"] = 1000;
  Built b = build(network, golden_member(test::vl2_identity("memberA")));
  ASSERT_TRUE(b.config);
  EXPECT_TRUE(b.config->is_public());
  EXPECT_EQ(b.config->flags, 0u);
  EXPECT_EQ(b.config->name.size(), 127u);
  EXPECT_EQ(b.config->multicast_limit, 0u);
  EXPECT_EQ(b.config->mtu, 10000u);
  EXPECT_EQ(b.config->credential_time_max_delta, 300000u);
  EXPECT_FALSE(b.config->com.empty());  // public networks get a COM too
  EXPECT_EQ(b.config->com.timestamp(), static_cast<std::uint64_t>(kVectorTs));

  network["certificateTimeoutWindowSize"] = 99999999;
  EXPECT_EQ(build(network, b.member).config->credential_time_max_delta, 7200000u);
  network["certificateTimeoutWindowSize"] = "x";
  EXPECT_EQ(build(network, b.member).config->credential_time_max_delta, 1800000u);
}

TEST(ConfigBuilder, RulesFollowTheRulesEngineRevision) {
  json network = golden_network();
  network["rules"] = {
      {{"type", "MATCH_ETHERTYPE"}, {"etherType", 2048}, {"not", true}, {"or", false}},
      {{"type", "ACTION_DROP"}},
      {{"type", "BOGUS"}},
      {{"type", "ACTION_ACCEPT"}}};
  const json member = golden_member(test::vl2_identity("memberA"));
  EXPECT_EQ(to_hex(build(network, member, {}, 0).config->rules), "0100");
  EXPECT_EQ(to_hex(build(network, member, {}, 1).config->rules),
            "a50208000000"
            "0100");
}

TEST(ConfigBuilder, CapabilitiesAndTagsAreSignedForTheMember) {
  const Identity controller = test::vl2_identity("controller");
  json network = golden_network();
  network["capabilities"] = {{{"id", 7}, {"default", true}, {"rules", {{{"type", "ACTION_DROP"}}}}},
                             {{"id", 3}, {"default", false}, {"rules", json::array()}}};
  network["tags"] = {{{"id", 20}, {"default", 4}},
                     {{"id", 10}, {"default", nullptr}},
                     {{"id", 5}, {"default", 1}}};
  json member = golden_member(test::vl2_identity("memberA"));
  member["tags"] = {{5, 99}};
  member["capabilities"] = {3};

  Built b = build(network, member, {}, 1, /*new_member=*/true);
  ASSERT_TRUE(b.config);
  EXPECT_EQ(dump_json(b.member["capabilities"]), "[3,7]");
  EXPECT_EQ(dump_json(b.member["tags"]), "[[5,99],[20,4]]");
  ASSERT_EQ(b.config->capabilities.size(), 2u);
  EXPECT_EQ(b.config->capabilities[0].id, 3u);
  EXPECT_EQ(b.config->capabilities[1].id, 7u);
  EXPECT_EQ(to_hex(b.config->capabilities[1].rules), "0000");
  for (const Capability& cap : b.config->capabilities) {
    EXPECT_TRUE(cap.verify(controller));
    EXPECT_EQ(cap.issued_to(), test::vl2_identity("memberA").address());
    EXPECT_EQ(cap.timestamp, kVectorTs);
  }
  ASSERT_EQ(b.config->tags.size(), 2u);
  EXPECT_EQ(b.config->tags[0].id, 5u);
  EXPECT_EQ(b.config->tags[0].value, 99u);
  EXPECT_EQ(b.config->tags[1].id, 20u);
  EXPECT_EQ(b.config->tags[1].value, 4u);
  for (const Tag& tag : b.config->tags) EXPECT_TRUE(tag.verify(controller));

  // Not a new member: defaults are not granted; old clients get neither.
  member["capabilities"] = json::array();
  EXPECT_TRUE(build(network, member, {}, 1, false).config->capabilities.empty());
  Built old = build(network, member, {}, 0, true);
  EXPECT_TRUE(old.config->capabilities.empty());
  EXPECT_TRUE(old.config->tags.empty());
}

TEST(ConfigBuilder, ActiveBridgesAreSpecialists) {
  NetworkSummary summary;
  summary.active_bridges = {Address(0x1111111111), Address(0x2222222222)};
  Built b = build(golden_network(), golden_member(test::vl2_identity("memberA")), summary);
  ASSERT_TRUE(b.config);
  EXPECT_EQ(b.config->specialists,
            (std::vector<std::uint64_t>{0x1111111111 | kSpecialistActiveBridge,
                                        0x2222222222 | kSpecialistActiveBridge}));
}

TEST(ConfigBuilder, RemoteTraceComesFromTheMemberFirst) {
  json network = golden_network();
  network["remoteTraceTarget"] = "aaaaaaaaaa";
  network["remoteTraceLevel"] = 2;
  json member = golden_member(test::vl2_identity("memberA"));
  Built b = build(network, member);
  EXPECT_EQ(b.config->remote_trace_target, Address(0xaaaaaaaaaa));
  EXPECT_EQ(b.config->remote_trace_level, 2u);
  member["remoteTraceTarget"] = "bbbbbbbbbb";
  member["remoteTraceLevel"] = 1;
  b = build(network, member);
  EXPECT_EQ(b.config->remote_trace_target, Address(0xbbbbbbbbbb));
  EXPECT_EQ(b.config->remote_trace_level, 1u);
}

TEST(ConfigBuilder, NoConfigWithoutTheSigningKey) {
  ConfigRequest req;
  req.network_id = kVectorNwid;
  req.member = test::vl2_identity("memberA");
  json member = golden_member(req.member);
  EXPECT_FALSE(build_network_config(test::vl2_identity("controller").public_only(),
                                    golden_network(), member, {}, req, no_random));
}

}  // namespace
}  // namespace zt::controller
