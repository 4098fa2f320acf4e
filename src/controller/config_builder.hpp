#pragma once
// Turns a network record and a member record into the NetworkConfig the
// controller sends that member (controller.md §1 step 8), with every
// credential signed by the controller and stamped with `now`: COM, COO for
// the managed IPs, Tags and Capabilities. Upstream's order and limits are
// kept, so the dictionary comes out byte for byte as upstream's.
#include <cstdint>
#include <optional>

#include "controller/ip_assignment.hpp"
#include "controller/json_fields.hpp"
#include "controller/store.hpp"
#include "proto/identity.hpp"
#include "proto/network_config.hpp"

namespace zt::controller {

struct ConfigRequest {
  std::uint64_t network_id = 0;
  std::int64_t now = 0;  // the config's and credentials' timestamp
  Identity member;       // public key of the member asking
  // The member record was created by this request: capabilities marked
  // "default" are granted to it.
  bool new_member = false;
  // The member's `revr`: 0 (old clients) gets a single ACCEPT rule and no
  // capabilities or tags.
  std::uint64_t rules_engine_revision = 0;
};

// nullopt when a credential cannot be signed (`signer` has no private key).
// `member` is updated as upstream updates it: pool allocations are appended
// to ipAssignments, and default capabilities (new members) and default tags
// are added.
std::optional<NetworkConfig> build_network_config(const Identity& signer, const json& network,
                                                  json& member, const NetworkSummary& summary,
                                                  const ConfigRequest& request,
                                                  const RandomFn& random);

// certificateTimeoutWindowSize when it is a number, else 30 minutes,
// clamped to [5 min, 2 h].
std::uint64_t credential_time_max_delta(const json& network);

}  // namespace zt::controller
