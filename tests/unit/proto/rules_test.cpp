// The binary rule table against upstream's vectors (vl2.json `rules`), the
// builders against those same bytes, and the parser's limits.
#include "proto/rules.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

#include "vectors.hpp"

namespace zt {
namespace {

using namespace rule_type;

const nlohmann::json& vectors() { return test::vl2()["rules"]; }

std::string hex_of(const std::vector<Rule>& rules) { return to_hex(write_rules(rules)); }
std::string hex_of(const Rule& rule) { return hex_of(std::vector<Rule>{rule}); }

TEST(Rules, DefaultTableIsSingleAccept) {
  EXPECT_EQ(hex_of(default_rules()), vectors()["default_accept_all_hex"].get<std::string>());
  EXPECT_EQ(hex_of(default_rules()), "0100");
  auto parsed = parse_rules(test::hex("0100"));
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0], Rule::action(kActionAccept));
}

TEST(Rules, ExampleTableParsesAndReserializesByteForByte) {
  const Bytes bytes = test::hex(vectors()["example_hex"].get<std::string>());
  auto rules = parse_rules(bytes);
  ASSERT_TRUE(rules);
  const auto& each = vectors()["example_each"];
  ASSERT_EQ(rules->size(), vectors()["example_count"].get<std::size_t>());
  ASSERT_EQ(rules->size(), each.size());
  EXPECT_EQ(write_rules(*rules), bytes);
  for (std::size_t i = 0; i < rules->size(); ++i) {
    const Rule& rule = (*rules)[i];
    SCOPED_TRACE(i);
    EXPECT_EQ(rule.type, each[i]["type"].get<int>());
    EXPECT_EQ(rule.negate, each[i]["not"].get<bool>());
    EXPECT_EQ(rule.or_previous, each[i]["or"].get<bool>());
    EXPECT_EQ(to_hex_u64(rule.t(), 2), each[i]["t"].get<std::string>());
    EXPECT_TRUE(rule.well_formed());
    EXPECT_TRUE(rule.extra.empty());
    EXPECT_EQ(hex_of(rule), each[i]["hex"].get<std::string>());
  }
}

// The same 24 rules built by hand must give upstream's bytes: this checks
// the encoder and the meaning of each field, not only a round trip.
TEST(Rules, BuiltRulesMatchUpstreamBytes) {
  RuleIpv4 net{{10, 147, 17, 0}, 24};
  RuleIpv6 v6{};
  v6.ip[0] = 0xfd;
  v6.bits = 8;
  const std::vector<Rule> built = {
      Rule::make(kMatchEtherType, RuleEtherType{0x0800}, true),
      Rule::make(kMatchEtherType, RuleEtherType{0x0806}, true),
      Rule::make(kMatchEtherType, RuleEtherType{0x86dd}, true),
      Rule::action(kActionDrop),
      Rule::make(kMatchIpv4Dest, net),
      Rule::make(kMatchIpProtocol, RuleIpProtocol{6}),
      Rule::make(kMatchIpDestPortRange, RuleRange{22, 22}),
      Rule::make(kMatchIpDestPortRange, RuleRange{8000, 8999}, false, true),
      Rule::make(kActionTee, RuleForward{0x89e92ceee5ULL, 0, 128}),
      Rule::make(kMatchCharacteristics, RuleCharacteristics{rule_characteristic::kTcpSyn}),
      Rule::make(kMatchCharacteristics, RuleCharacteristics{rule_characteristic::kTcpAck}, true),
      Rule::action(kActionDrop),
      Rule::make(kMatchMacSource, RuleMac{MacAddress(0x32aabbccddeeULL)}),
      Rule::make(kMatchSourceZeroTierAddress, RuleZeroTierAddress{Address(0x89e92ceee5ULL)}),
      Rule::make(kMatchIpv6Source, v6),
      Rule::make(kMatchIcmp, RuleIcmp{8, 0, RuleIcmp::kMatchCode}),
      Rule::make(kMatchTagsDifference, RuleTag{1000, 5}),
      Rule::make(kMatchFrameSizeRange, RuleRange{64, 1500}),
      Rule::make(kMatchRandom, RuleRandom{0x7fffffff}),
      Rule::make(kMatchVlanId, RuleVlanId{100}),
      Rule::make(kMatchIpTos, RuleIpTos{0xfc, 0x10, 0x20}),
      Rule::make(kMatchIntegerRange, RuleIntegerRange{100, 150, 20, 15}),
      Rule::make(kActionRedirect, RuleForward{0x0123456789ULL, 0, 0}),
      Rule::action(kActionAccept),
  };
  EXPECT_EQ(hex_of(built), vectors()["example_hex"].get<std::string>());
  auto parsed = parse_rules(write_rules(built));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, built);
  const auto& ir = std::get<RuleIntegerRange>((*parsed)[21].value);
  EXPECT_EQ(ir.bits(), 16u);
  EXPECT_FALSE(ir.little_endian());
  EXPECT_EQ(std::get<RuleForward>((*parsed)[8].value).target(), Address(0x89e92ceee5ULL));
}

