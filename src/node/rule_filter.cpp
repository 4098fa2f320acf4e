#include "node/rule_filter.hpp"

#include <algorithm>

#include "node/rule_match.hpp"

namespace zt {
namespace {

using namespace rule_type;

bool forwards(std::uint8_t type) { return type == kActionTee || type == kActionWatch || type == kActionRedirect; }

Address forward_target(const Rule& rule) {
  const auto* fwd = std::get_if<RuleForward>(&rule.value);
  return fwd ? fwd->target() : Address();
}

}  // namespace

std::optional<std::uint32_t> SimpleRuleFacts::local_tag(std::uint32_t id) const {
  auto it = local_tags.find(id);
  if (it == local_tags.end()) return std::nullopt;
  return it->second;
}

std::optional<std::uint32_t> SimpleRuleFacts::remote_tag(std::uint32_t id) const {
  auto it = remote_tags.find(id);
  if (it == remote_tags.end()) return std::nullopt;
  return it->second;
}

RuleOutcome evaluate_rules(std::span<const Rule> rules, const RuleFrame& frame, const RuleEnvironment& env) {
  RuleOutcome out;
  RuleMatchState state;
  // An ACTION with no MATCH before it is always taken, so a set starts true.
  bool set_matches = true;

  for (const Rule& rule : rules) {
    const std::uint8_t type = rule.type & 0x3f;
    if (type <= kActionMax) {
      if (!set_matches) {
        // A TEE/WATCH/REDIRECT to us that did not fire still makes us accept
        // the frame as its target (past MAC and address checks) if we accept.
        if (frame.inbound && forwards(type) && forward_target(rule) == env.self) state.super_accept = true;
        set_matches = true;
        continue;
      }
      switch (type) {
        case kActionPriority:  // a QoS hint upstream; here simply ACCEPT
          out.result = RuleResult::kAccept;
          return out;
        case kActionDrop:
          if (state.skip_drop) {
            state.skip_drop = false;
            continue;
          }
          out.result = RuleResult::kDrop;
          return out;
        case kActionAccept:
          out.result = state.super_accept ? RuleResult::kSuperAccept : RuleResult::kAccept;
          return out;
        case kActionTee:
        case kActionWatch:
        case kActionRedirect: {
          const Address target = forward_target(rule);
          // Upstream's order matters: inbound, we are also the frame's dest.
          if (target == frame.source) continue;
          if (target == env.self) {
            if (frame.inbound) {
              out.result = RuleResult::kSuperAccept;
              return out;
            }
            continue;
          }
          if (target == frame.dest) continue;
          if (type == kActionRedirect) {
            out.result = RuleResult::kRedirect;
            out.redirect_to = target;
            return out;
          }
          const auto* fwd = std::get_if<RuleForward>(&rule.value);
          const std::size_t size = frame.payload.size();
          const std::size_t length = (fwd && fwd->length != 0) ? std::min<std::size_t>(size, fwd->length) : size;
          out.copy = RuleCopy{target, length, type == kActionWatch};
          continue;
        }
        case kActionBreak:
          out.result = RuleResult::kNoMatch;
          return out;
        default:  // reserved actions are no-ops
          continue;
      }
    }

    // anything AND false stays false: skip the work
    if (!set_matches && !rule.or_previous) continue;
    const bool matched = rule_matches(rule, frame, env, state) != rule.negate;
    set_matches = rule.or_previous ? (set_matches || matched) : (set_matches && matched);
  }
  out.result = RuleResult::kNoMatch;
  return out;
}

FilterDecision apply_capabilities(const RuleOutcome& base, std::span<const std::vector<Rule>> capabilities,
                                  const RuleFrame& frame, const RuleEnvironment& env) {
  FilterDecision d;
  Address final_dest = frame.dest;
  RuleResult result = base.result;

  if (result == RuleResult::kNoMatch) {
    for (std::size_t i = 0; i < capabilities.size(); ++i) {
      const RuleOutcome cap = evaluate_rules(capabilities[i], frame, env);
      if (cap.result == RuleResult::kNoMatch || cap.result == RuleResult::kDrop) continue;
      result = cap.result;
      if (cap.result == RuleResult::kRedirect) final_dest = cap.redirect_to;
      d.capability = static_cast<int>(i);
      if (cap.copy && !cap.copy->target.is_nil()) d.copies.push_back(*cap.copy);
      break;
    }
    if (d.capability < 0) return d;  // nothing accepted: dropped
  } else if (result == RuleResult::kDrop) {
    return d;
  } else if (result == RuleResult::kRedirect) {
    final_dest = base.redirect_to;
  }

  d.accept = true;
  d.super_accept = frame.inbound && result == RuleResult::kSuperAccept;
  if (base.copy && !base.copy->target.is_nil()) d.copies.push_back(*base.copy);
  // A REDIRECT to address 0 leaves the frame going where it was going, as upstream.
  if (final_dest != frame.dest && !final_dest.is_nil()) d.redirect_to = final_dest;
  return d;
}

FilterDecision filter_frame(std::span<const Rule> rules, std::span<const std::vector<Rule>> capabilities,
                            const RuleFrame& frame, const RuleEnvironment& env) {
  return apply_capabilities(evaluate_rules(rules, frame, env), capabilities, frame, env);
}

std::uint8_t ext_frame_copy_flags(bool inbound, bool watch) {
  if (inbound) return watch ? 0x1c : 0x08;
  return watch ? 0x16 : 0x02;
}

std::uint8_t ext_frame_redirect_flags(bool inbound) { return inbound ? 0x0a : 0x04; }

}  // namespace zt
