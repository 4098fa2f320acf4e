#pragma once
// One joined virtual network (vl2.md §6–§12): its config and status, when
// to ask the controller again, the chunks of configs in flight, the peers
// we know on it (memberships), our multicast subscriptions, and the bridge
// routes learned from active bridges. State and its rules only: sending is
// the VL2 engine's job.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "node/membership.hpp"
#include "node/network_info.hpp"
#include "node/path.hpp"
#include "proto/network_config.hpp"
#include "proto/network_config_chunks.hpp"
#include "proto/rules.hpp"
#include "proto/verbs/multicast.hpp"

namespace zt {

// The broadcast group (ff:ff:ff:ff:ff:ff, 0).
inline constexpr MulticastGroup kBroadcastGroup{MacAddress(MacAddress::kMask), 0};

class Network {
 public:
  Network(std::uint64_t id, Address me);

  std::uint64_t id() const { return id_; }
  MacAddress mac() const { return mac_; }
  Address me() const { return me_; }
  Address controller() const;

  // --- config and status (§6) ---
  bool has_config() const { return config_.has_value(); }
  const NetworkConfig& config() const { return *config_; }  // only when has_config()
  // The base rule table; a malformed `R` gives an empty table, which drops
  // everything (never allow by accident).
  const std::vector<Rule>& rules() const { return rules_; }
  // Our own Capabilities' rules, for the outbound fallback (§10.3).
  const std::vector<std::vector<Rule>>& capability_rules() const { return capability_rules_; }

  enum class Apply : std::uint8_t { kIgnored, kUnchanged, kChanged };
  // §6.2 step 5 setConfiguration: ignored unless issued to us for this
  // network; a changed config clears any failure and is dated `now`.
  Apply apply(std::int64_t now, const NetworkConfig& config);
  // A config from the cache is outdated: refresh it at once (§6.4).
  void mark_config_stale() { last_config_update_ = 0; }
  std::int64_t last_config_update() const { return last_config_update_; }

  NetworkStatus status() const;
  // Failure statuses (§6.3); true when the status changed.
  bool set_failure(NetworkStatus status);
  // kAuthenticationRequired with what the controller said (version 0: URL).
  struct AuthInfo {
    std::string url;
    std::string issuer_url, central_url, nonce, state, client_id, provider;
    std::uint64_t version = 0;
  };
  bool set_authentication_required(const AuthInfo& info);

  // §6.4: due when unconfigured (every 5 s) or the config is 60 s old.
  bool request_due(std::int64_t now) const;
  std::int64_t next_request(std::int64_t now) const;
  void requested(std::int64_t now) { last_request_ = now; }
  ConfigAssembler& assembler() { return assembler_; }

  // Whether the port was announced (kUp) already: later changes are kConfigUpdate.
  bool port_up() const { return port_up_; }
  void set_port_up() { port_up_ = true; }
  NetworkInfo info() const;

  // --- peers (§7, §8) ---
  Membership* find_member(Address peer);
  // The membership of `peer`, created if needed; when the table is full
  // the least recently used one makes room.
  Membership& member(std::int64_t now, Address peer);
  std::unordered_map<Address, Membership>& members() { return members_; }
  // Drops memberships unused for vl2::kMembershipIdleTimeout and stale credentials.
  void clean(std::int64_t now);

  // --- multicast (§12) ---
  // Ours: derived from the assigned addresses (ARP and solicited-node
  // groups) plus explicit subscriptions; sorted, unique.
  std::vector<MulticastGroup> my_groups() const;
  // What we announce: ours, groups of hosts behind us, and broadcast when enabled.
  std::vector<MulticastGroup> all_groups() const;
  bool subscribed(const MulticastGroup& group, bool include_bridged) const;
  bool subscribe(const MulticastGroup& group);  // true if new
  bool unsubscribe(const MulticastGroup& group);
  bool learn_bridged_group(std::int64_t now, const MulticastGroup& group);  // true if new
  std::int64_t last_announced_upstream() const { return last_announced_upstream_; }
  void announced_upstream(std::int64_t now) { last_announced_upstream_ = now; }
  // Groups announced so far, to notice new ones after a config change.
  std::vector<MulticastGroup>& announced_groups() { return announced_groups_; }

  // --- bridging (§12.6) ---
  bool is_active_bridge(Address a) const;
  std::vector<Address> active_bridges() const;
  std::vector<Address> multicast_replicators() const;
  std::vector<Address> anchors() const;
  void learn_bridge_route(MacAddress mac, Address bridge);
  Address bridge_route(MacAddress mac) const;

 private:
  void evict_one_member();

  std::uint64_t id_;
  Address me_;
  MacAddress mac_;
  std::optional<NetworkConfig> config_;
  std::vector<Rule> rules_;
  std::vector<std::vector<Rule>> capability_rules_;
  NetworkStatus failure_ = NetworkStatus::kOk;  // kOk: no failure
  AuthInfo auth_;
  std::int64_t last_config_update_ = 0;
  std::int64_t last_request_ = kNever;
  ConfigAssembler assembler_;
  bool port_up_ = false;

  std::unordered_map<Address, Membership> members_;
  std::set<MulticastGroup> explicit_groups_;
  std::map<MulticastGroup, std::int64_t> bridged_groups_;  // -> last seen
  std::vector<MulticastGroup> announced_groups_;
  std::int64_t last_announced_upstream_ = kNever;
  std::unordered_map<MacAddress, Address> bridge_routes_;
};

}  // namespace zt