TEST(Rules, EveryKnownTypeHasItsLayoutSize) {
  const std::map<std::uint8_t, std::size_t> sizes = {
      {kActionTee, 14}, {kActionWatch, 14}, {kActionRedirect, 14}, {kMatchSourceZeroTierAddress, 5},
      {kMatchVlanId, 2}, {kMatchVlanPcp, 1}, {kMatchVlanDei, 1}, {kMatchMacDest, 6},
      {kMatchIpv4Source, 5}, {kMatchIpv6Dest, 17}, {kMatchIpTos, 3}, {kMatchIpProtocol, 1},
      {kMatchEtherType, 2}, {kMatchIcmp, 3}, {kMatchIpSourcePortRange, 4},
      {kMatchCharacteristics, 8}, {kMatchFrameSizeRange, 4}, {kMatchRandom, 4},
      {kMatchTagReceiver, 8}, {kMatchIntegerRange, 19}, {kActionPriority, 0}, {kActionBreak, 0}};
  for (auto [type, size] : sizes) {
    EXPECT_EQ(rule_value_size(type), size) << int(type);
    const Bytes bytes = write_rules(std::vector<Rule>{Rule::action(type)});
    EXPECT_EQ(bytes.size(), 2 + size) << int(type);
    EXPECT_EQ(bytes[1], size) << int(type);
  }
}

TEST(Rules, UnknownTypesAreSkippedByLengthAndKept) {
  // type 53 (unassigned) with 3 bytes, reserved action 7 with 2, PRIORITY with 1,
  // type 20 with 0, then a real ACCEPT.
  const Bytes bytes = test::hex("3503aabbcc" "47021122" "0601ff" "9400" "0100");
  auto rules = parse_rules(bytes);
  ASSERT_TRUE(rules);
  ASSERT_EQ(rules->size(), 5u);
  EXPECT_EQ((*rules)[0].type, 53);
  EXPECT_EQ(to_hex((*rules)[0].extra), "aabbcc");
  EXPECT_EQ((*rules)[1].type, 7);
  EXPECT_TRUE((*rules)[1].or_previous);
  EXPECT_TRUE((*rules)[1].is_action());
  EXPECT_EQ((*rules)[2].type, kActionPriority);
  EXPECT_EQ(to_hex((*rules)[2].extra), "ff");
  EXPECT_EQ((*rules)[3].type, 20);
  EXPECT_TRUE((*rules)[3].negate);
  EXPECT_FALSE((*rules)[3].is_action());
  EXPECT_EQ((*rules)[4], Rule::action(kActionAccept));
  EXPECT_EQ(write_rules(*rules), bytes);
}

TEST(Rules, KnownTypeWithLongerValueKeepsTheTail) {
  // An ethertype rule from a future writer with two extra bytes.
  const Bytes bytes = test::hex("25040800beef");
  auto rules = parse_rules(bytes);
  ASSERT_TRUE(rules);
  ASSERT_EQ(rules->size(), 1u);
  EXPECT_EQ(std::get<RuleEtherType>((*rules)[0].value).ether_type, 0x0800);
  EXPECT_EQ(to_hex((*rules)[0].extra), "beef");
  EXPECT_EQ(write_rules(*rules), bytes);
}

