// Network and member records as upstream's API shapes them: defaults,
// POST bodies with every type quirk, stripped fields, and the revision
// compare.
#include "controller/records.hpp"

#include <gtest/gtest.h>

namespace zt::controller {
namespace {

constexpr std::uint64_t kNwid = 0xe08309ce1e000001ULL;
constexpr std::int64_t kNow = 1700000000000LL;
const Address kMember(0x6362cd6fdaULL);

json post_network(const json& body, const json& existing = json()) {
  return network_from_post(existing, body, kNwid, kNow);
}
json post_member(const json& body, const json& existing = json(), std::int64_t now = kNow) {
  return member_from_post(existing, body, kNwid, kMember, now);
}

TEST(Records, NewNetworkHasUpstreamDefaults) {
  const json n = post_network(json::object());
  EXPECT_EQ(n["id"], "e08309ce1e000001");
  EXPECT_EQ(n["nwid"], "e08309ce1e000001");
  EXPECT_EQ(n["objtype"], "network");
  EXPECT_EQ(n["name"], "");
  EXPECT_EQ(n["private"], true);
  EXPECT_EQ(n["creationTime"], kNow);
  EXPECT_EQ(n["multicastLimit"], 32);
  EXPECT_EQ(n["enableBroadcast"], true);
  EXPECT_EQ(n["mtu"], 2800);
  EXPECT_EQ(n["v4AssignMode"], json({{"zt", false}}));
  EXPECT_EQ(n["v6AssignMode"], json({{"rfc4193", false}, {"zt", false}, {"6plane", false}}));
  EXPECT_EQ(dump_json(n["authTokens"]), "[null]");
  EXPECT_EQ(n["routes"], json::array());
  EXPECT_EQ(n["ipAssignmentPools"], json::array());
  EXPECT_EQ(n["capabilities"], json::array());
  EXPECT_EQ(n["tags"], json::array());
  EXPECT_EQ(dump_json(n["rules"]), R"([{"not":false,"or":false,"type":"ACTION_ACCEPT"}])");
  EXPECT_EQ(n["rulesSource"], "");
  EXPECT_TRUE(n["remoteTraceTarget"].is_null());
  EXPECT_EQ(n["remoteTraceLevel"], 0);
  EXPECT_EQ(n["dns"], json::array());
  EXPECT_EQ(n["ssoEnabled"], false);
  EXPECT_EQ(n["clientId"], "");
  EXPECT_EQ(n["authorizationEndpoint"], "");
  EXPECT_FALSE(n.contains("revision"));  // the store gives it
}

TEST(Records, NetworkScalarsAreCoercedAsUpstreamDoes) {
  const json n = post_network({{"name", 42},
                               {"private", "false"},
                               {"enableBroadcast", 0},
                               {"multicastLimit", "17"},
                               {"mtu", 99999},
                               {"remoteTraceTarget", "0123456789"},
                               {"remoteTraceLevel", true},
                               {"somethingElse", 1}});
  EXPECT_EQ(n["name"], "42");
  EXPECT_EQ(n["private"], false);
  EXPECT_EQ(n["enableBroadcast"], false);
  EXPECT_EQ(n["multicastLimit"], 17);
  EXPECT_EQ(n["mtu"], 10000);
  EXPECT_EQ(n["remoteTraceTarget"], "0123456789");
  EXPECT_EQ(n["remoteTraceLevel"], 1);
  EXPECT_FALSE(n.contains("somethingElse"));

  EXPECT_EQ(post_network({{"mtu", 10}})["mtu"], 1280);
  // Narrowed to 32 bits before the clamp: 2^32 + 2000 is 2000.
  EXPECT_EQ(post_network({{"mtu", 4294969296ULL}})["mtu"], 2000);
  EXPECT_TRUE(post_network({{"remoteTraceTarget", "abc"}})["remoteTraceTarget"].is_null());
  EXPECT_EQ(post_network({{"private", "t"}})["private"], true);
  EXPECT_EQ(post_network({{"private", nullptr}})["private"], true);  // the fallback
}

TEST(Records, AssignModesAcceptTheLegacyStrings) {
  EXPECT_EQ(post_network({{"v4AssignMode", "zt"}})["v4AssignMode"], json({{"zt", true}}));
  EXPECT_EQ(post_network({{"v4AssignMode", "no"}})["v4AssignMode"], json({{"zt", false}}));
  EXPECT_EQ(post_network({{"v4AssignMode", {{"zt", 1}}}})["v4AssignMode"], json({{"zt", true}}));
  EXPECT_EQ(post_network({{"v4AssignMode", 5}})["v4AssignMode"], json({{"zt", false}}));

  EXPECT_EQ(post_network({{"v6AssignMode", "rfc4193,6plane"}})["v6AssignMode"],
            json({{"rfc4193", true}, {"zt", false}, {"6plane", true}}));
  EXPECT_EQ(post_network({{"v6AssignMode", "zt,bogus"}})["v6AssignMode"],
            json({{"rfc4193", false}, {"zt", true}, {"6plane", false}}));
  // An object keeps only the keys it has.
  EXPECT_EQ(post_network({{"v6AssignMode", {{"6plane", "true"}}}})["v6AssignMode"],
            json({{"6plane", true}}));
  EXPECT_EQ(post_network({{"v6AssignMode", nullptr}})["v6AssignMode"],
            json({{"rfc4193", false}, {"zt", false}, {"6plane", false}}));
}

TEST(Records, RoutesAndPoolsAreValidated) {
  const json n =
      post_network({{"routes",
                     {{{"target", "10.147.17.0/24"}, {"via", nullptr}},
                      {{"target", "192.168.100.0/24"}, {"via", "10.147.17.1"}},
                      {{"target", "10.0.0.0/24"}, {"via", "fd00::1"}},  // other family: no via
                      {{"target", "10.0.0.0/33"}},                      // bad bits
                      {{"target", "fd00::/129"}},
                      {{"target", "nonsense"}},
                      {{"target", 5}},
                      "not an object",
                      {{"target", "fd00::/64"}, {"via", 7}}}},
                    {"ipAssignmentPools",
                     {{{"ipRangeStart", "10.147.17.1"}, {"ipRangeEnd", "10.147.17.254"}},
                      {{"ipRangeStart", "10.0.0.1"}, {"ipRangeEnd", "fd00::1"}},
                      {{"ipRangeStart", "fd00::1/64"}, {"ipRangeEnd", "fd00::ffff"}},
                      {{"ipRangeStart", "10.0.0.1"}},
                      {{"ipRangeStart", "x"}, {"ipRangeEnd", "y"}}}}});
  EXPECT_EQ(dump_json(n["routes"]),
            R"([{"target":"10.147.17.0/24","via":null},)"
            R"({"target":"192.168.100.0/24","via":"10.147.17.1"},)"
            R"({"target":"10.0.0.0/24","via":null},{"target":"fd00::/64","via":null}])");
  EXPECT_EQ(dump_json(n["ipAssignmentPools"]),
            R"([{"ipRangeEnd":"10.147.17.254","ipRangeStart":"10.147.17.1"},)"
            R"({"ipRangeEnd":"fd00::ffff","ipRangeStart":"fd00::1"}])");
  // A non-array leaves what was there.
  EXPECT_EQ(post_network({{"routes", "x"}}, n)["routes"], n["routes"]);
}

TEST(Records, RulesCapabilitiesAndTagsAreNormalizedAndSorted) {
  const json n = post_network(
      {{"rules",
        {{{"type", "MATCH_ETHERTYPE"}, {"etherType", "2048"}, {"not", 1}},
         {{"type", "ACTION_DROP"}, {"not", true}},
         {{"type", "NO_SUCH_RULE"}},
         {{"type", "INTEGER_RANGE"}, {"start", 0}, {"end", 1}}}},
       {"capabilities",
        {{{"id", 9}, {"default", "1"}, {"rules", {{{"type", "ACTION_ACCEPT"}}}}},
         {{"id", "3"}},
         {{"id", 9}, {"rules", "x"}},  // same id: the last one wins
         7}},
       {"tags", {{{"id", 2}, {"default", "5"}}, {{"id", 1}}, {{"id", 1}, {"default", nullptr}}}}});
  EXPECT_EQ(dump_json(n["rules"]),
            R"([{"etherType":2048,"not":true,"or":false,"type":"MATCH_ETHERTYPE"},)"
            R"({"type":"ACTION_DROP"}])");
  EXPECT_EQ(dump_json(n["capabilities"]),
            R"([{"default":false,"id":3,"rules":[]},{"default":false,"id":9,"rules":[]}])");
  EXPECT_EQ(dump_json(n["tags"]), R"([{"default":null,"id":1},{"default":5,"id":2}])");
  // A non-array rules value is ignored, as upstream does.
  EXPECT_EQ(post_network({{"rules", {{"type", "ACTION_DROP"}}}}, n)["rules"], n["rules"]);
}

TEST(Records, AuthTokensKeepNonNegativeNumbersAndTheNullQuirk) {
  EXPECT_EQ(dump_json(post_network(
                {{"authTokens", {{"a", 0}, {"b", 123}, {"c", -1}, {"d", "5"}}}})["authTokens"]),
            R"({"a":0,"b":123})");
  // No entry qualifies: upstream's object was never created, so null.
  EXPECT_TRUE(post_network({{"authTokens", {{"c", -1}}}})["authTokens"].is_null());
  EXPECT_EQ(dump_json(post_network({{"authTokens", "x"}})["authTokens"]), "[null]");
}

TEST(Records, DnsIsCopiedAsGiven) {
  EXPECT_EQ(dump_json(post_network(
                {{"dns", {{"domain", "example"}, {"servers", {"10.0.0.1", 5}}}}})["dns"]),
            R"({"domain":"example","servers":["10.0.0.1",5]})");
  EXPECT_EQ(dump_json(post_network({{"dns", {{"servers", "x"}}}})["dns"]), R"({"domain":null})");
  EXPECT_EQ(post_network({{"dns", "x"}})["dns"], json::array());
}

TEST(Records, StrippedFieldsAndNonObjectBodies) {
  json existing = post_network(json::object());
  existing["clock"] = 1;
  existing["totalMemberCount"] = 2;
  existing["lastModified"] = 3;
  existing["custom"] = "kept";
  const json n = post_network("not an object", existing);
  EXPECT_FALSE(n.contains("clock"));
  EXPECT_FALSE(n.contains("totalMemberCount"));
  EXPECT_FALSE(n.contains("lastModified"));
  EXPECT_EQ(n["custom"], "kept");
}

TEST(Records, InitResetsRemoteTraceLevelLikeUpstream) {
  const json n = post_network({{"remoteTraceLevel", 3}});
  EXPECT_EQ(n["remoteTraceLevel"], 3);
  EXPECT_EQ(post_network({{"name", "x"}}, n)["remoteTraceLevel"], 0);
}

TEST(Records, NewMemberHasUpstreamDefaults) {
  const json m = post_member(json::object());
  EXPECT_EQ(m["id"], "6362cd6fda");
  EXPECT_EQ(m["address"], "6362cd6fda");
  EXPECT_EQ(m["nwid"], "e08309ce1e000001");
  EXPECT_EQ(m["objtype"], "member");
  EXPECT_EQ(m["authorized"], false);
  EXPECT_EQ(m["activeBridge"], false);
  EXPECT_EQ(m["noAutoAssignIps"], false);
  EXPECT_EQ(m["ssoExempt"], false);
  EXPECT_EQ(m["ipAssignments"], json::array());
  EXPECT_EQ(m["tags"], json::array());
  EXPECT_EQ(m["capabilities"], json::array());
  EXPECT_EQ(m["creationTime"], kNow);
  EXPECT_EQ(m["revision"], 0);
  EXPECT_EQ(m["lastAuthorizedTime"], 0);
  EXPECT_EQ(m["lastDeauthorizedTime"], 0);
  EXPECT_TRUE(m["lastAuthorizedCredentialType"].is_null());
  EXPECT_TRUE(m["lastAuthorizedCredential"].is_null());
  EXPECT_EQ(m["authenticationExpiryTime"], 0);
  EXPECT_EQ(m["vMajor"], -1);
  EXPECT_EQ(m["vMinor"], -1);
  EXPECT_EQ(m["vRev"], -1);
  EXPECT_EQ(m["vProto"], -1);
  EXPECT_TRUE(m["remoteTraceTarget"].is_null());
  EXPECT_EQ(m["remoteTraceLevel"], 0);
  EXPECT_FALSE(m.contains("identity"));
  EXPECT_FALSE(m.contains("name"));
}

TEST(Records, AuthorizationChangesStampTimes) {
  const json authorized = post_member({{"authorized", "true"}}, json(), kNow + 5);
  EXPECT_EQ(authorized["authorized"], true);
  EXPECT_EQ(authorized["lastAuthorizedTime"], kNow + 5);
  EXPECT_EQ(authorized["lastAuthorizedCredentialType"], "api");
  EXPECT_TRUE(authorized["lastAuthorizedCredential"].is_null());
  EXPECT_EQ(authorized["lastDeauthorizedTime"], 0);

  // Same value again: nothing stamped.
  EXPECT_EQ(post_member({{"authorized", 1}}, authorized, kNow + 9)["lastAuthorizedTime"], kNow + 5);

  const json revoked = post_member({{"authorized", false}}, authorized, kNow + 7);
  EXPECT_EQ(revoked["authorized"], false);
  EXPECT_EQ(revoked["lastDeauthorizedTime"], kNow + 7);
  EXPECT_EQ(revoked["lastAuthorizedTime"], kNow + 5);
  EXPECT_EQ(revoked["lastAuthorizedCredentialType"], "api");
}

TEST(Records, MemberArraysAreNormalized) {
  const json m =
      post_member({{"ipAssignments", {"10.147.17.5", "fd00::0001", "junk", 7, "10.0.0.9/24"}},
                   {"tags", {{5, 1}, {"2", "7"}, {5, 9}, {1}, "x", {4294967297ULL, 1}}},
                   {"capabilities", {9, "3", 9, true, nullptr}},
                   {"activeBridge", "1"},
                   {"noAutoAssignIps", 1},
                   {"name", "laptop"},
                   {"authenticationURL", "https://x"},
                   {"authenticationExpiryTime", "12"}});
  EXPECT_EQ(dump_json(m["ipAssignments"]), R"(["10.147.17.5","fd00::1","10.0.0.9"])");
  EXPECT_EQ(dump_json(m["tags"]), R"([[1,1],[2,7],[5,9]])");
  EXPECT_EQ(dump_json(m["capabilities"]), "[0,1,3,9]");
  EXPECT_EQ(m["activeBridge"], true);
  EXPECT_EQ(m["noAutoAssignIps"], true);
  EXPECT_EQ(m["name"], "laptop");
  EXPECT_EQ(m["authenticationExpiryTime"], 12);
  EXPECT_FALSE(m.contains("authenticationURL"));  // computed, never stored
}

TEST(Records, SameRecordIgnoresOnlyRevision) {
  json a = {{"x", 1}, {"revision", 3}};
  EXPECT_TRUE(same_record(a, {{"x", 1}, {"revision", 4}}));
  EXPECT_TRUE(same_record(a, {{"x", 1.0}, {"revision", 3}}));  // numbers compare by value
  EXPECT_FALSE(same_record(a, {{"x", 2}, {"revision", 3}}));
  EXPECT_FALSE(same_record(a, {{"x", 1}}));
  EXPECT_FALSE(same_record(a, {{"x", 1}, {"y", 1}, {"revision", 3}}));
  // Upstream looks only at the first record's keys (sizes being equal).
  EXPECT_TRUE(same_record(a, {{"x", 1}, {"y", 1}}));
  EXPECT_FALSE(same_record(a, json()));
}

TEST(Records, IdsReadAsUpstreamReadsThem) {
  EXPECT_EQ(record_network_id({{"id", "e08309ce1e000001"}}), kNwid);
  EXPECT_EQ(record_network_id({{"id", "junk"}}), 0u);
  EXPECT_EQ(record_network_id(json()), 0u);
  EXPECT_EQ(record_member_id({{"id", "6362cd6fda"}}), kMember);
}

}  // namespace
}  // namespace zt::controller
