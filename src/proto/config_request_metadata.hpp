#pragma once
// The metadata dictionary of NETWORK_CONFIG_REQUEST (vl2.md §6.1): what a
// member tells the controller about itself, and what the controller reads.
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "proto/constants.hpp"
#include "proto/hex.hpp"
#include "proto/vl2_constants.hpp"

namespace zt {

struct ConfigRequestMetadata {
  static constexpr std::uint64_t kVendorZeroTier = 1;
  static constexpr std::size_t kMaxAuthLength = 511;  // the controller's buffer
  static constexpr char kAuthTokenPrefix[] = "token:";

  std::uint64_t config_version = kNetworkConfigVersion;        // v
  std::uint64_t vendor = kVendorZeroTier;                      // vend
  std::uint64_t protocol_version = kProtoVersion;              // pv
  std::uint64_t major_version = kSoftwareVersionMajor;         // majv
  std::uint64_t minor_version = kSoftwareVersionMinor;         // minv
  std::uint64_t revision = kSoftwareVersionRevision;           // revv
  std::uint64_t max_rules = kMaxNetworkRules;                  // mr
  std::uint64_t max_capabilities = kMaxNetworkCapabilities;    // mc
  std::uint64_t max_capability_rules = kMaxCapabilityRules;    // mcr
  std::uint64_t max_tags = kMaxNetworkTags;                    // mt
  std::uint64_t flags = 0;                                     // f
  std::uint64_t rules_engine_revision = kRulesEngineRevision;  // revr
  std::string os_arch;                                         // o, informational
  std::string auth;  // a, e.g. "token:<token>"; written only when set

  // What a 1.14.1 member sends, with `os_arch` as its ZT_TARGET_NAME
  // (e.g. "linux/x86_64").
  static ConfigRequestMetadata for_member(std::string os_arch);

  // Upstream's key order; nullopt when over kRequestMetadataDictCapacity.
  std::optional<Bytes> to_dictionary() const;
  // The controller's reading: absent keys are 0 (so no `revr` means the
  // rules engine of old clients) and anything past the controller's
  // 1023-byte buffer or a NUL is ignored.
  static ConfigRequestMetadata from_dictionary(std::span<const std::uint8_t> dict);

  // The join token in `a` ("token:<token>" with a non-empty token).
  std::optional<std::string> auth_token() const;
};

}  // namespace zt