TEST(Rules, TruncationAndShortValuesFail) {
  const Bytes bytes = test::hex(vectors()["example_hex"].get<std::string>());
  std::set<std::size_t> boundaries = {0};
  std::size_t at = 0;
  for (const auto& e : vectors()["example_each"]) {
    at += e["hex"].get<std::string>().size() / 2;
    boundaries.insert(at);
  }
  ASSERT_EQ(at, bytes.size());
  for (std::size_t n = 0; n <= bytes.size(); ++n) {
    auto parsed = parse_rules(std::span(bytes).first(n));
    EXPECT_EQ(parsed.has_value(), boundaries.count(n) == 1) << n;
  }
  EXPECT_FALSE(parse_rules(test::hex("2501")));    // ethertype with 1 byte: shorter than its layout
  EXPECT_FALSE(parse_rules(test::hex("25010800")));
  EXPECT_FALSE(parse_rules(test::hex("020d00000089e92ceee500000000")));  // TEE with L 13
  EXPECT_TRUE(parse_rules(Bytes{}));  // an empty table is valid (and matches nothing)
  EXPECT_TRUE(parse_rules(Bytes{})->empty());
}

TEST(Rules, AtMost1024Rules) {
  Bytes bytes;
  for (std::size_t i = 0; i < kMaxRules; ++i) {
    bytes.push_back(0x01);
    bytes.push_back(0x00);
  }
  auto ok = parse_rules(bytes);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->size(), kMaxRules);
  bytes.push_back(0x00);
  bytes.push_back(0x00);
  EXPECT_FALSE(parse_rules(bytes));

  ByteReader r{std::span(bytes).first(4)};
  auto two = read_rules(r, 2);
  ASSERT_TRUE(two);
  EXPECT_EQ(two->size(), 2u);
  EXPECT_TRUE(r.at_end());
  ByteReader r2{std::span(bytes).first(4)};
  EXPECT_FALSE(read_rules(r2, 3));
  ByteReader r3(bytes);
  EXPECT_FALSE(read_rules(r3, kMaxRules + 1));
}

TEST(Rules, WellFormedChecksValueAgainstType) {
  EXPECT_TRUE(Rule::action(kActionTee).well_formed());
  EXPECT_FALSE(Rule::make(kActionTee, RuleTag{}).well_formed());
  EXPECT_FALSE(Rule::make(kMatchEtherType, std::monostate{}).well_formed());
  Rule big = Rule::make(60, std::monostate{});
  big.extra.assign(255, 0xab);
  EXPECT_TRUE(big.well_formed());
  big.extra.push_back(0);
  EXPECT_FALSE(big.well_formed());
  // The writer keeps L within one byte.
  const Bytes out = write_rules(std::vector<Rule>{big});
  EXPECT_EQ(out.size(), 2u + 255u);
  EXPECT_EQ(out[1], 255);
}

// vl2.md §1.1 (a), written out from the spec's table for ports 0x1234..0x2345.
TEST(Rules, AdhocPortRangeTableMatchesSpec) {
  const std::string expected =
      "a50286dd"              // 0: NOT ethertype IPv6
      "0000"                  // 1: DROP
      "24013a"                // 2: ip protocol ICMPv6
      "0100"                  // 3: ACCEPT
      "240111"                // 4: ip protocol UDP
      "640106"                // 5: OR ip protocol TCP
      "280412342345"          // 6: dest port range
      "0100"                  // 7: ACCEPT
      "a9080000000000000002"  // 8: NOT characteristics SYN
      "0100"                  // 9: ACCEPT
      "29080000000000000002"  // 10: characteristics SYN
      "29080000000000000010"  // 11: characteristics ACK
      "0100"                  // 12: ACCEPT
      "0000";                 // 13: DROP
  const auto rules = adhoc_port_range_rules(0x1234, 0x2345);
  EXPECT_EQ(rules.size(), 14u);
  EXPECT_EQ(hex_of(rules), expected);
}

}  // namespace
}  // namespace zt
