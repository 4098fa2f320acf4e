#pragma once
// A network's configuration as the controller issues it (vl2.md §5) and its
// Dictionary form. to_dictionary writes exactly upstream's bytes (key order,
// the always-present DNS blob); from_dictionary applies upstream's reader
// rules. The rule table stays encoded: the node decodes it (proto/rules).
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "proto/address.hpp"
#include "proto/credentials/capability.hpp"
#include "proto/credentials/certificate_of_membership.hpp"
#include "proto/credentials/certificate_of_ownership.hpp"
#include "proto/credentials/tag.hpp"
#include "proto/hex.hpp"
#include "proto/inet_address.hpp"
#include "proto/vl2_constants.hpp"

namespace zt {

// Config flags (`f`).
inline constexpr std::uint64_t kNetworkFlagEnableBroadcast = 0x02;
inline constexpr std::uint64_t kNetworkFlagEnableNdpEmulation = 0x04;
inline constexpr std::uint64_t kNetworkFlagUnsupportedMatchesMatch = 0x08;  // else "no match"
inline constexpr std::uint64_t kNetworkFlagDisableCompression = 0x10;

// Role bits above the 40-bit address of a specialist (`S`).
inline constexpr std::uint64_t kSpecialistActiveBridge = 0x0000020000000000ULL;
inline constexpr std::uint64_t kSpecialistAnchor = 0x0000040000000000ULL;
inline constexpr std::uint64_t kSpecialistMulticastReplicator = 0x0000080000000000ULL;

// node/network_info.hpp has host-facing types of the same names; these
// are the config's own, so they live in its scope.
struct NetworkConfig {
  // Upstream keeps the type as a C enum; other values are neither kind.
  enum class Type : std::uint32_t { kPrivate = 0, kPublic = 1 };

  struct Route {
    InetAddress target;  // netmask bits in the port
    InetAddress via;     // nil: on-link
    std::uint16_t flags = 0;
    std::uint16_t metric = 0;
    friend bool operator==(const Route&, const Route&) = default;
  };

  struct Dns {
    static constexpr std::size_t kDomainFieldSize = 128;  // NUL padded on the wire
    std::string domain;                                   // at most 127 bytes are kept
    std::array<InetAddress, kMaxDnsServers> servers{};    // nil = unused
    friend bool operator==(const Dns&, const Dns&) = default;
  };

  std::uint64_t network_id = 0;
  std::int64_t timestamp = 0;  // controller time of issue, the credentials' reference
  std::uint64_t credential_time_max_delta = 0;
  std::uint64_t revision = 0;
  Address issued_to;
  Address remote_trace_target;
  std::uint32_t remote_trace_level = 0;
  std::uint64_t flags = 0;
  std::uint32_t multicast_limit = 0;  // 0 disables multicast and broadcast
  Type type = Type::kPrivate;
  std::string name;  // at most 127 bytes are kept
  std::uint32_t mtu = kDefaultNetworkMtu;

  CertificateOfMembership com;           // empty() when none
  std::vector<Capability> capabilities;  // sorted by id when read
  std::vector<Tag> tags;                 // sorted by id when read
  std::vector<CertificateOfOwnership> certificates_of_ownership;
  std::vector<std::uint64_t> specialists;  // address | role bits
  std::vector<Route> routes;
  std::vector<InetAddress> static_ips;  // netmask bits in the port
  Bytes rules;                          // encoded rule table, as received
  Dns dns;

  std::uint64_t sso_version = 0;
  bool sso_enabled = false;
  std::string authentication_url;                // version 0 (and read in 1)
  std::uint64_t authentication_expiry_time = 0;  // version 0
  std::string issuer_url;                        // version 1 from here on
  std::string central_auth_url;
  std::string sso_nonce;
  std::string sso_state;
  std::string sso_client_id;
  std::string sso_provider;

  bool is_public() const { return type == Type::kPublic; }
  bool is_private() const { return type == Type::kPrivate; }
  bool has_flag(std::uint64_t f) const { return (flags & f) != 0; }
  // Specialists holding any of `roles`.
  std::vector<Address> specialists_with(std::uint64_t roles) const;

  // The dictionary bytes upstream writes for this config; nullopt when they
  // would not fit a peer's buffer (kNetworkConfigDictCapacity).
  std::optional<Bytes> to_dictionary() const;
  // Nullopt when `v` < 6, `nwid` or `id` is zero, or a COO, route, static
  // IP or DNS blob is malformed (upstream throws and drops the config). A bad
  // COM leaves none; bad Capabilities/Tags end their list; counts beyond the
  // limits are dropped; mtu is clamped to [1280, 10000].
  static std::optional<NetworkConfig> from_dictionary(std::span<const std::uint8_t> dict);

  friend bool operator==(const NetworkConfig&, const NetworkConfig&) = default;
};

}  // namespace zt
