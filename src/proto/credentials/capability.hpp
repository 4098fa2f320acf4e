#pragma once
// A Capability (vl2.md §8.3): a small rule table the controller grants a
// member, passed along a signed chain of custody. The rules stay in their
// wire encoding here; the rules codec (proto/rules) decodes them.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "proto/credentials/credential.hpp"

namespace zt {

// The number of rules in an encoded rule table ([1] t [1] L [L] value
// each), or nullopt when a rule runs past the end.
std::optional<std::size_t> count_encoded_rules(std::span<const std::uint8_t> rules);

struct CustodyEntry {
  Address to;
  Address from;
  Signature signature{};
  friend bool operator==(const CustodyEntry&, const CustodyEntry&) = default;
};

struct Capability {
  static constexpr std::size_t kMaxRules = 64;
  static constexpr std::size_t kMaxCustodyChainLength = 7;

  std::uint64_t network_id = 0;
  std::int64_t timestamp = 0;
  std::uint32_t id = 0;
  std::uint16_t rule_count = 0;  // rules in `rules`
  Bytes rules;                   // encoded rule table, as on the wire
  std::uint8_t max_custody_chain_length = 1;
  std::vector<CustodyEntry> custody;  // non-zero `to`s, at most max_custody_chain_length

  // Replaces the rules; false (nothing changed) when the table is malformed
  // or has more than kMaxRules rules.
  bool set_rules(std::span<const std::uint8_t> encoded);

  // The last holder in the chain of custody.
  Address issued_to() const;

  // Fails on more than 64 rules, a chain length outside 1..7, more custody
  // entries than it allows, or truncation.
  static std::optional<Capability> read(ByteReader& r);
  static std::optional<Capability> parse(std::span<const std::uint8_t> bytes);  // exactly one
  void write(ByteWriter& w) const;
  Bytes serialize() const;

  // The same message for every custody entry: the chain is not part of it.
  Bytes signing_message() const;
  // Appends the entry from -> to, signed by `from`; false without a private
  // key or when the chain is full.
  bool sign(const Identity& from, Address to);
  // Entry 0 is from the network's controller (`controller`), each later one
  // from the previous entry's `to`, each signed by its `from`; identities of
  // holders after the controller are looked up in `holders`.
  bool verify(const Identity& controller, std::span<const Identity> holders = {}) const;

  friend bool operator==(const Capability&, const Capability&) = default;
};

}  // namespace zt
