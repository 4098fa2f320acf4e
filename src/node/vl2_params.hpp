#pragma once
// Timers and table limits of the VL2 engine (vl2.md §6–§12). Times are
// milliseconds; the upstream 1.14.1 name is given where one exists.
#include <cstddef>
#include <cstdint>

namespace zt::vl2 {

// §6.4: an unconfigured network asks again this often (ZT_PING_CHECK_INTERVAL)...
inline constexpr std::int64_t kConfigRetryInterval = 5000;
// ...a configured one once its config is this old (ZT_NETWORK_AUTOCONF_DELAY).
inline constexpr std::int64_t kConfigRefreshInterval = 60000;

// §8.5: credentials are pushed again to a peer after this long (ZT_PEER_ACTIVITY_TIMEOUT)...
inline constexpr std::int64_t kCredentialPushInterval = 500000;
// ...or on ERROR NEED_MEMBERSHIP_CERTIFICATE, at most this often (ZT_PEER_CREDENTIALS_REQUEST_RATE_LIMIT).
inline constexpr std::int64_t kCredentialRequestInterval = 1000;
// Inbound NETWORK_CREDENTIALS accepted per peer (ZT_PEER_CREDENTIALS_RATE_LIMIT).
inline constexpr std::int64_t kCredentialReceiveInterval = 1000;
// ERROR NEED_MEMBERSHIP_CERTIFICATE sent per peer (upstream has no limit; a
// non-member flooding frames must not make us flood errors back).
inline constexpr std::int64_t kNeedCredentialsErrorInterval = 250;

// §12.2: LIKEs are re-announced this often (ZT_MULTICAST_ANNOUNCE_PERIOD)...
inline constexpr std::int64_t kMulticastAnnouncePeriod = 60000;
// ...and a subscriber is forgotten after this long without one (ZT_MULTICAST_LIKE_EXPIRE).
inline constexpr std::int64_t kMulticastLikeExpire = 600000;
// Groups of hosts behind a bridge (§12.6) live twice as long.
inline constexpr std::int64_t kBridgedGroupExpire = 2 * kMulticastLikeExpire;
// §12.3: explicit GATHERs per group at most this often (ZT_MULTICAST_EXPLICIT_GATHER_DELAY).
inline constexpr std::int64_t kMulticastExplicitGatherDelay = kMulticastLikeExpire / 10;
// §12.4: members learned this soon after a send still get the frame (ZT_MULTICAST_TRANSMIT_TIMEOUT).
inline constexpr std::int64_t kMulticastTransmitTimeout = 5000;
// A controller honours LIKE/GATHER from members it authorized this recently.
inline constexpr std::int64_t kControllerAuthorizationWindow = 180000;

// Housekeeping: stale credentials, idle memberships, expired subscribers.
inline constexpr std::int64_t kHousekeepingPeriod = 30000;
// A membership nobody used (frames, credentials, gate passes) this long goes.
inline constexpr std::int64_t kMembershipIdleTimeout = 600000;

// Table bounds: a hostile peer can fill these but never grow them.
inline constexpr std::size_t kMaxMembershipsPerNetwork = 4096;
inline constexpr std::size_t kMaxRemoteCredentialsPerMember = 128;  // each of tags, caps, COOs
inline constexpr std::size_t kMaxRevocationThresholds = 128;        // per member
inline constexpr std::size_t kMaxBridgeRoutes = 16384;              // per network
inline constexpr std::size_t kMaxBridgedGroups = 1024;              // per network
inline constexpr std::size_t kMaxMulticastGroups = 16384;           // over all networks
inline constexpr std::size_t kMaxMulticastMembers = 262144;         // over all groups
inline constexpr std::size_t kMaxMembersPerGroup = 4096;
inline constexpr std::size_t kMaxPendingMulticasts = 32;            // per group (ZT_TX_QUEUE_SIZE)
inline constexpr std::size_t kMaxControllerAuthorizations = 4096;
inline constexpr std::size_t kMaxDeferredCredentials = 16;          // per node, awaiting a WHOIS
inline constexpr std::size_t kMaxExplicitSubscriptions = 1024;      // per network

// §11: unknown unicast goes to at most this many bridges (ZT_MAX_BRIDGE_SPAM).
inline constexpr std::size_t kMaxBridgeSpam = 32;
// §12.3: explicit GATHER goes to at most this many peers.
inline constexpr std::size_t kMaxExplicitGatherPeers = 16;

}  // namespace zt::vl2
