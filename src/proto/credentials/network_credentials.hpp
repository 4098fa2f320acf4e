#pragma once
// The NETWORK_CREDENTIALS payload (verb 0x0a, vl2.md §8.5): COMs ended by a
// zero byte, then counted lists of capabilities, tags, revocations and
// certificates of ownership. Old senders stop after any section.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "proto/credentials/capability.hpp"
#include "proto/credentials/certificate_of_membership.hpp"
#include "proto/credentials/certificate_of_ownership.hpp"
#include "proto/credentials/revocation.hpp"
#include "proto/credentials/tag.hpp"

namespace zt {

struct NetworkCredentials {
  std::vector<CertificateOfMembership> coms;
  std::vector<Capability> capabilities;
  std::vector<Tag> tags;
  std::vector<Revocation> revocations;
  std::vector<CertificateOfOwnership> coos;

  friend bool operator==(const NetworkCredentials&, const NetworkCredentials&) = default;
};

// Nullopt when any credential present is malformed. Bytes after the COO
// list are ignored, as upstream does.
std::optional<NetworkCredentials> parse_network_credentials(std::span<const std::uint8_t> payload);
// Always writes every section (counts of zero included), as upstream does.
void write_network_credentials(ByteWriter& w, const NetworkCredentials& creds);

}  // namespace zt
