#pragma once
// VL1 protocol constants (vl1.md §2, §7, §9, §10) with the 1.14.1 values a
// wire-compatible node must use. Times are milliseconds, matching the
// `int64_t now` the engine is driven with. The 48-byte per-peer key size is
// kSymmetricKeySize in proto/identity.hpp; C25519 sizes are in crypto/c25519.hpp.
#include <cstddef>
#include <cstdint>

namespace zt {

// Versions.
inline constexpr std::uint8_t kProtoVersion = 12;     // what we advertise in HELLO / OK(HELLO)
inline constexpr std::uint8_t kProtoVersionMin = 4;   // HELLO/OK(HELLO) below this are ignored
inline constexpr std::uint8_t kProtoVersionAesGmacSiv = 12;  // peers at or above get suite 3
inline constexpr std::uint8_t kSoftwareVersionMajor = 1;     // we present as upstream 1.14.1
inline constexpr std::uint8_t kSoftwareVersionMinor = 14;
inline constexpr std::uint16_t kSoftwareVersionRevision = 1;

// Hops and relaying.
inline constexpr std::uint8_t kMaxHops = 7;       // the hop field is 3 bits
inline constexpr std::uint8_t kRelayMaxHops = 3;  // relays forward only while hops < 3

// Addresses.
inline constexpr std::size_t kAddressLength = 5;                // 40-bit address on the wire
inline constexpr std::uint8_t kAddressReservedPrefix = 0xff;   // lets byte 13 mark a fragment
inline constexpr std::uint16_t kDefaultPort = 9993;            // UDP port nodes listen on

// Physical (UDP) MTU and packet sizes.
inline constexpr std::size_t kDefaultPhysMtu = 1432;   // safe UDP payload over common paths
inline constexpr std::size_t kMinPhysMtu = 1400;       // lowest configurable path MTU
inline constexpr std::size_t kMaxPhysMtu = 10100 + 224;  // largest configurable path MTU
inline constexpr std::size_t kMaxPacketFragments = 7;  // head + 6 fragments (format allows 16)
inline constexpr std::size_t kMaxPacketLength = kMaxPacketFragments * kDefaultPhysMtu;  // 10024
inline constexpr std::size_t kMinPacketLength = 28;    // header including the verb byte
inline constexpr std::size_t kMinFragmentLength = 16;  // fragment header without data
inline constexpr std::size_t kBeaconLength = 13;       // legacy LAN beacon datagram (§7.1)

// Packet header layout (§7.1).
inline constexpr std::size_t kPacketIdOffset = 0;      // 8 bytes: random IV / reply id
inline constexpr std::size_t kDestinationOffset = 8;   // 5 bytes
inline constexpr std::size_t kSourceOffset = 13;       // 5 bytes
inline constexpr std::size_t kFlagsOffset = 18;        // FFCCCHHH
inline constexpr std::size_t kMacOffset = 19;          // 8 bytes of MAC or trusted-path ID
inline constexpr std::size_t kVerbOffset = 27;         // start of the encrypted envelope
inline constexpr std::size_t kPayloadOffset = 28;      // verb payload
inline constexpr std::size_t kPacketIdLength = 8;
inline constexpr std::size_t kMacLength = 8;           // Poly1305 tag truncated to 64 bits

// Flags byte (§7.2) and verb byte bits.
inline constexpr std::uint8_t kFlagEncryptedDeprecated = 0x80;  // set iff suite 1; MAC-covered
inline constexpr std::uint8_t kFlagFragmented = 0x40;  // more fragments follow this head
inline constexpr std::uint8_t kFlagCipherMask = 0x38;  // suite in bits 3..5
inline constexpr unsigned kFlagCipherShift = 3;
inline constexpr std::uint8_t kFlagHopsMask = 0x07;    // the only bits relays change
inline constexpr std::uint8_t kVerbFlagCompressed = 0x80;  // payload is an LZ4 block
inline constexpr std::uint8_t kVerbMask = 0x1f;            // 0x60 is reserved (send 0)

// Fragment layout (§10.1).
inline constexpr std::size_t kFragmentIndicatorOffset = 13;  // 0xff where a head has source[0]
inline constexpr std::uint8_t kFragmentIndicator = 0xff;
inline constexpr std::size_t kFragmentCountsOffset = 14;     // (total << 4) | fragment number
inline constexpr std::size_t kFragmentHopsOffset = 15;
inline constexpr std::size_t kFragmentDataOffset = 16;

// Compression (§9): below this length LZ4 cannot win enough to bother.
inline constexpr std::size_t kCompressionMinPacketLength = kMinPacketLength + 64;

// Virtual network (VL2) MTU limits.
inline constexpr std::size_t kMinMtu = 1280;      // IPv6 minimum
inline constexpr std::size_t kMaxMtu = 10000;     // must fit one VL1 packet with headers
inline constexpr std::size_t kDefaultMtu = 2800;  // default network MTU

// Table sizes.
inline constexpr std::size_t kMaxPeerNetworkPaths = 64;  // paths kept per peer
inline constexpr std::size_t kRxQueueSize = 32;  // packets awaiting a WHOIS (fragments: kReassemblySlots)
inline constexpr std::size_t kTxQueueSize = 32;  // packets awaiting a peer's identity or path
inline constexpr std::size_t kExpectingRepliesBucketCount = 256;  // indexed by (pid >> 32) & 255
inline constexpr std::size_t kExpectingRepliesBucketSize = 32;    // ring slots per bucket
inline constexpr std::size_t kWorldMaxRoots = 4;                   // roots per planet/moon
inline constexpr std::size_t kWorldMaxStableEndpointsPerRoot = 32;
inline constexpr std::uint64_t kWorldIdEarth = 149604618;  // ZeroTier's public planet
inline constexpr std::uint64_t kWorldIdMars = 227883110;   // upstream's test planet

// Timers (ms).
inline constexpr std::int64_t kWhoisRetryDelay = 500;         // at most one WHOIS per address
inline constexpr std::int64_t kTransmitQueueTimeout = 5000;   // queued sends give up after this
inline constexpr std::int64_t kReceiveQueueTimeout = 5000;    // partial/undecoded packets too
inline constexpr std::int64_t kPingCheckInterval = 5000;      // background ping pass
inline constexpr std::int64_t kPathHeartbeatPeriod = 14000;   // keepalive if nothing sent this long
inline constexpr std::int64_t kPeerPingPeriod = 60000;        // full HELLO at least this often
inline constexpr std::int64_t kPeerPathExpiration = 4 * 60000 + 3000;  // silent path dropped
inline constexpr std::int64_t kPathAliveTimeout = kPathHeartbeatPeriod + 5000;  // 19 s "alive"
inline constexpr std::int64_t kPeerActivityTimeout = 500000;  // peer active / node online
inline constexpr std::int64_t kPeerActivityTimeoutSdk = 30000;  // upstream's SDK build value
inline constexpr std::int64_t kTrustExpiration = 600000;      // network-member trust lasts
inline constexpr std::int64_t kMinUniteInterval = 30000;      // root RENDEZVOUS per (src,dst)
inline constexpr std::int64_t kDirectPathPushInterval = 15000;  // PUSH_DIRECT_PATHS via relay
inline constexpr std::int64_t kDirectPathPushIntervalHavePath = 120000;  // ... when direct
inline constexpr std::int64_t kPushDirectPathsCutoffTime = 30000;  // rate-gate window
inline constexpr std::size_t kPushDirectPathsCutoffLimit = 8;      // pushes accepted per window
inline constexpr std::size_t kPushDirectPathsMaxPerScopeAndFamily = 8;  // contacts per push
inline constexpr std::int64_t kTryMemorizedPathInterval = 30000;
inline constexpr std::int64_t kPeerWhoisRateLimit = 100;       // non-roots: 1 WHOIS/100 ms/peer
inline constexpr std::int64_t kPeerCredentialsRateLimit = 1000;
inline constexpr std::int64_t kPeerGeneralRateLimit = 1000;    // ECHO replies: 1000/6 ms per path
// Per source-IP bucket; upstream scales it with how fast the hash runs on the CPU.
#if defined(__x86_64__) || defined(_M_X64)
inline constexpr std::int64_t kIdentityValidationSourceRateLimit = 2000;
#elif defined(__i386__) || defined(_M_IX86)
inline constexpr std::int64_t kIdentityValidationSourceRateLimit = 5000;
#else
inline constexpr std::int64_t kIdentityValidationSourceRateLimit = 10000;
#endif
inline constexpr std::int64_t kHousekeepingPeriod = 30000;     // forget idle peers, dead paths
inline constexpr std::int64_t kCoreTimerTaskGranularity = 60;  // finest background tick
inline constexpr std::int64_t kNetworkAutoconfDelay = 60000;   // VL2 config refresh
inline constexpr std::int64_t kSelfAwarenessEntryTimeout = 600000;  // external-address reports

}  // namespace zt
