#pragma once
// Internal to the SOCKS5 server's files: a client session and a UDP
// association. Poller thread only, except where a field says otherwise.
#include <sys/socket.h>

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "service/socks5_server.hpp"
#include "stack/tcp_relay.hpp"
#include "stack/udp_endpoint.hpp"

namespace zt::service {

// What a resolver thread needs after the server may be gone.
struct Socks5Server::Shared {
  std::mutex mutex;
  bool alive = true;
  io::Poller* poller = nullptr;
};

struct Socks5Server::Session {
  explicit Session(std::optional<socks5::Credentials> credentials) : handshake(std::move(credentials)) {}
  std::uint64_t id = 0;
  int fd = -1;
  std::uint64_t token = 0;
  InetAddress client;  // the client's TCP address
  InetAddress local;   // ours, as the client reached it
  socks5::Handshake handshake;
  bool acting = false;  // the request came; no more handshake
  bool closed = false;
  std::uint64_t timer = 0;
  std::shared_ptr<stack::TcpRelay> relay;        // CONNECT, while connecting
  std::shared_ptr<stack::TcpListener> listener;  // BIND, while waiting
  int remote_fd = -1;                            // pass-through CONNECT, while connecting
  std::uint64_t remote_token = 0;
  std::shared_ptr<Association> association;      // UDP ASSOCIATE
};

struct Socks5Server::Association {
  int udp_fd = -1;  // the client's side: a kernel UDP socket beside the control connection
  std::uint64_t udp_token = 0;
  int pass_fd = -1;  // pass-through destinations
  std::uint64_t pass_token = 0;
  std::unique_ptr<stack::UdpEndpoint> endpoint;  // the virtual side
  InetAddress client_ip;           // datagrams are taken from this address only
  std::uint16_t client_port = 0;   // ... and this port, if the request named one
  // Where replies go: the client's UDP address once it has sent. Read by
  // the endpoint's receiver on lwIP's thread.
  std::mutex mutex;
  sockaddr_storage client_udp{};
  socklen_t client_udp_length = 0;
  // Names resolved for this association, and datagrams waiting for one.
  std::map<std::string, InetAddress> names;
  std::map<std::string, std::vector<std::pair<std::uint16_t, std::vector<std::uint8_t>>>> waiting;
};

}  // namespace zt::service
