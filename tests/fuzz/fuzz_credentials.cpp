// Every VL2 credential parser and the NETWORK_CREDENTIALS payload. The first
// input byte picks the parser, the rest is its input. Whatever parses must
// write out and parse again to the same bytes; verification and the COM
// agreement test must run on anything parsed.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <type_traits>

#include "proto/credentials/capability.hpp"
#include "proto/credentials/certificate_of_membership.hpp"
#include "proto/credentials/certificate_of_ownership.hpp"
#include "proto/credentials/network_credentials.hpp"
#include "proto/credentials/revocation.hpp"
#include "proto/credentials/tag.hpp"

namespace {

using Span = std::span<const std::uint8_t>;

void check(bool ok) {
  if (!ok) std::abort();
}

// The vl2 vectors' controller (public key only).
const zt::Identity& controller() {
  static const zt::Identity id = *zt::Identity::from_string(
      "e08309ce1e:0:5e8e58354ca8456b536dbc458853b908b6a41e994f30e28dd0285839fc9709645709331be26bc"
      "6fcb2d15c2686efb3d1e83ab98e5d34be45fdc2d7f0f3452cb9");
  return id;
}

template <class T>
void credential(Span in) {
  zt::ByteReader r(in);
  auto first = T::read(r);
  check(first.has_value() == r.ok());
  if (!first) return;
  check(r.position() <= in.size());
  const zt::Bytes once = first->serialize();
  auto second = T::parse(once);
  check(second.has_value());
  check(second->serialize() == once);
  (void)first->signing_message();
  if constexpr (std::is_same_v<T, zt::Capability>) {
    check(zt::count_encoded_rules(first->rules) == first->rule_count);
    (void)first->issued_to();
  }
  (void)first->verify(controller());
}

void com(Span in) {
  credential<zt::CertificateOfMembership>(in);
  auto c = zt::CertificateOfMembership::parse(in);
  if (!c) return;
  (void)c->agrees_with(*c, controller());
  (void)c->timestamp();
  (void)c->issued_to();
}

void network_credentials(Span in) {
  auto first = zt::parse_network_credentials(in);
  if (!first) return;
  zt::Bytes once;
  zt::ByteWriter w(once);
  zt::write_network_credentials(w, *first);
  auto second = zt::parse_network_credentials(once);
  check(second.has_value() && *second == *first);
}

using Parser = void (*)(Span);

// Keep the order: the seed files' first bytes index this table.
const Parser kParsers[] = {
    com,                                     // 0
    credential<zt::CertificateOfOwnership>,  // 1
    credential<zt::Tag>,                     // 2
    credential<zt::Capability>,              // 3
    credential<zt::Revocation>,              // 4
    network_credentials,                     // 5
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t count = sizeof kParsers / sizeof kParsers[0];
  kParsers[data[0] % count](Span(data + 1, size - 1));
  return 0;
}
