#include "controller/controller.hpp"

#include <algorithm>
#include <string>

#include "controller/config_builder.hpp"
#include "controller/records.hpp"
#include "crypto/random.hpp"
#include "proto/config_request_metadata.hpp"
#include "proto/credentials/revocation.hpp"
#include "proto/dictionary.hpp"
#include "proto/network_config.hpp"
#include "proto/network_id.hpp"

namespace zt::controller {
namespace {

// Prune the member status table at most this often.
constexpr std::int64_t kPruneIntervalMs = 60000;

// Auth-info keys of ERROR(NETWORK_AUTHENTICATION_REQUIRED), vl2.md §6.3.
constexpr char kAuthInfoVersion[] = "aV";
constexpr char kAuthInfoUrl[] = "aU";

}  // namespace

Controller::Controller(Identity signer, Store store, RandomFn random)
    : signer_(std::move(signer)), store_(std::move(store)), random_(std::move(random)) {}

Controller::Controller(Identity signer, Store store)
    : Controller(std::move(signer), std::move(store), [] { return crypto::secure_random_u64(); }) {}

void Controller::request(std::int64_t now, NetworkControllerSender& sender,
                         std::uint64_t network_id, const Identity& member,
                         std::uint64_t request_packet_id, const InetAddress& physical,
                         std::span<const std::uint8_t> metadata) {
  if (!signer_.has_private() || network_controller(network_id) != address()) return;
  sender_ = &sender;
  prune(now);
  const StatusKey key{network_id, member.address()};
  if (status_.size() >= kMaxTrackedMembers && !status_.count(key)) {
    last_prune_ = now - kPruneIntervalMs;  // try once more before turning it away
    prune(now);
    if (status_.size() >= kMaxTrackedMembers) return;
  }
  MemberStatus& status = status_[key];
  if (status.last_request && now - *status.last_request <= kMinRequestPeriodMs) return;
  status.last_request = now;
  status.physical = physical;
  serve(now, sender, network_id, member, request_packet_id, metadata, /*genuine=*/true);
}

void Controller::serve(std::int64_t now, NetworkControllerSender& sender, std::uint64_t nwid,
                       const Identity& identity, std::uint64_t packet_id,
                       std::span<const std::uint8_t> metadata, bool genuine) {
  const Address addr = identity.address();
  // Errors answer a request; a push has nobody to answer, except this node
  // itself, whose network must learn it was refused.
  auto refuse = [&](ErrorCode code, std::span<const std::uint8_t> auth_info = {}) {
    if (genuine || addr == address())
      sender.send_error(now, nwid, addr, packet_id, code, auth_info);
  };

  const json* network = store_.network(nwid);
  if (!network || !network->is_object() || network->empty())
    return refuse(ErrorCode::kObjectNotFound);
  const json* stored = store_.member(nwid, addr);
  const bool new_member = !stored || !stored->is_object() || stored->empty();
  json member = stored ? *stored : json();
  init_member(member, now);

  // A known member must come back with the same key: an address collision
  // must not take over its membership.
  const std::string known = json_string(field(member, "identity"), "");
  if (!known.empty()) {
    const std::optional<Identity> pinned = Identity::from_string(known);
    if (!pinned || !(*pinned == identity)) return refuse(ErrorCode::kNetworkAccessDenied);
  } else {
    member["identity"] = identity.to_string(false);
  }
  member["id"] = addr.to_string();
  member["address"] = addr.to_string();
  member["nwid"] = network_id_to_string(nwid);

  const ConfigRequestMetadata meta = ConfigRequestMetadata::from_dictionary(metadata);
  bool authorized = json_bool(field(member, "authorized"), false);
  json credential_type, credential;
  if (!authorized && !json_bool(field(*network, "private"), true)) {
    authorized = true;
    credential_type = "public";
  } else if (!authorized) {
    if (const std::optional<std::string> token = meta.auth_token()) {
      const json& expires = field(field(*network, "authTokens"), token->c_str());
      if (expires.is_number() && (expires == 0 || expires > now)) {
        authorized = true;
        credential_type = "token";
        credential = *token;
      }
    }
  }
  if (!credential_type.is_null()) {
    member["authorized"] = true;
    member["lastAuthorizedTime"] = now;
    member["lastAuthorizedCredentialType"] = credential_type;
    member["lastAuthorizedCredential"] = credential;
  }

  // Remembered for pushes. Upstream remembers only authorized members; we
  // remember refused ones too, so authorizing a member that is waiting
  // sends it its config at once instead of at its next retry.
  if (genuine) {
    MemberStatus& status = status_[{nwid, addr}];
    status.identity = identity.public_only();
    const std::size_t kept = std::min(metadata.size(), kRequestMetadataDictCapacity);
    status.metadata.assign(metadata.begin(), metadata.begin() + static_cast<std::ptrdiff_t>(kept));
  }

  // The file database has no SSO provider: a network that requires SSO
  // turns away members whose authentication has expired, with no URL.
  if (json_bool(field(*network, "ssoEnabled"), false) &&
      !json_bool(field(member, "ssoExempt"), false) &&
      static_cast<std::int64_t>(json_uint(field(member, "authenticationExpiryTime"), 0)) <= now) {
    DictionaryWriter auth_info(kAuthInfoDictCapacity);
    auth_info.add_u64(kAuthInfoVersion, 0);
    auth_info.add(kAuthInfoUrl, std::string_view());
    clean_member(member);
    store_.save_member(member);
    return refuse(ErrorCode::kNetworkAuthenticationRequired, auth_info.bytes());
  }

  if (!authorized) {
    // Saved anyway, so the member shows up in the API for an admin to authorize.
    clean_member(member);
    store_.save_member(member);
    return refuse(ErrorCode::kNetworkAccessDenied);
  }

  if (genuine) {
    member["vMajor"] = meta.major_version;
    member["vMinor"] = meta.minor_version;
    member["vRev"] = meta.revision;
    member["vProto"] = meta.protocol_version;
  }

  ConfigRequest req;
  req.network_id = nwid;
  req.now = now;
  req.member = identity.public_only();
  req.new_member = new_member;
  req.rules_engine_revision = meta.rules_engine_revision;
  const std::optional<NetworkConfig> config =
      build_network_config(signer_, *network, member, store_.summary(nwid), req, random_);
  if (!config) return refuse(ErrorCode::kObjectNotFound);  // upstream's internal error

  // What the request itself changed needs no push: the config below has it.
  clean_member(member);
  store_.save_member(member);
  sender.send_config(now, nwid, addr, packet_id, *config);
  status_[{nwid, addr}].authorized_at = now;
}

std::optional<std::uint64_t> Controller::unused_network_id() {
  const std::uint64_t prefix = address().value() << 24;
  for (int i = 0; i < kNetworkIdTrials; ++i) {
    std::uint64_t nwid = prefix | (random_() & 0xffffffULL);
    if ((nwid & 0xffffffULL) == 0) nwid |= 1;
    if (!store_.has_network(nwid)) return nwid;
  }
  return std::nullopt;
}

json Controller::set_network(std::int64_t now, std::uint64_t nwid, const json& body) {
  const json* existing = store_.network(nwid);
  json record = network_from_post(existing ? *existing : json(), body, nwid, now);
  if (store_.save_network(record)) push_to_network(now, nwid);
  return record;
}

std::optional<json> Controller::delete_network(std::int64_t now, std::uint64_t nwid) {
  std::vector<Address> members;
  if (const auto* all = store_.members(nwid))
    for (const auto& [id, record] : *all) members.push_back(id);
  std::optional<json> old = store_.erase_network(nwid);
  if (!old) return std::nullopt;
  for (Address id : members) revoke(now, nwid, id);
  return old;
}

std::optional<json> Controller::set_member(std::int64_t now, std::uint64_t nwid, Address id,
                                           const json& body) {
  if (!store_.has_network(nwid)) return std::nullopt;
  const json* existing = store_.member(nwid, id);
  json record = member_from_post(existing ? *existing : json(), body, nwid, id, now);
  if (std::optional<json> old = store_.save_member(record)) {
    if (json_bool(field(*old, "authorized"), false) &&
        !json_bool(field(record, "authorized"), false))
      revoke(now, nwid, id);
    push_to_member(now, nwid, id);
  }
  return record;
}

std::optional<json> Controller::delete_member(std::int64_t now, std::uint64_t nwid, Address id) {
  std::optional<json> old = store_.erase_member(nwid, id);
  if (old && json_bool(field(*old, "authorized"), false)) revoke(now, nwid, id);
  return old;
}

bool Controller::authorized_recently(std::int64_t now, std::uint64_t nwid, Address member) const {
  auto it = status_.find({nwid, member});
  return it != status_.end() && it->second.authorized_at &&
         now - *it->second.authorized_at < kAuthorizationMemoryMs;
}

std::vector<Controller::OnlineMember> Controller::online_members(std::int64_t now,
                                                                 std::uint64_t nwid) const {
  std::vector<OnlineMember> out;
  for (auto it = status_.lower_bound({nwid, Address()});
       it != status_.end() && it->first.first == nwid; ++it)
    if (it->second.online(now))
      out.push_back({it->first.second, it->second.physical, *it->second.last_request});
  return out;
}

// Re-runs the member's last authorized request, answered as a push.
void Controller::push_to_member(std::int64_t now, std::uint64_t nwid, Address member) {
  auto it = status_.find({nwid, member});
  if (!sender_ || it == status_.end() || !it->second.online(now) || !it->second.identity) return;
  const Identity identity = *it->second.identity;
  const Bytes metadata = it->second.metadata;
  serve(now, *sender_, nwid, identity, 0, metadata, /*genuine=*/false);
}

void Controller::push_to_network(std::int64_t now, std::uint64_t nwid) {
  for (const OnlineMember& m : online_members(now, nwid)) push_to_member(now, nwid, m.address);
}

// A COM revocation for `member`, sent to every online member of the
// network (it included): peers then stop accepting its old COM at once.
void Controller::revoke(std::int64_t now, std::uint64_t nwid, Address member) {
  if (!sender_) return;
  Revocation rev;
  rev.id = static_cast<std::uint32_t>(random_());
  rev.network_id = nwid;
  rev.credential_id = 0;
  rev.threshold = now;
  rev.flags = Revocation::kFlagFastPropagate;
  rev.target = member;
  rev.credential_type = CredentialType::kCom;
  if (!rev.sign(signer_)) return;
  for (const OnlineMember& m : online_members(now, nwid))
    sender_->send_revocation(now, m.address, rev);
}

// Entries that can no longer matter: not online, not authorized recently
// (and so long past the rate limit).
void Controller::prune(std::int64_t now) {
  if (now - last_prune_ < kPruneIntervalMs) return;
  last_prune_ = now;
  std::erase_if(status_, [now](const auto& entry) {
    const MemberStatus& s = entry.second;
    return !s.online(now) && !(s.authorized_at && now - *s.authorized_at < kAuthorizationMemoryMs);
  });
}

}  // namespace zt::controller
