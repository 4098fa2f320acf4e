#include "proto/credentials/capability.hpp"

#include <algorithm>

#include "proto/network_id.hpp"

namespace zt {
namespace {

// Skips one [t][L][value] rule; fails the reader when it is cut short.
void skip_rule(ByteReader& r) {
  r.u8();
  r.skip(r.u8());
}

void write_body(ByteWriter& w, const Capability& c) {
  w.u64(c.network_id);
  w.u64(static_cast<std::uint64_t>(c.timestamp));
  w.u32(c.id);
  w.u16(c.rule_count);
  w.bytes(c.rules);
  w.u8(c.max_custody_chain_length);
}

bool chain_length_ok(std::size_t mccl) {
  return mccl >= 1 && mccl <= Capability::kMaxCustodyChainLength;
}

}  // namespace

std::optional<std::size_t> count_encoded_rules(std::span<const std::uint8_t> rules) {
  ByteReader r(rules);
  std::size_t n = 0;
  while (r.ok() && !r.at_end()) {
    skip_rule(r);
    ++n;
  }
  if (!r.ok()) return std::nullopt;
  return n;
}

bool Capability::set_rules(std::span<const std::uint8_t> encoded) {
  auto n = count_encoded_rules(encoded);
  if (!n || *n > kMaxRules) return false;
  rules.assign(encoded.begin(), encoded.end());
  rule_count = static_cast<std::uint16_t>(*n);
  return true;
}

Address Capability::issued_to() const { return custody.empty() ? Address() : custody.back().to; }

std::optional<Capability> Capability::read(ByteReader& r) {
  Capability c;
  c.network_id = r.u64();
  c.timestamp = static_cast<std::int64_t>(r.u64());
  c.id = r.u32();
  c.rule_count = r.u16();
  if (c.rule_count > kMaxRules) {
    r.fail();
    return std::nullopt;
  }
  const std::size_t rules_start = r.position();
  ByteReader scan = r;
  for (std::size_t i = 0; i < c.rule_count; ++i) skip_rule(scan);
  if (!scan.ok()) {
    r.fail();
    return std::nullopt;
  }
  auto encoded = r.take(scan.position() - rules_start);
  c.rules.assign(encoded.begin(), encoded.end());

  c.max_custody_chain_length = r.u8();
  if (!chain_length_ok(c.max_custody_chain_length)) {
    r.fail();
    return std::nullopt;
  }
  // Entries until a zero `to`; more than the chain length allows is an error.
  while (r.ok()) {
    CustodyEntry e;
    e.to = Address(r.u40());
    if (e.to.is_nil()) break;
    if (c.custody.size() >= c.max_custody_chain_length) {
      r.fail();
      return std::nullopt;
    }
    e.from = Address(r.u40());
    credential_detail::read_signature(r, e.signature);
    c.custody.push_back(e);
  }
  credential_detail::skip_additional_fields(r);
  if (!r.ok()) return std::nullopt;
  return c;
}

std::optional<Capability> Capability::parse(std::span<const std::uint8_t> bytes) {
  ByteReader r(bytes);
  auto c = read(r);
  if (!c || !r.at_end()) return std::nullopt;
  return c;
}

void Capability::write(ByteWriter& w) const {
  write_body(w, *this);
  for (std::size_t i = 0; i < custody.size() && i < max_custody_chain_length; ++i) {
    if (custody[i].to.is_nil()) break;
    w.u40(custody[i].to.value());
    w.u40(custody[i].from.value());
    credential_detail::write_signature(w, custody[i].signature);
  }
  w.u40(0);  // a zero `to` ends the chain
  w.u16(0);  // no additional fields
}

Bytes Capability::serialize() const {
  Bytes out;
  ByteWriter w(out);
  write(w);
  return out;
}

Bytes Capability::signing_message() const {
  Bytes out;
  ByteWriter w(out);
  w.u64(kSigningFence);
  write_body(w, *this);
  w.u16(0);
  w.u64(kSigningFence);
  return out;
}

bool Capability::sign(const Identity& from, Address to) {
  if (!from.has_private() || to.is_nil()) return false;
  if (custody.size() >= std::min<std::size_t>(max_custody_chain_length, kMaxCustodyChainLength))
    return false;
  CustodyEntry e;
  e.to = to;
  e.from = from.address();
  if (!credential_detail::sign_message(from, signing_message(), e.signature)) return false;
  custody.push_back(e);
  return true;
}

bool Capability::verify(const Identity& controller, std::span<const Identity> holders) const {
  if (!chain_length_ok(max_custody_chain_length)) return false;
  if (custody.empty() || custody.size() > max_custody_chain_length) return false;
  const Bytes message = signing_message();
  for (std::size_t i = 0; i < custody.size(); ++i) {
    const CustodyEntry& e = custody[i];
    if (e.to.is_nil() || e.from.is_nil()) return false;
    const Identity* signer = nullptr;
    if (i == 0) {
      if (e.from != network_controller(network_id) || controller.address() != e.from) return false;
      signer = &controller;
    } else {
      if (e.from != custody[i - 1].to) return false;
      auto it = std::find_if(holders.begin(), holders.end(),
                             [&](const Identity& id) { return id.address() == e.from; });
      if (it == holders.end()) return false;
      signer = &*it;
    }
    if (!signer->verify(message.data(), message.size(), e.signature.data(), e.signature.size()))
      return false;
  }
  return true;
}

}  // namespace zt
