#include "service/dns_resolver.hpp"

#include <cerrno>

#include "crypto/random.hpp"
#include "service/dns_message.hpp"
#include "stack/udp_endpoint.hpp"

namespace zt::service {

struct DnsResolver::Query {
  std::uint64_t key = 0;
  std::string name;
  std::vector<InetAddress> servers;
  std::vector<std::uint16_t> types;  // still unanswered
  std::map<std::uint16_t, std::uint16_t> ids;  // type -> DNS id
  std::vector<InetAddress> addresses;
  bool name_error = false;
  int tries = 0;
  std::uint64_t timer = 0;
  std::unique_ptr<stack::UdpEndpoint> endpoint;
  Done done;
};

DnsResolver::DnsResolver(io::Poller& poller, std::shared_ptr<VirtualNetworksView> networks)
    : poller_(poller), networks_(std::move(networks)) {}

DnsResolver::~DnsResolver() {
  for (auto& [key, q] : queries_) q->endpoint.reset();
}

void DnsResolver::resolve(const std::string& name, std::uint8_t family, Done done) {
  const auto networks = networks_->get();
  const VirtualNetworks::Network* network = networks->dns_network_for(name);
  if (!network || !dns::valid_name(name)) {
    done(ENOENT, {});
    return;
  }
  auto q = std::make_shared<Query>();
  q->key = next_query_++;
  q->name = name;
  for (const InetAddress& s : network->dns.servers) {
    InetAddress server = s;
    if (server.port() == 0) server.set_port(53);
    q->servers.push_back(server);
  }
  if (family != 6) q->types.push_back(dns::kTypeA);
  if (family != 4) q->types.push_back(dns::kTypeAAAA);
  for (std::uint16_t type : q->types) {
    std::uint16_t id;
    crypto::secure_random(&id, sizeof id);
    q->ids[type] = id;
  }
  q->done = std::move(done);
  std::weak_ptr<Query> weak = q;
  stack::LocalBinding any;
  any.family = 6;  // both families
  int error = 0;
  q->endpoint = stack::UdpEndpoint::open(
      any,
      [this, weak](const InetAddress&, std::span<const std::uint8_t> data) {
        // lwIP's thread: hand the bytes to the poller thread.
        poller_.post([this, weak, message = std::vector<std::uint8_t>(data.begin(), data.end())]() mutable {
          if (auto query = weak.lock()) on_response(query, std::move(message));
        });
      },
      &error);
  if (!q->endpoint) {
    q->done(ETIMEDOUT, {});
    return;
  }
  queries_[q->key] = q;
  send(q);
}

void DnsResolver::send(const std::shared_ptr<Query>& q) {
  const InetAddress& server = q->servers[static_cast<std::size_t>(q->tries) % q->servers.size()];
  ++q->tries;
  for (std::uint16_t type : q->types) {
    const std::vector<std::uint8_t> message = dns::build_query(q->ids[type], q->name, type);
    q->endpoint->send_to(server, message);
  }
  std::weak_ptr<Query> weak = q;
  q->timer = poller_.schedule_after(kTryTimeoutMs, [this, weak] {
    if (auto query = weak.lock()) on_timeout(query);
  });
}

void DnsResolver::on_response(const std::shared_ptr<Query>& q, std::vector<std::uint8_t> message) {
  if (!q->done) return;
  for (auto it = q->types.begin(); it != q->types.end(); ++it) {
    const std::optional<dns::Response> r = dns::parse_response(message, *it);
    if (!r || r->id != q->ids[*it]) continue;
    if (r->rcode == dns::kRcodeNameError) q->name_error = true;
    q->addresses.insert(q->addresses.end(), r->addresses.begin(), r->addresses.end());
    q->types.erase(it);
    break;
  }
  if (q->types.empty()) complete(q, q->addresses.empty() ? EHOSTUNREACH : 0);
}

void DnsResolver::on_timeout(const std::shared_ptr<Query>& q) {
  q->timer = 0;
  // One family answered and the other did not: that answer is the result.
  if (!q->addresses.empty()) return complete(q, 0);
  if (q->tries < kTries) return send(q);
  complete(q, q->name_error ? EHOSTUNREACH : ETIMEDOUT);
}

void DnsResolver::complete(const std::shared_ptr<Query>& q, int error) {
  if (q->timer) poller_.cancel(q->timer);
  q->endpoint.reset();
  queries_.erase(q->key);
  Done done = std::move(q->done);
  q->done = nullptr;
  if (done) done(error, error ? std::vector<InetAddress>{} : q->addresses);
}

}  // namespace zt::service
