#pragma once
// The VL2 engine (vl2.md): joined networks, their configs, memberships and
// credentials, unicast and multicast frames, and the seam to an in-process
// controller. It sits on VL1 as its PacketHandler (passing on what it does
// not handle) and sends through Vl1Services. Sans-I/O like the rest of
// node/: time comes in, frames and port changes go out through NodeHost.
// Member functions are spread by concern: vl2_engine.cpp (API, timers,
// dispatch), vl2_config.cpp (§6), vl2_credentials.cpp (§7, §8),
// vl2_frames.cpp (§9–§11), vl2_multicast.cpp (§12).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "node/credential_pacer.hpp"
#include "node/multicaster.hpp"
#include "node/network.hpp"
#include "node/network_controller.hpp"
#include "node/network_info.hpp"
#include "node/node_host.hpp"
#include "node/packet_handler.hpp"
#include "node/rate_limiter.hpp"
#include "node/rule_filter.hpp"
#include "node/vl1_services.hpp"
#include "node/vl2_counters.hpp"
#include "proto/credentials/network_credentials.hpp"
#include "proto/verbs/ok_error.hpp"

namespace zt {

class Vl2Engine final : public PacketHandler, public NetworkControllerSender {
 public:
  // `os_arch` goes into config requests (`o`, e.g. "linux/x86_64").
  Vl2Engine(Vl1Services& vl1, NodeHost& host, std::string os_arch, std::int64_t now);
  ~Vl2Engine() override;

  bool join(std::int64_t now, std::uint64_t nwid);
  bool leave(std::int64_t now, std::uint64_t nwid);
  std::vector<NetworkInfo> networks() const;
  std::optional<NetworkInfo> network(std::uint64_t nwid) const;
  void on_frame(std::int64_t now, std::uint64_t nwid, MacAddress from, MacAddress to,
                std::uint16_t ethertype, std::span<const std::uint8_t> data);
  void multicast_subscribe(std::int64_t now, std::uint64_t nwid, const MulticastGroup& group);
  void multicast_unsubscribe(std::int64_t now, std::uint64_t nwid, const MulticastGroup& group);
  void set_controller(NetworkController* controller) { controller_ = controller; }
  NetworkControllerSender& controller_sender() { return *this; }
  // Where verbs VL2 does not handle go (USER_MESSAGE...); null for none.
  void set_fallback_handler(PacketHandler* handler) { fallback_ = handler; }

  std::int64_t on_timer(std::int64_t now);
  std::int64_t next_deadline() const;
  const Vl2Counters& counters() const { return counters_; }
  const Multicaster& multicaster() const { return multicaster_; }

  // PacketHandler
  bool on_packet(std::int64_t now, const InboundPacket& packet) override;

  // NetworkControllerSender
  void send_config(std::int64_t now, std::uint64_t nwid, Address member,
                   std::uint64_t request_packet_id, const NetworkConfig& config) override;
  void send_error(std::int64_t now, std::uint64_t nwid, Address member,
                  std::uint64_t request_packet_id, ErrorCode code,
                  std::span<const std::uint8_t> auth_info = {}) override;
  void send_revocation(std::int64_t now, Address member, const Revocation& revocation) override;

 private:
  // vl2_engine.cpp
  Network* find(std::uint64_t nwid);
  const Network* find(std::uint64_t nwid) const;
  void port_changed(Network& net, PortChange change);
  void status_changed(Network& net);
  void housekeeping(std::int64_t now);
  bool on_ok(std::int64_t now, const InboundPacket& packet);
  bool on_error(std::int64_t now, const InboundPacket& packet);
  // OK(in_re, in_re_id) + body, to `to`.
  bool send_ok(std::int64_t now, Address to, Verb in_re, std::uint64_t in_re_id,
               std::span<const std::uint8_t> body);
  bool send_error_packet(std::int64_t now, Address to, const ErrorMessage& error);
  std::uint64_t random_nonzero();

  // vl2_config.cpp
  void request_config(std::int64_t now, Network& net);
  void on_config_chunk(std::int64_t now, const InboundPacket& packet,
                       std::span<const std::uint8_t> chunk, bool pushed);
  void apply_config(std::int64_t now, Network& net, const NetworkConfig& config, bool save);
  void on_config_error(std::int64_t now, Address source, const ErrorMessage& error);
  void set_status(Network& net, bool changed);
  void on_config_request(std::int64_t now, const InboundPacket& packet);
  void load_cached_config(std::int64_t now, Network& net);
  const Identity* controller_identity(std::int64_t now, const Network& net);
  void remember_authorization(std::int64_t now, std::uint64_t nwid, Address member);
  bool controller_authorized(std::int64_t now, std::uint64_t nwid, Address member) const;

