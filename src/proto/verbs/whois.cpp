#include "proto/verbs/whois.hpp"

namespace zt {
namespace {

std::optional<Identity> read_public_identity(ByteReader& r) {
  auto id = Identity::deserialize(r);
  if (!r.ok() || !id || id->has_private()) return std::nullopt;
  return id;
}

}  // namespace

std::optional<Whois> parse_whois(std::span<const std::uint8_t> payload) {
  if (payload.empty() || payload.size() % Address::kLength != 0) return std::nullopt;
  ByteReader r(payload);
  Whois whois;
  whois.addresses.reserve(payload.size() / Address::kLength);
  while (!r.at_end()) whois.addresses.emplace_back(r.u40());
  return whois;
}

void write_whois(ByteWriter& w, const Whois& whois) {
  for (Address a : whois.addresses) w.u40(a.value());
}

std::optional<OkWhois> parse_ok_whois(std::span<const std::uint8_t> body) {
  ByteReader r(body);
  auto first = read_public_identity(r);
  if (!first) return std::nullopt;
  OkWhois ok;
  ok.identity = *first;
  while (!r.at_end() && read_public_identity(r)) ++ok.more_identities;
  return ok;
}

void write_ok_whois(ByteWriter& w, std::span<const Identity> identities) {
  for (const Identity& id : identities) id.serialize(w, false);
}

}  // namespace zt
