// Hostile rule tables and frames. Input: [1] flags, [2] rules length N,
// [N] rule table, [2] etherType, rest = Ethernet payload. A table the parser
// accepts must re-serialize to exactly its bytes; evaluating it against the
// frame (inbound and outbound, also as a capability) must stay in bounds and
// give consistent answers.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "node/rule_filter.hpp"
#include "proto/byte_io.hpp"
#include "proto/rules.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

constexpr std::uint32_t kSeed = 0x9e3779b9u;

// `draw` is reset before each run so MATCH_RANDOM decides the same way in both.
void evaluate(const std::vector<zt::Rule>& rules, const zt::RuleFrame& frame, const zt::RuleEnvironment& env,
              std::uint32_t& draw) {
  draw = kSeed;
  const zt::RuleOutcome o = zt::evaluate_rules(rules, frame, env);
  check(o.result != zt::RuleResult::kRedirect || (o.redirect_to != frame.source && o.redirect_to != env.self));
  if (o.copy) check(o.copy->length <= frame.payload.size());

  const std::vector<std::vector<zt::Rule>> caps = {rules, zt::default_rules()};
  draw = kSeed;
  const zt::FilterDecision d = zt::filter_frame(rules, caps, frame, env);
  check(d.accept || (d.copies.empty() && !d.redirect_to && !d.super_accept));
  check(d.copies.size() <= 2);
  for (const zt::RuleCopy& c : d.copies) check(!c.target.is_nil() && c.length <= frame.payload.size());
  if (d.super_accept) check(frame.inbound);
  // The default capability accepts whatever the base table did not match.
  if (o.result == zt::RuleResult::kNoMatch) check(d.accept);
  if (o.result == zt::RuleResult::kDrop) check(!d.accept);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  zt::ByteReader r({data, size});
  const std::uint8_t flags = r.u8();
  const std::uint16_t rules_length = r.u16();
  const auto table = r.take(rules_length);
  const std::uint16_t ether_type = r.u16();
  if (!r.ok()) return 0;
  const auto payload = r.take(r.remaining());

  auto rules = zt::parse_rules(table);
  if (!rules) return 0;
  check(rules->size() <= zt::kMaxRules);
  check(zt::write_rules(*rules) == zt::Bytes(table.begin(), table.end()));
  for (const zt::Rule& rule : *rules) check(rule.well_formed());

  const zt::Address self(0x1111111111ULL), peer(0x2222222222ULL);
  zt::SimpleRuleFacts facts;
  facts.local_tags = {{0, 0}, {1, 1}, {1000, 5}};
  if (flags & 0x40) facts.remote_tags = {{0, 7}, {1000, 5}};
  facts.owns_ip = [flags](const zt::InetAddress&) { return (flags & 0x10) != 0; };
  facts.owns_mac = [flags](zt::MacAddress) { return (flags & 0x20) != 0; };
  std::uint32_t draw = kSeed;
  facts.random = [&draw] { return draw = draw * 1664525u + 1013904223u; };
  zt::RuleEnvironment env{self, (flags & 0x02) != 0, &facts};

  zt::RuleFrame frame;
  frame.ether_type = ether_type;
  frame.payload = payload;
  frame.mac_source = zt::MacAddress(0x32aabbccddeeULL);
  frame.mac_dest = (flags & 0x08) ? zt::MacAddress(0xffffffffffffULL)
                   : (flags & 0x04) ? zt::MacAddress(0x333300000001ULL)
                                    : zt::MacAddress(0x32aabbccdd01ULL);
  for (bool inbound : {true, false}) {
    frame.inbound = inbound;
    frame.source = inbound ? peer : self;
    frame.dest = inbound ? self : peer;
    evaluate(*rules, frame, env, draw);
  }
  return 0;
}
