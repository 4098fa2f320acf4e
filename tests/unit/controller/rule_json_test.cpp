// Rule JSON as upstream's controller renders and parses it (controller.md §3),
// checked through the binary form and against upstream's rule vectors.
#include "controller/rule_json.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

#include "vectors.hpp"

namespace zt::controller {
namespace {

using json = nlohmann::json;
using namespace rule_type;

// JSON -> Rule -> bytes -> Rule -> JSON.
json through_bytes(const json& in) {
  auto rule = rule_from_json(in);
  EXPECT_TRUE(rule) << in.dump();
  if (!rule) return nullptr;
  const Bytes bytes = write_rules(std::vector<Rule>{*rule});
  auto parsed = parse_rules(bytes);
  EXPECT_TRUE(parsed && parsed->size() == 1) << in.dump();
  if (!parsed || parsed->size() != 1) return nullptr;
  EXPECT_EQ((*parsed)[0], *rule);
  auto out = rule_to_json((*parsed)[0]);
  EXPECT_TRUE(out) << in.dump();
  return out ? *out : json(nullptr);
}

// One canonical object per type, as upstream renders it.
const std::vector<json>& canonical() {
  static const std::vector<json> all = {
      json::parse(R"({"type":"ACTION_DROP"})"),
      json::parse(R"({"type":"ACTION_ACCEPT"})"),
      json::parse(R"({"type":"ACTION_BREAK"})"),
      json::parse(R"({"type":"ACTION_TEE","address":"89e92ceee5","flags":0,"length":128})"),
      json::parse(R"({"type":"ACTION_WATCH","address":"0123456789","flags":7,"length":0})"),
      json::parse(R"({"type":"ACTION_REDIRECT","address":"0123456789","flags":0})"),
      json::parse(R"({"type":"MATCH_SOURCE_ZEROTIER_ADDRESS","zt":"89e92ceee5","not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_DEST_ZEROTIER_ADDRESS","zt":"00000000ff","not":true,"or":false})"),
      json::parse(R"({"type":"MATCH_VLAN_ID","vlanId":100,"not":false,"or":true})"),
      json::parse(R"({"type":"MATCH_VLAN_PCP","vlanPcp":3,"not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_VLAN_DEI","vlanDei":1,"not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_MAC_SOURCE","mac":"32:aa:bb:cc:dd:ee","not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_MAC_DEST","mac":"ff:ff:ff:ff:ff:ff","not":true,"or":true})"),
      json::parse(R"({"type":"MATCH_IPV4_SOURCE","ip":"10.147.17.0/24","not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_IPV4_DEST","ip":"192.168.1.1/32","not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_IPV6_SOURCE","ip":"fd00::/8","not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_IPV6_DEST","ip":"fd80:56c2:e21c::1/128","not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_IP_TOS","mask":252,"start":16,"end":32,"not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_IP_PROTOCOL","ipProtocol":6,"not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_ETHERTYPE","etherType":2048,"not":true,"or":false})"),
      json::parse(R"({"type":"MATCH_ICMP","icmpType":8,"icmpCode":0,"not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_ICMP","icmpType":3,"icmpCode":null,"not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_IP_SOURCE_PORT_RANGE","start":1024,"end":65535,"not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_IP_DEST_PORT_RANGE","start":22,"end":22,"not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_CHARACTERISTICS","mask":"8000000000000002","not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_FRAME_SIZE_RANGE","start":64,"end":1500,"not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_RANDOM","probability":2147483647,"not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_TAGS_DIFFERENCE","id":1000,"value":5,"not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_TAGS_BITWISE_AND","id":1,"value":2,"not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_TAGS_BITWISE_OR","id":3,"value":4,"not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_TAGS_BITWISE_XOR","id":5,"value":6,"not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_TAGS_EQUAL","id":7,"value":4294967295,"not":false,"or":false})"),
      json::parse(R"({"type":"MATCH_TAG_SENDER","id":9,"value":10,"not":true,"or":false})"),
      json::parse(R"({"type":"MATCH_TAG_RECEIVER","id":11,"value":12,"not":false,"or":false})"),
  };
  return all;
}

TEST(RuleJson, EveryTypeRoundTripsThroughBytes) {
  std::set<std::uint8_t> types;
  for (const json& in : canonical()) {
    SCOPED_TRACE(in.dump());
    EXPECT_EQ(through_bytes(in), in);
    types.insert(rule_from_json(in)->type);
  }
  // Every renderable type but INTEGER_RANGE (which cannot be parsed back).
  EXPECT_EQ(types.size(), 33u);
}

TEST(RuleJson, UpstreamVectorsRenderAndParseBackToTheSameBytes) {
  int checked = 0;
  for (const auto& each : test::vl2()["rules"]["example_each"]) {
    const std::string hex = each["hex"].get<std::string>();
    SCOPED_TRACE(hex);
    auto rules = parse_rules(test::hex(hex));
    ASSERT_TRUE(rules && rules->size() == 1);
    auto rendered = rule_to_json((*rules)[0]);
    ASSERT_TRUE(rendered);
    if ((*rules)[0].type == kMatchIntegerRange) {
      EXPECT_FALSE(rule_from_json(*rendered));  // upstream's quirk
      continue;
    }
    auto back = rule_from_json(*rendered);
    ASSERT_TRUE(back);
    EXPECT_EQ(to_hex(write_rules(std::vector<Rule>{*back})), hex);
    ++checked;
  }
  EXPECT_EQ(checked, 23);
}

TEST(RuleJson, RenderedFormsOfTheVectorRules) {
  auto render = [](const std::string& hex) {
    auto rules = parse_rules(test::hex(hex));
    EXPECT_TRUE(rules && rules->size() == 1);
    return rule_to_json(rules->at(0)).value_or(json(nullptr));
  };
  EXPECT_EQ(render("20050a93110018"),
            json::parse(R"({"type":"MATCH_IPV4_DEST","ip":"10.147.17.0/24","not":false,"or":false})"));
  EXPECT_EQ(render("a9080000000000000010"),
            json::parse(R"({"type":"MATCH_CHARACTERISTICS","mask":"0000000000000010","not":true,"or":false})"));
  EXPECT_EQ(render("2111fd00000000000000000000000000000008"),
            json::parse(R"({"type":"MATCH_IPV6_SOURCE","ip":"fd00::/8","not":false,"or":false})"));
  EXPECT_EQ(render("040e0000000123456789000000000000"),
            json::parse(R"({"type":"ACTION_REDIRECT","address":"0123456789","flags":0})"));
  EXPECT_EQ(render("33130000000000000064000000000000009600140f"),
            json::parse(R"({"type":"INTEGER_RANGE","start":"0000000000000064","end":"0000000000000096",)"
                        R"("idx":20,"little":false,"bits":16,"not":false,"or":false})"));
  EXPECT_EQ(render("68041f402327").dump(),
            R"({"end":8999,"not":false,"or":true,"start":8000,"type":"MATCH_IP_DEST_PORT_RANGE"})");
}

TEST(RuleJson, ActionsDropNotAndOrOnRender) {
  auto rule = rule_from_json(json::parse(R"({"type":"ACTION_DROP","not":true,"or":"true"})"));
  ASSERT_TRUE(rule);
  EXPECT_EQ(to_hex(write_rules(std::vector<Rule>{*rule})), "c000");
  EXPECT_EQ(rule_to_json(*rule), json::parse(R"({"type":"ACTION_DROP"})"));
}

TEST(RuleJson, LenientFieldsAsUpstreamReadsThem) {
  auto bytes_of = [](const char* text) {
    auto rule = rule_from_json(json::parse(text));
    EXPECT_TRUE(rule) << text;
    return rule ? to_hex(write_rules(std::vector<Rule>{*rule})) : std::string();
  };
  // Characteristics mask as a number, or hex text (with or without 0x).
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_CHARACTERISTICS","mask":18})"), "29080000000000000012");
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_CHARACTERISTICS","mask":"0x12"})"), "29080000000000000012");
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_CHARACTERISTICS","mask":"12"})"), "29080000000000000012");
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_CHARACTERISTICS"})"), "29080000000000000000");
  EXPECT_FALSE(rule_from_json(json::parse(R"({"type":"MATCH_CHARACTERISTICS","mask":null})")));
  EXPECT_FALSE(rule_from_json(json::parse(R"({"type":"MATCH_CHARACTERISTICS","mask":[1]})")));
  // ICMP code missing or null: the code is not compared.
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_ICMP","icmpType":8})"), "2603080000");
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_ICMP","icmpType":8,"icmpCode":null})"), "2603080000");
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_ICMP","icmpType":"8","icmpCode":"3"})"), "2603080301");
  // Range ends default to the start.
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_IP_DEST_PORT_RANGE","start":443})"), "280401bb01bb");
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_FRAME_SIZE_RANGE","start":"60","end":null})"), "2a04003c003c");
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_IP_SOURCE_PORT_RANGE"})"), "270400000000");
  // Numbers wrap to the field's width; booleans count as 0/1.
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_ETHERTYPE","etherType":67584})"), "25020800");
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_IP_PROTOCOL","ipProtocol":true})"), "240101");
  // MACs: separators dropped, either case.
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_MAC_DEST","mac":"32-AA-bb-cc-dd-ee"})"), "1e0632aabbccddee");
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_MAC_DEST","mac":"32aabb"})"), "1e0632aabb000000");
  // Addresses: hex, masked to 40 bits.
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_SOURCE_ZEROTIER_ADDRESS","zt":"ff89e92ceee5"})"), "180589e92ceee5");
  EXPECT_EQ(bytes_of(R"({"type":"ACTION_TEE","address":"89e92ceee5","length":70000})"),
            "020e00000089e92ceee5000000001170");
  // IP networks: bits clamp to the family; no bits means /0; unreadable means zeros.
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_IPV4_SOURCE","ip":"10.1.2.3/40"})"), "1f050a01020320");
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_IPV4_SOURCE","ip":"10.1.2.3"})"), "1f050a01020300");
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_IPV4_SOURCE","ip":"nonsense"})"), "1f050000000000");
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_IPV4_SOURCE","ip":"fd00::/8"})"), "1f050000000008");
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_IPV4_SOURCE"})"), "1f050000000000");
  EXPECT_EQ(bytes_of(R"({"type":"MATCH_IPV6_DEST","ip":"fd00::1/200"})"),
            "2211fd00000000000000000000000000000180");
}

