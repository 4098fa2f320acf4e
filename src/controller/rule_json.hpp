#pragma once
// Rules as the controller's JSON shows them (controller.md §3), rendered and
// parsed the way upstream 1.14.1's controller does, quirks included: number
// fields also accept strings and booleans, hex fields accept "0x" and stop at
// the first non-hex character, and INTEGER_RANGE is rendered but never parsed.
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "proto/rules.hpp"

namespace zt::controller {

// Upstream's cap on any array a POST stores.
inline constexpr std::size_t kMaxJsonArraySize = 16384;

// `{"type": NAME, ...fields}`; match rules also carry "not" and "or".
// Nullopt for types upstream does not render (PRIORITY, reserved actions,
// unassigned types).
std::optional<nlohmann::json> rule_to_json(const Rule& rule);

// Nullopt for a non-object, a type string upstream does not know (also
// "INTEGER_RANGE", its quirk), or a MATCH_CHARACTERISTICS "mask" that is
// present but neither a number nor a string (upstream throws there).
std::optional<Rule> rule_from_json(const nlohmann::json& object);

// Every renderable rule, in order.
nlohmann::json rules_to_json(std::span<const Rule> rules);

// The rules a config is built from: entries that do not parse are skipped,
// and at most `max` are kept.
std::vector<Rule> rules_from_json(const nlohmann::json& array, std::size_t max = kMaxRules);

// What a POST stores for a "rules" array: each entry parsed and re-rendered,
// the rest dropped, at most kMaxJsonArraySize. Nullopt for a non-array
// (upstream then leaves the stored rules as they were).
std::optional<nlohmann::json> normalize_rules_json(const nlohmann::json& array);

}  // namespace zt::controller
