// Membership and credentials (vl2.md §7, §8): the gate in front of every
// frame, pushing our credentials to peers, and filing the ones they push.
#include "node/vl2_engine.hpp"
#include "node/vl2_params.hpp"

namespace zt {
namespace {

// NETWORK_CREDENTIALS bodies must fit one packet.
constexpr std::size_t kMaxCredentialsPayload = kMaxPacketLength - kMinPacketLength;
// The end-of-COMs byte and the four counts.
constexpr std::size_t kCredentialsOverhead = 1 + 4 * 2;

// Files `cred` in the membership of `peer` only if it is accepted, so
// forged credentials cannot fill the table with made-up members.
template <class Add>
CredentialResult file_under(std::int64_t now, Network& net, Address peer, Add add) {
  if (Membership* m = net.find_member(peer)) {
    const CredentialResult r = add(*m);
    if (credential_accepted(r)) m->touch(now);
    return r;
  }
  Membership scratch;
  const CredentialResult r = add(scratch);
  if (credential_accepted(r)) {
    Membership& m = net.member(now, peer);
    m = std::move(scratch);
    m.touch(now);
  }
  return r;
}

}  // namespace

bool Vl2Engine::gate(std::int64_t now, Network& net, Address peer) {
  if (!net.has_config()) return false;
  const NetworkConfig& config = net.config();
  bool allowed = config.is_public();
  if (!allowed) {
    const Membership* m = net.find_member(peer);
    const Identity* identity = vl1_.peer_identity(peer);
    allowed = m && identity && m->allowed(config, *identity);
  }
  if (!allowed) return false;
  // §12.2: members that pass get our groups, at most once a period.
  if (net.member(now, peer).multicast_like_gate(now)) {
    const std::vector<MulticastGroup> groups = net.all_groups();
    announce_to(now, peer, net.id(), groups);
  }
  return true;
}

void Vl2Engine::push_credentials(std::int64_t now, Network& net, Address peer) {
  if (!net.has_config() || peer == me_) return;
  const NetworkConfig& c = net.config();
  bool com_due = !c.com.empty();
  std::size_t caps = 0, tags = 0, coos = 0;
  while (com_due || caps < c.capabilities.size() || tags < c.tags.size() ||
         coos < c.certificates_of_ownership.size()) {
    NetworkCredentials packet;
    std::size_t size = kCredentialsOverhead;
    if (com_due) {
      packet.coms.push_back(c.com);
      size += c.com.serialize().size();
      com_due = false;
    }
    const auto fill = [&](const auto& from, std::size_t& next, auto& into) {
      while (next < from.size()) {
        const std::size_t n = from[next].serialize().size();
        if (size + n > kMaxCredentialsPayload) break;
        size += n;
        into.push_back(from[next++]);
      }
    };
    fill(c.capabilities, caps, packet.capabilities);
    fill(c.tags, tags, packet.tags);
    fill(c.certificates_of_ownership, coos, packet.coos);
    if (packet.coms.empty() && packet.capabilities.empty() && packet.tags.empty() &&
        packet.coos.empty())
      break;  // a credential larger than a packet: nothing more can go
    send_credentials(now, peer, packet);
    ++counters_.credentials_pushed;
  }
  net.member(now, peer).pushed_credentials(now);
}

void Vl2Engine::send_credentials(std::int64_t now, Address peer, const NetworkCredentials& creds) {
  Bytes payload;
  ByteWriter w(payload);
  write_network_credentials(w, creds);
  if (credential_pacer_.offer(now, peer, payload))
    vl1_.send(now, peer, Verb::kNetworkCredentials, payload);
}

// §8.5: before a frame to a peer that has not had our current credentials
// lately.
void Vl2Engine::push_credentials_if_needed(std::int64_t now, Network& net, Address peer) {
  if (peer == me_ || peer.is_nil()) return;
  const std::int64_t last = net.member(now, peer).last_pushed_credentials();
  if (last < net.last_config_update() || now - last > vl2::kCredentialPushInterval)
    push_credentials(now, net, peer);
}

void Vl2Engine::peer_requested_credentials(std::int64_t now, Network& net, Address peer) {
  const std::int64_t last = net.member(now, peer).last_pushed_credentials();
  if (last < net.last_config_update() || now - last > vl2::kCredentialRequestInterval)
    push_credentials(now, net, peer);
}

void Vl2Engine::on_credentials(std::int64_t now, const InboundPacket& packet) {
  if (!credentials_gate_.allow(hash_key(hash_seed_, packet.source.value()), now)) {
    ++counters_.drop_rate_limited;
    return;
  }
  std::optional<NetworkCredentials> creds = parse_network_credentials(packet.payload);
  if (!creds) {
    ++counters_.drop_malformed;
    return;
  }
  if (add_credentials(now, packet.source, *creds)) return;
  // A controller's identity is on its way: try again when it arrives.
  if (deferred_.size() >= vl2::kMaxDeferredCredentials) deferred_.erase(deferred_.begin());
  deferred_.push_back({now, packet.source, std::move(*creds)});
  if (next_deferred_retry_ == kNever) next_deferred_retry_ = now + kWhoisRetryDelay;
}

CredentialResult Vl2Engine::add_com(std::int64_t now, const CertificateOfMembership& com) {
  Network* net = find(com.network_id());
  if (!net || com.issued_to() == me_ || com.issued_to().is_reserved())
    return CredentialResult::kRejected;
  const Identity* controller = controller_identity(now, *net);
  const CredentialResult r = file_under(now, *net, com.issued_to(), [&](Membership& m) {
    return m.add_com(com, controller);
  });
  if (r == CredentialResult::kRejected) ++counters_.drop_bad_credential;
  return r;
}

void Vl2Engine::add_attached_com(std::int64_t now, std::span<const std::uint8_t> com_bytes) {
  if (const std::optional<CertificateOfMembership> com = CertificateOfMembership::parse(com_bytes))
    add_com(now, *com);
}

bool Vl2Engine::add_credentials(std::int64_t now, Address sender, const NetworkCredentials& creds) {
  bool deferred = false;
  const auto count = [&](CredentialResult r) {
    if (r == CredentialResult::kDeferred) deferred = true;
    if (r == CredentialResult::kRejected) ++counters_.drop_bad_credential;
    return r;
  };
  for (const CertificateOfMembership& com : creds.coms)
    deferred |= add_com(now, com) == CredentialResult::kDeferred;
  // Each credential goes to the network it names and the member it names.
  const auto file = [&](std::uint64_t nwid, Address peer, auto add) {
    Network* net = find(nwid);
    if (!net || peer == me_ || peer.is_reserved()) return CredentialResult::kRejected;
    const Identity* controller = controller_identity(now, *net);
    return count(file_under(now, *net, peer, [&](Membership& m) { return add(m, controller); }));
  };
  for (const Capability& cap : creds.capabilities)
    file(cap.network_id, cap.issued_to(),
         [&](Membership& m, const Identity* c) { return m.add_capability(cap, c); });
  for (const Tag& tag : creds.tags)
    file(tag.network_id, tag.issued_to,
         [&](Membership& m, const Identity* c) { return m.add_tag(tag, c); });
  for (const CertificateOfOwnership& coo : creds.coos)
    file(coo.network_id, coo.issued_to,
         [&](Membership& m, const Identity* c) { return m.add_coo(coo, c); });
  for (const Revocation& rev : creds.revocations) {
    Network* net = find(rev.network_id);
    if (!net || rev.target == me_ || rev.target.is_reserved()) continue;
    const Identity* controller = controller_identity(now, *net);
    // A revocation applies whether or not we knew the member yet.
    const CredentialResult r = count(file_under(
        now, *net, rev.target, [&](Membership& m) { return m.add_revocation(rev, controller); }));
    if (r != CredentialResult::kAcceptedNew || !rev.fast_propagate()) continue;
    NetworkCredentials forward;
    forward.revocations.push_back(rev);
    for (const auto& [peer, m] : net->members())
      if (peer != sender && peer != rev.signed_by && peer != rev.target)
        send_credentials(now, peer, forward);
  }
  return !deferred;
}

void Vl2Engine::retry_deferred(std::int64_t now) {
  std::erase_if(deferred_, [&](const DeferredCredentials& d) {
    return now - d.since >= kReceiveQueueTimeout;
  });
  std::vector<DeferredCredentials> waiting;
  waiting.swap(deferred_);
  for (DeferredCredentials& d : waiting)
    if (!add_credentials(now, d.sender, d.credentials)) deferred_.push_back(std::move(d));
  next_deferred_retry_ = deferred_.empty() ? kNever : now + kWhoisRetryDelay;
}

void Vl2Engine::send_need_credentials(std::int64_t now, const InboundPacket& packet,
                                      std::uint64_t nwid) {
  if (!need_credentials_gate_.allow(hash_key(hash_seed_, packet.source.value()), now)) return;
  ErrorMessage e;
  e.in_re_verb = packet.verb;
  e.in_re_packet_id = packet.packet_id;
  e.code = static_cast<std::uint8_t>(ErrorCode::kNeedMembershipCertificate);
  e.network_id = nwid;
  send_error_packet(now, packet.source, e);
}

}  // namespace zt
