#pragma once
// The service's SOCKS5 server (RFC 1928, RFC 1929): CONNECT and BIND over
// the virtual networks (TcpRelay, TcpListener), UDP ASSOCIATE (a kernel UDP
// socket for the client, a UdpEndpoint on the networks). Names resolve
// through a joined network's DNS when in its domain, else through the
// host's resolver. Destinations outside the virtual networks are refused
// (reply 0x02) unless pass-through is on. Clients other than loopback ones
// are refused unless allowed. Runs on the intercept's poller thread; the
// handshake itself is socks5_codec's.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "io/poller.hpp"
#include "service/socks5_codec.hpp"
#include "service/virtual_networks.hpp"

namespace zt::service {

class DnsResolver;

struct Socks5Options {
  std::string address = "127.0.0.1";  // where to listen
  std::uint16_t port = 1080;
  bool allow_remote = false;          // clients from other than loopback
  bool pass_through = false;          // destinations outside the virtual networks
  std::optional<socks5::Credentials> credentials;  // RFC 1929, else no authentication
  std::int64_t connect_timeout_ms = 20000;
  std::int64_t handshake_timeout_ms = 30000;
};

class Socks5Server {
 public:
  using LogSink = std::function<void(const std::string&)>;

  // nullptr with *error (EADDRINUSE in *error_number when the port is taken).
  static std::unique_ptr<Socks5Server> start(io::Poller& poller, const Socks5Options& options,
                                             std::shared_ptr<VirtualNetworksView> networks,
                                             DnsResolver* resolver, LogSink log, std::string* error,
                                             int* error_number = nullptr);
  // Stops listening and ends every session (on the poller thread; waits).
  ~Socks5Server();
  Socks5Server(const Socks5Server&) = delete;
  Socks5Server& operator=(const Socks5Server&) = delete;

  std::uint16_t port() const { return port_; }

 private:
  struct Session;
  struct Association;
  struct Shared;

  Socks5Server(io::Poller& poller, const Socks5Options& options,
               std::shared_ptr<VirtualNetworksView> networks, DnsResolver* resolver, LogSink log);
  void on_accept();
  void on_client(const std::shared_ptr<Session>& s, std::uint32_t events);
  void act(const std::shared_ptr<Session>& s, const socks5::Request& request);
  void with_address(const std::shared_ptr<Session>& s, const socks5::Destination& d,
                    std::function<void(const InetAddress&)> then);
  void connect(const std::shared_ptr<Session>& s, const InetAddress& to);
  void connect_kernel(const std::shared_ptr<Session>& s, const InetAddress& to);
  void bind(const std::shared_ptr<Session>& s, const InetAddress& expected);
  void associate(const std::shared_ptr<Session>& s, const socks5::Destination& client_hint);
  void on_association(const std::shared_ptr<Association>& a, int fd);
  void forward(const std::shared_ptr<Association>& a, const InetAddress& to,
               std::span<const std::uint8_t> payload);
  void close_association(const std::shared_ptr<Association>& a);
  void reply(const std::shared_ptr<Session>& s, socks5::ReplyCode code, const InetAddress& bound);
  void end(const std::shared_ptr<Session>& s);
  // Stops watching the client socket: a relay takes it over.
  int hand_over(const std::shared_ptr<Session>& s);
  void shutdown_all();

  io::Poller& poller_;
  Socks5Options options_;
  std::shared_ptr<VirtualNetworksView> networks_;
  DnsResolver* resolver_;
  LogSink log_;
  std::shared_ptr<Shared> shared_;
  int listen_fd_ = -1;
  std::uint64_t listen_token_ = 0;
  std::uint16_t port_ = 0;
  std::uint64_t next_session_ = 1;
  std::map<std::uint64_t, std::shared_ptr<Session>> sessions_;
};

}  // namespace zt::service
