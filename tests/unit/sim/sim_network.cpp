#include "sim/sim_network.hpp"

#include <sstream>

namespace zt::sim {

namespace {

// Ephemeral ports for NAT mappings; each NAT starts in its own range so a
// test can tell them apart in traces.
constexpr std::uint16_t kFirstNatPort = 20000;
constexpr std::uint16_t kNatPortStride = 1000;

}  // namespace

std::string WireEvent::to_string() const {
  std::ostringstream s;
  s << "t=" << at << ' '
    << (kind == Kind::kSend ? "send" : kind == Kind::kDeliver ? "deliver" : "drop") << ' '
    << source.to_string() << " -> " << destination.to_string() << ' ' << bytes << "B";
  if (ttl) s << " ttl=" << ttl;
  if (duplicate) s << " dup";
  if (kind == Kind::kDrop) s << " (" << reason << ')';
  return s.str();
}

Network::Network(std::uint64_t seed, Time start) : clock_(start), rng_(seed) {}

double Network::random_unit() {
  // 53 random bits: the same sequence on every standard library.
  return static_cast<double>(rng_() >> 11) * (1.0 / 9007199254740992.0);
}

NatId Network::add_nat(const InetAddress& public_ip, NatType type, Time mapping_timeout) {
  const auto first = static_cast<std::uint16_t>(kFirstNatPort + kNatPortStride * nats_.size());
  nats_.emplace_back(public_ip, type, mapping_timeout, first);
  return nats_.size() - 1;
}

HostId Network::add_host(std::string name, std::vector<InetAddress> endpoints, NatId behind) {
  if (behind != kPublic) nats_.at(behind);  // throws on a bad id, as at() does
  hosts_.push_back(Host{std::move(name), std::move(endpoints), behind, true, nullptr});
  return hosts_.size() - 1;
}

void Network::set_endpoint(HostId h, LocalSocket socket, const InetAddress& address) {
  hosts_.at(h).endpoints.at(static_cast<std::size_t>(socket)) = address;
}

void Network::set_link_up(HostId a, HostId b, bool up) {
  if (up)
    links_down_.erase(key(a, b));
  else
    links_down_.insert(key(a, b));
}

std::optional<std::pair<HostId, LocalSocket>> Network::find_host(NatId realm,
                                                                 const InetAddress& a) const {
  for (HostId h = 0; h < hosts_.size(); ++h) {
    if (hosts_[h].realm != realm) continue;
    const auto& eps = hosts_[h].endpoints;
    for (std::size_t s = 0; s < eps.size(); ++s)
      if (eps[s] == a) return std::make_pair(h, static_cast<LocalSocket>(s));
  }
  return std::nullopt;
}

std::optional<NatId> Network::find_nat(const InetAddress& a) const {
  InetAddress ip = a;
  ip.set_port(0);
  for (NatId n = 0; n < nats_.size(); ++n)
    if (nats_[n].public_ip() == ip) return n;
  return std::nullopt;
}

std::optional<LocalSocket> Network::pick_socket(const Host& h, LocalSocket socket,
                                                const InetAddress& to) const {
  if (socket != kAnySocket) {
    if (socket < 0 || static_cast<std::size_t>(socket) >= h.endpoints.size()) return std::nullopt;
    return socket;
  }
  for (std::size_t s = 0; s < h.endpoints.size(); ++s)
    if (h.endpoints[s].family() == to.family()) return static_cast<LocalSocket>(s);
  return std::nullopt;
}

const LinkParams& Network::link(HostId a, HostId b) const {
  auto it = links_.find(key(a, b));
  return it == links_.end() ? default_link_ : it->second;
}

bool Network::link_is_up(HostId a, HostId b) const {
  if (!hosts_.at(a).up || (b != kNoHost && !hosts_.at(b).up)) return false;
  return !links_down_.count(key(a, b));
}

Time Network::sample_delay(const LinkParams& p) {
  Time delay = p.latency;
  if (p.jitter > 0) delay += static_cast<Time>(rng_() % static_cast<std::uint64_t>(p.jitter + 1));
  if (p.reorder > 0 && random_unit() < p.reorder) {
    delay += p.reorder_delay;
    ++counters_.reordered;
  }
  return delay;
}

void Network::emit(WireEvent::Kind kind, const Datagram& d, const char* reason, HostId to) {
  if (!trace_) return;
  trace_(WireEvent{now(), kind, reason, d.from, to, d.source, d.destination, d.bytes.size(), d.ttl,
                   d.duplicate});
}

void Network::drop(const Datagram& d, const char* reason, std::uint64_t& counter) {
  ++counter;
  emit(WireEvent::Kind::kDrop, d, reason, d.target.host);
}

bool Network::send(HostId from, LocalSocket socket, const InetAddress& to,
                   std::span<const std::uint8_t> data, unsigned ttl) {
  const Host& src = hosts_.at(from);
  const auto sock = pick_socket(src, socket, to);
  if (!src.up || !sock) return false;
  ++counters_.sent;

  Datagram d{from, src.endpoints[static_cast<std::size_t>(*sock)], to, {}, ttl,
             std::vector<std::uint8_t>(data.begin(), data.end()), false};
  emit(WireEvent::Kind::kSend, d, "", kNoHost);
  const bool short_ttl = ttl > 0 && ttl <= kShortTtl;

  if (auto local = find_host(src.realm, to)) {
    d.target.host = local->first;  // same LAN (or both public): no NAT in the way
  } else {
    if (src.realm != kPublic) {
      d.source = nats_[src.realm].outbound(now(), d.source, to);
      if (short_ttl) {
        drop(d, "ttl expired past the sender's NAT", counters_.ttl_expired);
        return true;
      }
    }
    if (auto pub = find_host(kPublic, to)) {
      d.target.host = pub->first;
    } else if (auto n = find_nat(to)) {
      d.target.through = *n;
      if (short_ttl) {
        drop(d, "ttl expired before the far NAT", counters_.ttl_expired);
        return true;
      }
      // Only to pick link parameters; the NAT's filter decides on arrival.
      if (auto inside = nats_[*n].mapping_owner(to.port()))
        if (auto h = find_host(*n, *inside)) d.target.host = h->first;
    } else {
      drop(d, "no host has this address", counters_.no_route);
      return true;
    }
  }

  if (!link_is_up(from, d.target.host)) {
    drop(d, "link down", counters_.link_down);
    return true;
  }
  const LinkParams& p = link(from, d.target.host);
  if (p.loss > 0 && random_unit() < p.loss) {
    drop(d, "lost", counters_.lost);
    return true;
  }
  const bool twice = p.duplicate > 0 && random_unit() < p.duplicate;
  if (twice) ++counters_.duplicated;
  clock_.schedule_in(sample_delay(p), [this, d] { arrive(d); });
  if (twice) {
    d.duplicate = true;
    clock_.schedule_in(sample_delay(p), [this, d] { arrive(d); });
  }
  return true;
}

void Network::arrive(const Datagram& d) {
  std::optional<std::pair<HostId, LocalSocket>> dest;
  if (d.target.through) {
    const NatId n = *d.target.through;
    const auto inside = nats_[n].inbound(now(), d.destination.port(), d.source);
    if (!inside) return drop(d, "refused by NAT", counters_.nat_filtered);
    dest = find_host(n, *inside);
  } else if (d.target.host != kNoHost) {
    const Host& h = hosts_[d.target.host];
    for (std::size_t s = 0; s < h.endpoints.size(); ++s)
      if (h.endpoints[s] == d.destination) dest = std::make_pair(d.target.host, LocalSocket(s));
  }
  if (!dest) return drop(d, "address gone", counters_.no_route);
  if (!link_is_up(d.from, dest->first)) return drop(d, "link down", counters_.link_down);
  Receiver* receiver = hosts_[dest->first].receiver;
  if (!receiver) return drop(d, "nothing listening", counters_.no_route);
  ++counters_.delivered;
  emit(WireEvent::Kind::kDeliver, d, "", dest->first);
  receiver->on_receive(now(), dest->second, d.source, d.bytes);
}

}  // namespace zt::sim
