// Getting and applying network configs (vl2.md §6): requests to the
// controller (or the in-process one), signed chunks, errors, the cached
// conf, and the controller's side of the seam (NetworkControllerSender).
#include "node/adhoc_config.hpp"
#include "node/vl2_engine.hpp"
#include "node/vl2_params.hpp"
#include "proto/config_request_metadata.hpp"
#include "proto/dictionary.hpp"
#include "proto/network_id.hpp"
#include "proto/verbs/network_config.hpp"

namespace zt {
namespace {

std::string conf_name(std::uint64_t nwid) {
  return "networks.d/" + network_id_to_string(nwid) + ".conf";
}

constexpr std::size_t kAuthInfoCapacity = 8192;

// §6.3: what ERROR NETWORK_AUTHENTICATION_REQUIRED's dictionary says.
// Nullopt when upstream would change nothing (version 0 without a URL).
std::optional<Network::AuthInfo> read_auth_info(const ErrorMessage& error) {
  Network::AuthInfo info;
  if (!error.auth_info) return info;  // no dictionary: an empty URL
  const std::optional<DictionaryReader> d = DictionaryReader::parse(*error.auth_info, kAuthInfoCapacity);
  if (!d) return std::nullopt;
  info.version = d->get_u64("aV");
  if (info.version == 0) {
    info.url = d->get_string("aU", kMaxSsoUrlLength).value_or("");
    if (info.url.empty()) return std::nullopt;
  } else if (info.version == 1) {
    info.issuer_url = d->get_string("iU", kMaxSsoUrlLength).value_or("");
    info.central_url = d->get_string("aCU", kMaxSsoUrlLength).value_or("");
    info.nonce = d->get_string("aN", 63).value_or("");
    info.state = d->get_string("aS", 127).value_or("");
    info.client_id = d->get_string("aCID", 255).value_or("");
    info.provider = d->get_string("aSSOp", 63).value_or("");
    if (info.provider.empty()) info.provider = "default";
  } else {
    return std::nullopt;
  }
  return info;
}

}  // namespace

void Vl2Engine::request_config(std::int64_t now, Network& net) {
  net.requested(now);
  const std::uint64_t nwid = net.id();
  if (is_adhoc_network(nwid)) {
    const AdhocConfig adhoc = adhoc_config(nwid, me_, now);
    if (adhoc.kind == AdhocConfig::Kind::kConfig) apply_config(now, net, adhoc.config, false);
    else if (adhoc.kind == AdhocConfig::Kind::kNotFound)
      set_status(net, net.set_failure(NetworkStatus::kNotFound));
    return;
  }
  const std::optional<Bytes> metadata = ConfigRequestMetadata::for_member(os_arch_).to_dictionary();
  if (!metadata) return;
  if (net.controller() == me_) {
    // Ours: ask the controller in-process; it answers through send_config.
    if (controller_)
      controller_->request(now, *this, nwid, vl1_.identity().public_only(), 0, InetAddress(),
                           *metadata);
    else
      set_status(net, net.set_failure(NetworkStatus::kNotFound));
    return;
  }
  NetworkConfigRequest req;
  req.network_id = nwid;
  req.metadata = *metadata;
  if (net.has_config()) {
    req.revision = net.config().revision;
    req.timestamp = static_cast<std::uint64_t>(net.config().timestamp);
  }
  Bytes payload;
  ByteWriter w(payload);
  write_network_config_request(w, req);
  vl1_.send(now, net.controller(), Verb::kNetworkConfigRequest, payload);
}

const Identity* Vl2Engine::controller_identity(std::int64_t now, const Network& net) {
  if (net.controller() == me_) return &vl1_.identity();
  const Identity* id = vl1_.peer_identity(net.controller());
  if (!id) vl1_.request_identity(now, net.controller());
  return id;
}

void Vl2Engine::on_config_chunk(std::int64_t now, const InboundPacket& packet,
                                std::span<const std::uint8_t> chunk, bool pushed) {
  if (chunk.size() < 8) {
    ++counters_.drop_malformed;
    return;
  }
  Network* net = find(load_be(chunk.data(), 8));
  if (!net) {
    ++counters_.drop_unknown_network;
    return;
  }
  const Identity* controller = controller_identity(now, *net);
  const ConfigAssembler::Result r =
      net->assembler().add(now, chunk, packet.packet_id, controller ? *controller : Identity(),
                           packet.source == net->controller());
  if (r.status == ConfigAssembler::Status::kRejected) {
    ++counters_.drop_bad_config;
    return;
  }
  if (r.status == ConfigAssembler::Status::kDuplicate) return;
  if (r.fast_propagate) {
    for (const auto& [peer, m] : net->members())
      if (peer != packet.source && peer != net->controller())
        vl1_.send(now, peer, Verb::kNetworkConfig, chunk);
  }
  if (r.status != ConfigAssembler::Status::kComplete) return;
  const std::optional<NetworkConfig> config = NetworkConfig::from_dictionary(r.dictionary);
  if (!config) {
    ++counters_.drop_bad_config;
    return;
  }
  apply_config(now, *net, *config, true);
  if (pushed) {
    // §6.2 step 6: 1.14.1 acknowledges NETWORK_CONFIG as if it were an ECHO.
    Bytes body;
    ByteWriter w(body);
    write_network_config_ack(w, NetworkConfigAck{net->id(), r.update_id});
    send_ok(now, packet.source, Verb::kEcho, packet.packet_id, body);
  }
}

void Vl2Engine::apply_config(std::int64_t now, Network& net, const NetworkConfig& config,
                             bool save) {
  switch (net.apply(now, config)) {
    case Network::Apply::kIgnored:
      ++counters_.drop_bad_config;
      return;
    case Network::Apply::kUnchanged:
      return;
    case Network::Apply::kChanged:
      break;
  }
  ++counters_.configs_applied;
  port_changed(net, net.port_up() ? PortChange::kConfigUpdate : PortChange::kUp);
  status_changed(net);
  if (save) {
    if (const std::optional<Bytes> dict = config.to_dictionary())
      host_.store(conf_name(net.id()), *dict);
  }
  announce_new_groups(now, net);
}

// §6.4: a cached conf is applied at once (and refreshed at once); with none,
// a placeholder marks the network as joined for a host that restarts.
void Vl2Engine::load_cached_config(std::int64_t now, Network& net) {
  const std::string name = conf_name(net.id());
  if (const std::optional<Bytes> bytes = host_.load(name); bytes && bytes->size() > 1) {
    const std::optional<NetworkConfig> config = NetworkConfig::from_dictionary(*bytes);
    if (config && net.apply(now, *config) == Network::Apply::kChanged) {
      net.mark_config_stale();
      ++counters_.configs_applied;
      return;
    }
  }
  const std::uint8_t placeholder[] = {'\n'};
  host_.store(name, placeholder);
}

void Vl2Engine::set_status(Network& net, bool changed) {
  if (!changed) return;
  port_changed(net, net.port_up() ? PortChange::kConfigUpdate : PortChange::kUp);
  status_changed(net);
}

// §6.3: only the network's controller may say these.
void Vl2Engine::on_config_error(std::int64_t now, Address source, const ErrorMessage& error) {
  (void)now;
  Network* net = find(*error.network_id);
  if (!net) return;
  if (source != net->controller()) {
    ++counters_.drop_untrusted;
    return;
  }
  const Verb in_re = static_cast<Verb>(static_cast<std::uint8_t>(error.in_re_verb) & kVerbMask);
  switch (static_cast<ErrorCode>(error.code)) {
    case ErrorCode::kObjectNotFound:
    case ErrorCode::kUnsupportedOperation:
      if (in_re == Verb::kNetworkConfigRequest)
        set_status(*net, net->set_failure(NetworkStatus::kNotFound));
      return;
    case ErrorCode::kNetworkAccessDenied:
      set_status(*net, net->set_failure(NetworkStatus::kAccessDenied));
      return;
    case ErrorCode::kNetworkAuthenticationRequired:
      if (const std::optional<Network::AuthInfo> info = read_auth_info(error))
        set_status(*net, net->set_authentication_required(*info));
      return;
    default:
      return;
  }
}

void Vl2Engine::on_config_request(std::int64_t now, const InboundPacket& packet) {
  const std::optional<NetworkConfigRequest> req = parse_network_config_request(packet.payload);
  if (!req) {
    ++counters_.drop_malformed;
    return;
  }
  if (!controller_) {
    ErrorMessage e;
    e.in_re_verb = Verb::kNetworkConfigRequest;
    e.in_re_packet_id = packet.packet_id;
    e.code = static_cast<std::uint8_t>(ErrorCode::kUnsupportedOperation);
    e.network_id = req->network_id;
    send_error_packet(now, packet.source, e);
    return;
  }
  if (network_controller(req->network_id) != me_) return;  // not ours to answer (controller.md §1.0)
  const Identity* member = vl1_.peer_identity(packet.source);
  if (!member) return;
  controller_->request(now, *this, req->network_id, *member, packet.packet_id,
                       packet.hops == 0 ? packet.from : InetAddress(), req->metadata);
}

void Vl2Engine::send_config(std::int64_t now, std::uint64_t nwid, Address member,
                            std::uint64_t request_packet_id, const NetworkConfig& config) {
  remember_authorization(now, nwid, member);
  if (member == me_) {
    if (Network* net = find(nwid)) apply_config(now, *net, config, true);
    return;
  }
  const std::optional<Bytes> dict = config.to_dictionary();
  if (!dict) return;
  for (const Bytes& chunk : sign_config_chunks(*dict, nwid, random_nonzero(), vl1_.identity())) {
    if (request_packet_id != 0)
      send_ok(now, member, Verb::kNetworkConfigRequest, request_packet_id, chunk);
    else
      vl1_.send(now, member, Verb::kNetworkConfig, chunk);
  }
}

void Vl2Engine::send_error(std::int64_t now, std::uint64_t nwid, Address member,
                           std::uint64_t request_packet_id, ErrorCode code,
                           std::span<const std::uint8_t> auth_info) {
  ErrorMessage e;
  e.in_re_verb = Verb::kNetworkConfigRequest;
  e.in_re_packet_id = request_packet_id;
  e.code = static_cast<std::uint8_t>(code);
  e.network_id = nwid;
  if (code == ErrorCode::kNetworkAuthenticationRequired && !auth_info.empty())
    e.auth_info = auth_info;
  if (member == me_) {
    on_config_error(now, me_, e);  // our own controller answering our own request
    return;
  }
  if (request_packet_id == 0) return;  // errors only answer real requests
  send_error_packet(now, member, e);
}

void Vl2Engine::send_revocation(std::int64_t now, Address member, const Revocation& revocation) {
  NetworkCredentials creds;
  creds.revocations.push_back(revocation);
  if (member == me_) {
    add_credentials(now, me_, creds);
    return;
  }
  send_credentials(now, member, creds);
}

void Vl2Engine::remember_authorization(std::int64_t now, std::uint64_t nwid, Address member) {
  const auto key = std::make_pair(nwid, member);
  if (!authorized_.contains(key) && authorized_.size() >= vl2::kMaxControllerAuthorizations) {
    std::erase_if(authorized_, [&](const auto& e) {
      return now - e.second >= vl2::kControllerAuthorizationWindow;
    });
    if (authorized_.size() >= vl2::kMaxControllerAuthorizations) return;
  }
  authorized_[key] = now;
}

bool Vl2Engine::controller_authorized(std::int64_t now, std::uint64_t nwid, Address member) const {
  auto it = authorized_.find(std::make_pair(nwid, member));
  return it != authorized_.end() && now - it->second < vl2::kControllerAuthorizationWindow;
}

}  // namespace zt
