#pragma once
// A rules-engine test fixture: us, one peer, facts we control, and frames
// whose payload bytes live as long as the test.
#include <gtest/gtest.h>

#include <list>
#include <vector>

#include "node/rule_filter.hpp"
#include "rule_frames.hpp"

namespace zt::test {

class RuleFixture : public ::testing::Test {
 protected:
  static constexpr std::uint64_t kNwid = 0x8056c2e21c000001ULL;
  const Address self{0x1111111111ULL};
  const Address peer{0x2222222222ULL};
  const Address other{0x3333333333ULL};
  SimpleRuleFacts facts;
  RuleEnvironment env{self, false, &facts};

  // A unicast frame between the peer and us (inbound: peer -> us).
  RuleFrame frame(std::uint16_t ether_type, Bytes payload, bool inbound = true) {
    storage_.push_back(std::move(payload));
    RuleFrame f;
    f.source = inbound ? peer : self;
    f.dest = inbound ? self : peer;
    f.mac_source = MacAddress::from_address(f.source, kNwid);
    f.mac_dest = MacAddress::from_address(f.dest, kNwid);
    f.ether_type = ether_type;
    f.payload = storage_.back();
    f.inbound = inbound;
    return f;
  }

  RuleResult run(const std::vector<Rule>& rules, const RuleFrame& f) { return evaluate_rules(rules, f, env).result; }

  // Whether `rule` (with its NOT/OR bits) lets the following ACCEPT fire.
  bool matches(const Rule& rule, const RuleFrame& f) {
    const RuleResult r = run({rule, Rule::action(rule_type::kActionAccept)}, f);
    EXPECT_TRUE(r == RuleResult::kAccept || r == RuleResult::kNoMatch);
    return r == RuleResult::kAccept;
  }

  static Rule negated(Rule rule) {
    rule.negate = true;
    return rule;
  }

 private:
  std::list<Bytes> storage_;
};

}  // namespace zt::test
