#pragma once
// VL2 protocol constants (vl2.md §5–§8) with the 1.14.1 values a
// wire-compatible member or controller must use. Times are milliseconds.
#include <cstddef>
#include <cstdint>

#include "proto/dictionary.hpp"

namespace zt {

// Network config format.
inline constexpr std::uint64_t kNetworkConfigVersion = 7;     // what we write and request
inline constexpr std::uint64_t kNetworkConfigMinVersion = 6;  // older (legacy) configs are refused
inline constexpr std::uint64_t kRulesEngineRevision = 1;      // 0: controllers send ACCEPT only

// Network MTU presented to the OS (the tap MTU).
inline constexpr std::uint32_t kDefaultNetworkMtu = 2800;
inline constexpr std::uint32_t kMinNetworkMtu = 1280;   // IPv6's minimum
inline constexpr std::uint32_t kMaxNetworkMtu = 10000;  // one VL1 packet must carry a frame

// Limits a member accepts in one config; readers drop anything beyond.
inline constexpr std::size_t kMaxNetworkRules = 1024;
inline constexpr std::size_t kMaxNetworkCapabilities = 128;
inline constexpr std::size_t kMaxCapabilityRules = 64;
inline constexpr std::size_t kMaxNetworkTags = 128;
inline constexpr std::size_t kMaxCertificatesOfOwnership = 4;
inline constexpr std::size_t kMaxNetworkSpecialists = 256;
inline constexpr std::size_t kMaxNetworkRoutes = 128;
inline constexpr std::size_t kMaxStaticIps = 32;
inline constexpr std::size_t kMaxDnsServers = 4;
inline constexpr std::size_t kMaxNetworkNameLength = 127;  // upstream's char[128]
inline constexpr std::size_t kMaxSsoUrlLength = 2047;      // upstream's char[2048]

// Credential time window the controller puts in COMs and `ctmd`.
inline constexpr std::uint64_t kDefaultCredentialTimeMaxDelta = 1800000;  // 30 min
inline constexpr std::uint64_t kMinCredentialTimeMaxDelta = 300000;       // controller clamp
inline constexpr std::uint64_t kMaxCredentialTimeMaxDelta = 7200000;      // also ad-hoc configs

// Config chunks (§6.2). A chunk fits one VL1 packet with room for the
// header, the OK envelope and the signature trailer.
inline constexpr std::size_t kMaxConfigChunkLength = 10024 - (28 + 256);  // 9740
inline constexpr std::size_t kMaxIncomingConfigUpdates = 3;  // reassembly slots per network
inline constexpr std::size_t kMaxConfigUpdateChunks = kNetworkConfigDictCapacity / 1024 + 1;  // 474

}  // namespace zt
