#pragma once
// The embedded network controller (controller.md §1, §4): serves
// NETWORK_CONFIG_REQUESTs for networks whose id starts with this node's
// address from the records in its Store, and carries out the API's
// changes, pushing fresh configs to members that asked recently and
// revoking the COMs of members that lose their authorization.
//
// Used from the node's loop thread only (the engine calls request(), HTTP
// handlers run_sync onto that thread), so it holds no locks.
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "controller/ip_assignment.hpp"
#include "controller/json_fields.hpp"
#include "controller/store.hpp"
#include "node/network_controller.hpp"
#include "proto/hex.hpp"
#include "proto/identity.hpp"

namespace zt::controller {

class Controller final : public NetworkController {
 public:
  // ZT_NETCONF_MIN_REQUEST_PERIOD: a member asking again sooner is ignored.
  static constexpr std::int64_t kMinRequestPeriodMs = 1000;
  // A member that asked this recently is online: it gets pushes and
  // revocations. Twice the members' 60 s refresh.
  static constexpr std::int64_t kOnlineWindowMs = 120000;
  // How long a config sent to a member counts as "authorized recently"
  // (its MULTICAST_LIKE/GATHER to the controller are honoured meanwhile).
  static constexpr std::int64_t kAuthorizationMemoryMs = 180000;
  // Bound on (network, member) pairs tracked for rate limits and pushes; a
  // flood of requests beyond it is dropped until entries age out.
  static constexpr std::size_t kMaxTrackedMembers = 1 << 18;
  // Random tries for an unused network id before giving up.
  static constexpr int kNetworkIdTrials = 100000;

  // `signer` is this node's identity, with its private key. `random` draws
  // network ids, revocation ids and random IPv6 pool candidates.
  Controller(Identity signer, Store store, RandomFn random);
  Controller(Identity signer, Store store);  // OS randomness

  const Identity& identity() const { return signer_; }
  Address address() const { return signer_.address(); }
  const Store& store() const { return store_; }

  // NetworkController. Remembers `sender` for later pushes: the engine's
  // sender lives as long as the node that calls this.
  void request(std::int64_t now, NetworkControllerSender& sender, std::uint64_t network_id,
               const Identity& member, std::uint64_t request_packet_id, const InetAddress& physical,
               std::span<const std::uint8_t> metadata) override;

  // API operations. Each returns the record as the API shows it.
  // A random id this controller serves that names no network yet.
  std::optional<std::uint64_t> unused_network_id();
  // Create or update; a change pushes configs to the network's online members.
  json set_network(std::int64_t now, std::uint64_t network_id, const json& body);
  // The deleted record (nullopt if none); every member's COM is revoked.
  std::optional<json> delete_network(std::int64_t now, std::uint64_t network_id);
  // Create or update (nullopt when the network does not exist); a change
  // pushes to the member, a lost authorization revokes its COM.
  std::optional<json> set_member(std::int64_t now, std::uint64_t network_id, Address member,
                                 const json& body);
  std::optional<json> delete_member(std::int64_t now, std::uint64_t network_id, Address member);

  // A config was sent to `member` within kAuthorizationMemoryMs.
  bool authorized_recently(std::int64_t now, std::uint64_t network_id, Address member) const;

  struct OnlineMember {
    Address address;
    InetAddress physical;  // nil when its last request was relayed
    std::int64_t last_request = 0;
  };
  std::vector<OnlineMember> online_members(std::int64_t now, std::uint64_t network_id) const;

 private:
  struct MemberStatus {
    std::optional<std::int64_t> last_request;
    InetAddress physical;
    // Set by an authorized request: what pushes are built from.
    std::optional<Identity> identity;
    Bytes metadata;
    std::optional<std::int64_t> authorized_at;
    bool online(std::int64_t now) const {
      return last_request && now - *last_request < kOnlineWindowMs;
    }
  };
  using StatusKey = std::pair<std::uint64_t, Address>;

  // Steps 2-9 of controller.md §1. `genuine` is false for a push, which
  // neither records the request nor sends errors (except to this node).
  void serve(std::int64_t now, NetworkControllerSender& sender, std::uint64_t network_id,
             const Identity& member, std::uint64_t request_packet_id,
             std::span<const std::uint8_t> metadata, bool genuine);
  void push_to_member(std::int64_t now, std::uint64_t network_id, Address member);
  void push_to_network(std::int64_t now, std::uint64_t network_id);
  void revoke(std::int64_t now, std::uint64_t network_id, Address member);
  void prune(std::int64_t now);

  Identity signer_;
  Store store_;
  RandomFn random_;
  NetworkControllerSender* sender_ = nullptr;
  std::map<StatusKey, MemberStatus> status_;
  std::int64_t last_prune_ = 0;
};

}  // namespace zt::controller