TEST(RuleJson, RejectedObjects) {
  for (const char* text : {R"({"type":"MATCH_NOTHING"})", R"({"type":"match_ethertype"})", R"({"type":37})",
                           R"({"etherType":2048})", R"({"type":"INTEGER_RANGE","start":1,"end":2,"bits":8})",
                           R"([{"type":"ACTION_ACCEPT"}])", R"("ACTION_ACCEPT")", "null"}) {
    EXPECT_FALSE(rule_from_json(json::parse(text))) << text;
  }
}

TEST(RuleJson, TypesWithoutAJsonForm) {
  EXPECT_FALSE(rule_to_json(Rule::action(kActionPriority)));
  EXPECT_FALSE(rule_to_json(Rule::action(9)));
  EXPECT_FALSE(rule_to_json(Rule::make(55, std::monostate{})));
  EXPECT_FALSE(rule_to_json(Rule::make(kActionTee, RuleTag{})));  // value does not fit the type
}

TEST(RuleJson, Arrays) {
  const json posted = json::parse(R"([
    {"type":"MATCH_ETHERTYPE","etherType":2048,"not":true},
    {"type":"ACTION_DROP"},
    {"type":"BOGUS"},
    "not an object",
    {"type":"INTEGER_RANGE","start":"0","end":"10","idx":0,"bits":8},
    {"type":"ACTION_ACCEPT","or":true}
  ])");
  const auto rules = rules_from_json(posted);
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(to_hex(write_rules(rules)), "a50208000000" "4100");
  EXPECT_EQ(rules_from_json(posted, 2).size(), 2u);
  EXPECT_TRUE(rules_from_json(json::object()).empty());

  auto stored = normalize_rules_json(posted);
  ASSERT_TRUE(stored);
  EXPECT_EQ(*stored, json::parse(R"([
    {"type":"MATCH_ETHERTYPE","etherType":2048,"not":true,"or":false},
    {"type":"ACTION_DROP"},
    {"type":"ACTION_ACCEPT"}
  ])"));
  EXPECT_FALSE(normalize_rules_json(json::object()));

  std::vector<Rule> table = rules;
  table.push_back(Rule::action(kActionPriority));  // has no JSON form: left out
  EXPECT_EQ(rules_to_json(table), *stored);

  json many = json::array();
  for (std::size_t i = 0; i < kMaxJsonArraySize + 5; ++i) many.push_back({{"type", "ACTION_ACCEPT"}});
  EXPECT_EQ(normalize_rules_json(many)->size(), kMaxJsonArraySize);
  EXPECT_EQ(rules_from_json(many).size(), kMaxRules);
}

}  // namespace
}  // namespace zt::controller
