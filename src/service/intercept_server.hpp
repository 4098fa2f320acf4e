#pragma once
// The service's side of libztintercept.so: the control socket
// <home>/intercept.sock (unix, SOCK_SEQPACKET, mode 0600) and the virtual
// sockets it hands out.
//
// Each virtual socket is one end of a socketpair made here and passed to
// the program with SCM_RIGHTS; the library puts it in place of the
// program's own fd (dup3). The other end stays here, so the socket lives
// exactly as long as the program (or its children) hold their end: a
// program that exits or dies frees what it held when the kernel closes its
// fds. TCP connections are TcpRelays; listeners get a SOCK_SEQPACKET
// channel on which each accepted connection arrives as an AcceptNotice
// with its fd; UDP sockets are SOCK_SEQPACKET pairs whose datagrams carry
// a fixed header with the peer's address. No lock serializes programs:
// requests are answered at once on the poller thread, and a connect's
// outcome arrives later on the socket itself.
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "intercept/protocol.hpp"
#include "io/poller.hpp"
#include "service/virtual_networks.hpp"
#include "stack/tcp_relay.hpp"
#include "stack/udp_endpoint.hpp"

namespace zt::service {

class DnsResolver;

class InterceptServer {
 public:
  using LogSink = std::function<void(const std::string&)>;

  // Listens on `socket_path` (a stale socket file is replaced). nullptr
  // with *error if the socket cannot be made.
  static std::unique_ptr<InterceptServer> start(io::Poller& poller,
                                                const std::filesystem::path& socket_path,
                                                std::shared_ptr<VirtualNetworksView> networks,
                                                DnsResolver* resolver, LogSink log,
                                                std::string* error);
  // Closes every virtual socket and the control socket; waits for the
  // poller thread to do it.
  ~InterceptServer();
  InterceptServer(const InterceptServer&) = delete;
  InterceptServer& operator=(const InterceptServer&) = delete;

  const std::filesystem::path& socket_path() const { return path_; }
  // Virtual sockets open now (for tests and status).
  std::size_t open_sockets() const;

  // Fills `fd`'s send buffer so it is unwritable until the relay drains
  // the filler: returns how many bytes. The buffer is first made small
  // (kGateBuffer) so a connect in progress holds little memory; the
  // library restores the size once the connection is up, to the value in
  // *restore (what the buffer was).
  static std::size_t fill_gate(int fd, int* restore = nullptr);
  static constexpr int kGateBuffer = 16 * 1024;  // the kernel doubles it

 private:
  struct Control;
  struct Entry;
  struct Listener;
  struct Datagram;
  struct Tombstone {
    intercept::SocketKind kind;
    int so_error;
    InetAddress local;
    InetAddress remote;
    std::uint8_t domain;
  };

  InterceptServer(io::Poller& poller, std::shared_ptr<VirtualNetworksView> networks,
                  DnsResolver* resolver, LogSink log);
  void on_listen_socket(std::uint32_t events);
  void on_control(const std::shared_ptr<Control>& control, std::uint32_t events);
  void drop_control(const std::shared_ptr<Control>& control);
  void handle(Control& control, const intercept::Request& request, int fd);
  void reply(Control& control, const intercept::Reply& reply, int fd = -1);
  void shutdown_all();

  // intercept_tcp.cpp
  void tcp_bind(Control& c, const intercept::Request& q);
  void tcp_connect(Control& c, const intercept::Request& q);
  void tcp_listen(Control& c, const intercept::Request& q, int kernel_fd);
  void on_accepted(const std::shared_ptr<Listener>& l, std::shared_ptr<stack::TcpRelay> relay);
  void on_kernel_listener(const std::shared_ptr<Listener>& l);
  void on_listener_channel(const std::shared_ptr<Listener>& l, std::uint32_t events);
  void flush_listener(const std::shared_ptr<Listener>& l);
  void close_listener(const std::shared_ptr<Listener>& l);
  int adopt_stream(std::shared_ptr<stack::TcpRelay> relay, std::uint8_t domain, bool gate,
                   std::uint64_t* id, int* restore_buffer = nullptr);
  // intercept_udp.cpp
  void udp_open(Control& c, const intercept::Request& q, int kernel_fd);
  void udp_connect(Control& c, const intercept::Request& q);
  void on_datagram_fd(const std::shared_ptr<Datagram>& d, std::uint32_t events);
  void on_datagram_kernel(const std::shared_ptr<Datagram>& d);
  void close_datagram(const std::shared_ptr<Datagram>& d);
  // intercept_status.cpp
  void status(Control& c, const intercept::Request& q);
  void set_option(Control& c, const intercept::Request& q);
  void get_option(Control& c, const intercept::Request& q);
  void networks_reply(Control& c, const intercept::Request& q);
  void resolve(Control& c, const intercept::Request& q);
  void bury(std::uint64_t id, Tombstone stone);

  std::uint64_t next_id() { return next_id_++; }
  // A new open virtual socket, counted in open_sockets().
  Entry& add_entry(std::uint64_t id, intercept::SocketKind kind, std::uint8_t domain);
  bool name_socket(int fd, intercept::SocketKind kind, std::uint64_t id);

  io::Poller& poller_;
  std::shared_ptr<VirtualNetworksView> networks_;
  DnsResolver* resolver_;
  LogSink log_;
  std::filesystem::path path_;
  int listen_fd_ = -1;
  std::uint64_t listen_token_ = 0;
  std::uint64_t instance_ = 0;
  std::uint64_t next_id_ = 1;
  // Poller thread only, from here on.
  std::map<int, std::shared_ptr<Control>> controls_;
  std::map<std::uint64_t, std::shared_ptr<Entry>> entries_;
  // Expires (on the poller thread) when the server shuts down: a relay's
  // close handler posted just before that must then not touch the server.
  std::shared_ptr<const bool> alive_ = std::make_shared<const bool>(true);
  std::map<std::uint64_t, Tombstone> tombstones_;
  std::deque<std::uint64_t> tombstone_order_;
  std::atomic<std::size_t> open_count_{0};
};

}  // namespace zt::service
