#pragma once
// Names in a joined network's DNS domain, asked of the DNS servers its
// config lists, over the network itself (lwIP UDP). Used by the intercept
// (getaddrinfo in programs) and SOCKS5 (domain-name requests). Names in no
// network's domain are not answered here: callers fall back to the host's
// resolver where that is allowed.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/poller.hpp"
#include "service/virtual_networks.hpp"

namespace zt::service {

class DnsResolver {
 public:
  // error: 0 with addresses; ENOENT: no joined network's domain covers the
  // name; EHOSTUNREACH: the servers say it does not exist or has no such
  // records; ETIMEDOUT: no server answered.
  using Done = std::function<void(int error, std::vector<InetAddress> addresses)>;

  DnsResolver(io::Poller& poller, std::shared_ptr<VirtualNetworksView> networks);
  // Poller thread (or once it has stopped): pending queries are dropped
  // without their callbacks.
  ~DnsResolver();
  DnsResolver(const DnsResolver&) = delete;
  DnsResolver& operator=(const DnsResolver&) = delete;

  // Poller thread. family 4: A records, 6: AAAA, 0: both. `done` runs on
  // the poller thread, once.
  void resolve(const std::string& name, std::uint8_t family, Done done);

  // Per try; a query goes to each server in turn, kTries in all.
  static constexpr std::int64_t kTryTimeoutMs = 1000;
  static constexpr int kTries = 3;

 private:
  struct Query;
  void send(const std::shared_ptr<Query>& q);
  void on_response(const std::shared_ptr<Query>& q, std::vector<std::uint8_t> message);
  void on_timeout(const std::shared_ptr<Query>& q);
  void complete(const std::shared_ptr<Query>& q, int error);

  io::Poller& poller_;
  std::shared_ptr<VirtualNetworksView> networks_;
  std::map<std::uint64_t, std::shared_ptr<Query>> queries_;
  std::uint64_t next_query_ = 1;
};

}  // namespace zt::service
