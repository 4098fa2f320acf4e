// The table walk (actions, NOT/OR, BREAK, skipDrop, TEE/WATCH/REDIRECT) and
// the capability fallback, plus the default and ad-hoc tables.
#include "node/rule_filter.hpp"

#include "rule_fixture.hpp"

namespace zt {
namespace {

using namespace rule_type;
using namespace test::frames;
using RuleFilter = test::RuleFixture;

const Ip4 kA{10, 147, 17, 5};
const Ip4 kB{10, 147, 18, 9};
const Ip6 kA6 = ip6({0xfd, 0x00, 0x12, 0x34}, 0x05);
const Ip6 kB6 = ip6({0xfd, 0x00, 0x56, 0x78}, 0x09);

Rule accept() { return Rule::action(kActionAccept); }
Rule drop() { return Rule::action(kActionDrop); }
Rule ether(std::uint16_t type, bool negate = false, bool or_previous = false) {
  return Rule::make(kMatchEtherType, RuleEtherType{type}, negate, or_previous);
}
Rule protocol(std::uint8_t p, bool negate = false, bool or_previous = false) {
  return Rule::make(kMatchIpProtocol, RuleIpProtocol{p}, negate, or_previous);
}
Rule forward(std::uint8_t type, Address to, std::uint16_t length = 0) {
  return Rule::make(type, RuleForward{to.value(), 0, length});
}

TEST_F(RuleFilter, DefaultTableAcceptsEverything) {
  EXPECT_EQ(run(default_rules(), frame(kIpv4, ipv4(6, kA, kB, tcp(1, 2, 2)))), RuleResult::kAccept);
  EXPECT_EQ(run(default_rules(), frame(kArp, arp_request(1, kA, kB), false)), RuleResult::kAccept);
  auto parsed = parse_rules(Bytes{0x01, 0x00});
  ASSERT_TRUE(parsed);
  const FilterDecision d = filter_frame(*parsed, {}, frame(kIpv6, Bytes{}), env);
  EXPECT_TRUE(d.accept);
  EXPECT_FALSE(d.super_accept);
  EXPECT_FALSE(d.redirect_to);
  EXPECT_TRUE(d.copies.empty());
}

TEST_F(RuleFilter, EmptyTableMatchesNothingAndTheFrameIsDropped) {
  const RuleFrame f = frame(kIpv4, ipv4(6, kA, kB, tcp(1, 2, 2)));
  EXPECT_EQ(run({}, f), RuleResult::kNoMatch);
  EXPECT_FALSE(filter_frame({}, {}, f, env).accept);
  // Matches with no action after them also end in NO_MATCH.
  EXPECT_EQ(run({ether(kIpv4)}, f), RuleResult::kNoMatch);
}

TEST_F(RuleFilter, UnconditionalAndConditionalActions) {
  const RuleFrame v4 = frame(kIpv4, ipv4(6, kA, kB, tcp(1, 2, 2)));
  const RuleFrame arp = frame(kArp, arp_request(1, kA, kB));
  EXPECT_EQ(run({drop(), accept()}, v4), RuleResult::kDrop);
  const std::vector<Rule> only_ipv4 = {ether(kIpv4, true), drop(), accept()};
  EXPECT_EQ(run(only_ipv4, v4), RuleResult::kAccept);
  EXPECT_EQ(run(only_ipv4, arp), RuleResult::kDrop);
  // Reserved actions are no-ops; PRIORITY accepts.
  EXPECT_EQ(run({Rule::action(7), Rule::action(15), drop()}, v4), RuleResult::kDrop);
  EXPECT_EQ(run({Rule::action(kActionPriority), drop()}, v4), RuleResult::kAccept);
  // After an action the next set starts true again.
  EXPECT_EQ(run({ether(kArp), drop(), accept()}, v4), RuleResult::kAccept);
}

TEST_F(RuleFilter, AndOrNotCombinations) {
  const RuleFrame tcp4 = frame(kIpv4, ipv4(6, kA, kB, tcp(1, 22, 2)));
  const RuleFrame udp4 = frame(kIpv4, ipv4(17, kA, kB, udp(1, 22)));
  const RuleFrame icmp4 = frame(kIpv4, ipv4(1, kA, kB, icmp(8, 0)));
  const Rule port22 = Rule::make(kMatchIpDestPortRange, RuleRange{22, 22});
  // (TCP OR UDP) AND port 22
  const std::vector<Rule> either = {protocol(17), protocol(6, false, true), port22, accept(), drop()};
  EXPECT_EQ(run(either, tcp4), RuleResult::kAccept);
  EXPECT_EQ(run(either, udp4), RuleResult::kAccept);
  EXPECT_EQ(run(either, icmp4), RuleResult::kDrop);
  // TCP AND port 22 (AND short-circuits once false)
  const std::vector<Rule> both = {protocol(6), port22, accept(), drop()};
  EXPECT_EQ(run(both, tcp4), RuleResult::kAccept);
  EXPECT_EQ(run(both, udp4), RuleResult::kDrop);
  // OR revives a false set: (ARP AND TCP) OR ICMP
  const std::vector<Rule> revive = {ether(kArp), protocol(6), protocol(1, false, true), accept(), drop()};
  EXPECT_EQ(run(revive, icmp4), RuleResult::kAccept);
  EXPECT_EQ(run(revive, tcp4), RuleResult::kDrop);
  // NOT with OR: NOT TCP OR port 22
  const std::vector<Rule> not_or = {protocol(6, true), Rule::make(kMatchIpDestPortRange, RuleRange{22, 22}, false, true),
                                    accept(), drop()};
  EXPECT_EQ(run(not_or, udp4), RuleResult::kAccept);
  EXPECT_EQ(run(not_or, tcp4), RuleResult::kAccept);
  EXPECT_EQ(run(not_or, frame(kIpv4, ipv4(6, kA, kB, tcp(1, 80, 2)))), RuleResult::kDrop);
}

TEST_F(RuleFilter, BreakEndsTheTableWithNoMatch) {
  const std::vector<Rule> rules = {ether(kIpv4), Rule::action(kActionBreak), accept()};
  EXPECT_EQ(run(rules, frame(kIpv4, ipv4(6, kA, kB, tcp(1, 2, 2)))), RuleResult::kNoMatch);
  EXPECT_EQ(run(rules, frame(kArp, arp_request(1, kA, kB))), RuleResult::kAccept);
}

TEST_F(RuleFilter, OutboundLenientTagRuleSkipsTheNextDrop) {
  // "Drop unless the receiver has tag 5 = 2."
  facts.local_tags = {{5, 1}};
  const std::vector<Rule> rules = {Rule::make(kMatchTagReceiver, RuleTag{5, 2}, true), drop(), accept()};
  const RuleFrame out = frame(kIpv4, ipv4(6, kA, kB, tcp(1, 2, 2)), false);
  // Receiver's tag unknown: the match is lenient and the DROP is skipped.
  EXPECT_EQ(run(rules, out), RuleResult::kAccept);
  facts.remote_tags = {{5, 3}};
  EXPECT_EQ(run(rules, out), RuleResult::kDrop);
  facts.remote_tags = {{5, 2}};
  EXPECT_EQ(run(rules, out), RuleResult::kAccept);
  // skipDrop spares exactly one DROP.
  facts.remote_tags.clear();
  EXPECT_EQ(run({Rule::make(kMatchTagReceiver, RuleTag{5, 2}, true), drop(), drop(), accept()}, out),
            RuleResult::kDrop);
  // Inbound the same table is strict about the sender's tags.
  const std::vector<Rule> sender = {Rule::make(kMatchTagsEqual, RuleTag{5, 1}), accept(), drop()};
  EXPECT_EQ(run(sender, frame(kIpv4, ipv4(6, kA, kB, tcp(1, 2, 2)), true)), RuleResult::kDrop);
  EXPECT_EQ(run(sender, out), RuleResult::kAccept);
}

TEST_F(RuleFilter, TeeAndWatchRecordACopy) {
  const RuleFrame f = frame(kIpv4, ipv4(17, kA, kB, udp(1, 2, 100)), false);  // 128 bytes
  ASSERT_EQ(f.payload.size(), 128u);
  RuleOutcome o = evaluate_rules(std::vector<Rule>{forward(kActionTee, other, 64), accept()}, f, env);
  EXPECT_EQ(o.result, RuleResult::kAccept);
  ASSERT_TRUE(o.copy);
  EXPECT_EQ(*o.copy, (RuleCopy{other, 64, false}));
  o = evaluate_rules(std::vector<Rule>{forward(kActionWatch, other, 1000), accept()}, f, env);
  ASSERT_TRUE(o.copy);
  EXPECT_EQ(*o.copy, (RuleCopy{other, 128, true}));
  o = evaluate_rules(std::vector<Rule>{forward(kActionTee, other, 0), drop()}, f, env);
  EXPECT_EQ(o.result, RuleResult::kDrop);
  ASSERT_TRUE(o.copy);  // recorded, but a dropped frame sends nothing:
  EXPECT_TRUE(apply_capabilities(o, {}, f, env).copies.empty());
  // To the source, the destination or ourselves (outbound): no-ops.
  for (Address to : {f.source, f.dest, self}) {
    o = evaluate_rules(std::vector<Rule>{forward(kActionTee, to), accept()}, f, env);
    EXPECT_EQ(o.result, RuleResult::kAccept);
    EXPECT_FALSE(o.copy);
  }
  const FilterDecision d = filter_frame(std::vector<Rule>{forward(kActionTee, other, 64), accept()}, {}, f, env);
  ASSERT_EQ(d.copies.size(), 1u);
  EXPECT_EQ(d.copies[0], (RuleCopy{other, 64, false}));
}

TEST_F(RuleFilter, ForwardsToUsSuperAcceptInbound) {
  const RuleFrame in = frame(kIpv4, ipv4(17, kA, kB, udp(1, 2)), true);
  EXPECT_EQ(run({forward(kActionTee, self), drop()}, in), RuleResult::kSuperAccept);
  EXPECT_EQ(run({forward(kActionRedirect, self), drop()}, in), RuleResult::kSuperAccept);
  // A forward to us that did not fire still marks a later ACCEPT as super.
  const std::vector<Rule> rules = {ether(kArp), forward(kActionWatch, self), accept()};
  EXPECT_EQ(run(rules, in), RuleResult::kSuperAccept);
  const FilterDecision d = filter_frame(rules, {}, in, env);
  EXPECT_TRUE(d.accept);
  EXPECT_TRUE(d.super_accept);
  // Outbound there is no super-accept.
  const RuleFrame out = frame(kIpv4, ipv4(17, kA, kB, udp(1, 2)), false);
  EXPECT_EQ(run(rules, out), RuleResult::kAccept);
}

TEST_F(RuleFilter, RedirectChangesTheDestination) {
  const RuleFrame out = frame(kIpv4, ipv4(17, kA, kB, udp(1, 2)), false);
  const std::vector<Rule> rules = {protocol(17), forward(kActionRedirect, other), accept()};
  const RuleOutcome o = evaluate_rules(rules, out, env);
  EXPECT_EQ(o.result, RuleResult::kRedirect);
  EXPECT_EQ(o.redirect_to, other);
  const FilterDecision d = filter_frame(rules, {}, out, env);
  EXPECT_TRUE(d.accept);
  ASSERT_TRUE(d.redirect_to);
  EXPECT_EQ(*d.redirect_to, other);
  // A redirect to the frame's own destination is a no-op.
  EXPECT_EQ(run({forward(kActionRedirect, peer), drop()}, out), RuleResult::kDrop);
  // A redirect to address 0 is accepted without redirecting, as upstream.
  const FilterDecision zero = filter_frame(std::vector<Rule>{forward(kActionRedirect, Address())}, {}, out, env);
  EXPECT_TRUE(zero.accept);
  EXPECT_FALSE(zero.redirect_to);
}

TEST_F(RuleFilter, CapabilitiesOnlyAfterNoMatch) {
  const RuleFrame f = frame(kIpv4, ipv4(6, kA, kB, tcp(1, 22, 2)));
  const std::vector<Rule> allow_ssh = {Rule::make(kMatchIpDestPortRange, RuleRange{22, 22}), accept()};
  const std::vector<Rule> deny_all = {drop()};
  const std::vector<std::vector<Rule>> caps = {deny_all, {ether(kArp), accept()}, allow_ssh};
  // Base NO_MATCH: the first capability that accepts wins; DROP in a
  // capability only ends that capability.
  FilterDecision d = filter_frame(std::vector<Rule>{ether(kArp), accept()}, caps, f, env);
  EXPECT_TRUE(d.accept);
  EXPECT_EQ(d.capability, 2);
  // Base DROP is final (upstream skips capabilities there).
  d = filter_frame(std::vector<Rule>{drop()}, caps, f, env);
  EXPECT_FALSE(d.accept);
  EXPECT_EQ(d.capability, -1);
  // No capability accepts: dropped.
  d = filter_frame({}, std::vector<std::vector<Rule>>{deny_all}, f, env);
  EXPECT_FALSE(d.accept);
  // Base ACCEPT needs no capability.
  d = filter_frame(default_rules(), caps, f, env);
  EXPECT_TRUE(d.accept);
  EXPECT_EQ(d.capability, -1);
}

TEST_F(RuleFilter, CapabilityCopiesAndRedirects) {
  const RuleFrame in = frame(kIpv4, ipv4(17, kA, kB, udp(1, 2, 40)), true);  // 68 bytes
  const Address watcher{0x4444444444ULL};
  // The base table tees then falls through; the capability watches and accepts.
  const std::vector<Rule> base = {forward(kActionTee, watcher, 10)};
  const std::vector<std::vector<Rule>> caps = {{forward(kActionWatch, other), accept()}};
  FilterDecision d = filter_frame(base, caps, in, env);
  EXPECT_TRUE(d.accept);
  EXPECT_EQ(d.capability, 0);
  ASSERT_EQ(d.copies.size(), 2u);
  EXPECT_EQ(d.copies[0], (RuleCopy{other, 68, true}));    // the capability's first
  EXPECT_EQ(d.copies[1], (RuleCopy{watcher, 10, false}));  // then the base table's
  // A capability's REDIRECT accepts and redirects.
  d = filter_frame({}, std::vector<std::vector<Rule>>{{forward(kActionRedirect, other)}}, in, env);
  EXPECT_TRUE(d.accept);
  ASSERT_TRUE(d.redirect_to);
  EXPECT_EQ(*d.redirect_to, other);
  // Super-accept through a capability, inbound.
  d = filter_frame({}, std::vector<std::vector<Rule>>{{forward(kActionTee, self)}}, in, env);
  EXPECT_TRUE(d.accept);
  EXPECT_TRUE(d.super_accept);
}

TEST_F(RuleFilter, ExtFrameFlagsOfCopies) {
  EXPECT_EQ(ext_frame_copy_flags(false, false), 0x02);
  EXPECT_EQ(ext_frame_copy_flags(false, true), 0x16);
  EXPECT_EQ(ext_frame_copy_flags(true, false), 0x08);
  EXPECT_EQ(ext_frame_copy_flags(true, true), 0x1c);
  EXPECT_EQ(ext_frame_redirect_flags(false), 0x04);
  EXPECT_EQ(ext_frame_redirect_flags(true), 0x0a);
}

TEST_F(RuleFilter, AdhocTableAllowsOnlyThePortRange) {
  const auto rules = adhoc_port_range_rules(8000, 8010);
  auto tcp6 = [&](std::uint16_t sport, std::uint16_t dport, std::uint16_t flags) {
    return frame(kIpv6, ipv6(6, kA6, kB6, tcp(sport, dport, flags)));
  };
  using namespace rule_characteristic;
  EXPECT_EQ(run(rules, tcp6(40000, 8005, kTcpSyn)), RuleResult::kAccept);
  EXPECT_EQ(run(rules, tcp6(40000, 8000, kTcpSyn)), RuleResult::kAccept);
  EXPECT_EQ(run(rules, tcp6(40000, 8010, kTcpSyn)), RuleResult::kAccept);
  EXPECT_EQ(run(rules, tcp6(40000, 8011, kTcpSyn)), RuleResult::kDrop);
  EXPECT_EQ(run(rules, tcp6(40000, 22, kTcpSyn)), RuleResult::kDrop);
  // Replies from the range: SYN+ACK and plain ACKs go back to any port.
  EXPECT_EQ(run(rules, tcp6(8005, 40000, kTcpSyn | kTcpAck)), RuleResult::kAccept);
  EXPECT_EQ(run(rules, tcp6(8005, 40000, kTcpAck)), RuleResult::kAccept);
  EXPECT_EQ(run(rules, frame(kIpv6, ipv6(17, kA6, kB6, udp(5000, 8001)))), RuleResult::kAccept);
  EXPECT_EQ(run(rules, frame(kIpv6, ipv6(58, kA6, kB6, icmp(128, 0)))), RuleResult::kAccept);
  // Not IPv6: dropped.
  EXPECT_EQ(run(rules, frame(kIpv4, ipv4(6, kA, kB, tcp(40000, 8005, kTcpSyn)))), RuleResult::kDrop);
  EXPECT_EQ(run(rules, frame(kArp, arp_request(1, kA, kB))), RuleResult::kDrop);
  // Upstream's table lets UDP to other ports through (it carries no SYN).
  EXPECT_EQ(run(rules, frame(kIpv6, ipv6(17, kA6, kB6, udp(5000, 53)))), RuleResult::kAccept);
  EXPECT_TRUE(filter_frame(rules, {}, tcp6(40000, 8005, kTcpSyn), env).accept);
  EXPECT_FALSE(filter_frame(rules, {}, tcp6(40000, 9000, kTcpSyn), env).accept);
}

}  // namespace
}  // namespace zt