  // vl2_credentials.cpp
  // §7.3 gate: PUBLIC or an agreeing COM; passing may announce our groups.
  bool gate(std::int64_t now, Network& net, Address peer);
  void push_credentials(std::int64_t now, Network& net, Address peer);
  // Every NETWORK_CREDENTIALS goes through here, paced per peer.
  void send_credentials(std::int64_t now, Address peer, const NetworkCredentials& creds);
  void push_credentials_if_needed(std::int64_t now, Network& net, Address peer);
  void peer_requested_credentials(std::int64_t now, Network& net, Address peer);
  void on_credentials(std::int64_t now, const InboundPacket& packet);
  // Files one credential set; false when a controller identity is missing.
  bool add_credentials(std::int64_t now, Address sender, const NetworkCredentials& creds);
  CredentialResult add_com(std::int64_t now, const CertificateOfMembership& com);
  void add_attached_com(std::int64_t now, std::span<const std::uint8_t> com_bytes);
  void retry_deferred(std::int64_t now);
  void send_need_credentials(std::int64_t now, const InboundPacket& packet, std::uint64_t nwid);

  // vl2_frames.cpp
  FilterDecision filter(std::int64_t now, Network& net, bool inbound, Address peer, Address dest,
                        MacAddress from, MacAddress to, std::uint16_t ethertype,
                        std::span<const std::uint8_t> data);
  void send_copies(std::int64_t now, Network& net, const FilterDecision& d, bool inbound,
                   MacAddress from, MacAddress to, std::uint16_t ethertype,
                   std::span<const std::uint8_t> data);
  void send_ext_frame(std::int64_t now, Network& net, Address to, std::uint8_t flags,
                      MacAddress dest_mac, MacAddress source_mac, std::uint16_t ethertype,
                      std::span<const std::uint8_t> data);
  void send_unicast(std::int64_t now, Network& net, Address dest, MacAddress from, MacAddress to,
                    std::uint16_t ethertype, std::span<const std::uint8_t> data);
  void send_to_bridges(std::int64_t now, Network& net, MacAddress from, MacAddress to,
                       std::uint16_t ethertype, std::span<const std::uint8_t> data);
  void deliver(Network& net, MacAddress from, MacAddress to, std::uint16_t ethertype,
               std::span<const std::uint8_t> data);
  void on_frame_packet(std::int64_t now, const InboundPacket& packet);
  void on_ext_frame_packet(std::int64_t now, const InboundPacket& packet);

  // vl2_multicast.cpp
  void on_local_multicast(std::int64_t now, Network& net, MacAddress from, MacAddress to,
                          std::uint16_t ethertype, std::span<const std::uint8_t> data);
  void multicast_send(std::int64_t now, Network& net, Address origin, const MulticastGroup& group,
                      MacAddress source, std::uint16_t ethertype,
                      std::span<const std::uint8_t> data);
  bool send_multicast_to(std::int64_t now, Network& net, Address recipient,
                         const PendingMulticast& m);
  void send_explicit_gathers(std::int64_t now, Network& net, const MulticastGroup& group,
                             std::uint32_t gather_limit);
  void member_learned(std::int64_t now, std::uint64_t nwid, const MulticastGroup& group,
                      Address member);
  void announce(std::int64_t now, Network& net, const MulticastGroup* new_group);
  void announce_to(std::int64_t now, Address peer, std::uint64_t nwid,
                   std::span<const MulticastGroup> groups);
  void announce_new_groups(std::int64_t now, Network& net);
  void on_multicast_like(std::int64_t now, const InboundPacket& packet);
  void on_multicast_gather(std::int64_t now, const InboundPacket& packet);
  void on_multicast_frame(std::int64_t now, const InboundPacket& packet);
  void on_gather_results(std::int64_t now, std::uint64_t nwid, const MulticastGroup& group,
                         const GatherResult& result);
  GatherResult gather_for(Address requester, Network* net, std::uint64_t nwid,
                          const MulticastGroup& group, std::uint32_t limit);

  struct DeferredCredentials {
    std::int64_t since = 0;
    Address sender;
    NetworkCredentials credentials;
  };

  Vl1Services& vl1_;
  NodeHost& host_;
  std::string os_arch_;
  Address me_;
  std::map<std::uint64_t, std::unique_ptr<Network>> networks_;
  Multicaster multicaster_;
  NetworkController* controller_ = nullptr;
  PacketHandler* fallback_ = nullptr;
  Vl2Counters counters_;
  std::uint64_t hash_seed_;
  RateLimitBuckets credentials_gate_;
  RateLimitBuckets need_credentials_gate_;
  std::vector<DeferredCredentials> deferred_;
  CredentialPacer credential_pacer_;
  std::map<std::pair<std::uint64_t, Address>, std::int64_t> authorized_;  // by our controller
  std::int64_t next_announce_;
  std::int64_t next_housekeeping_;
  std::int64_t next_deferred_retry_ = kNever;
};

}  // namespace zt
