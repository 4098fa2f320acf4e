#pragma once
// A TCP connection of the process's lwIP carried to a kernel stream socket.
// Bytes read from the fd go out on the connection; bytes the connection
// receives are written to the fd; a FIN crosses as a shutdown, the end of
// both directions or a reset as closing the fd. Flow control is end to end:
// the fd is read only while lwIP has send buffer, and lwIP's receive window
// is opened only as the fd takes the data, so nothing queues beyond the two
// sides' own buffers.
//
// The service carries an intercepted program's TCP socket this way (the fd
// is one end of a socketpair whose other end the program holds) and a SOCKS5
// client's connection (the fd is the client's socket).
//
// Threads: the fd is watched by an io::Poller; lwIP calls in on whichever
// thread holds its core lock. State is guarded by that lock. The owner's
// handlers (connected, accepted, closed) run on the poller's thread.
// Free of lwIP headers.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

#include "io/poller.hpp"
#include "proto/inet_address.hpp"

struct tcp_pcb;
struct pbuf;

namespace zt::stack {

// Where a socket is bound on the virtual side.
struct LocalBinding {
  InetAddress ip;          // nil: any address (of `family`, or both if !v6only)
  std::uint16_t port = 0;  // 0: chosen by the stack
  int family = 4;          // the program socket's family: 4 or 6
  bool v6only = false;
  // SO_REUSEADDR. A port reservation follows the program's socket; a
  // listener always has it (so a restarted server can bind again while its
  // old connections linger; lwIP still refuses a second listener).
  bool reuse_address = true;
};

// The options a relay honours, named apart from any OS's numbers (lwIP's
// headers and the kernel's disagree on them).
enum class TcpOption { kNoDelay, kKeepAlive, kKeepIdle, kKeepInterval, kKeepCount, kMaxSegment,
                       kTos, kTtl };

class TcpRelay {
 public:
  // errno of the outcome: 0 = connected.
  using ConnectHandler = std::function<void(int error)>;
  // The relay is over and its fd closed; errno of why (0: both sides
  // finished normally).
  using CloseHandler = std::function<void(int error)>;

  struct Status {
    bool connecting = false;
    bool connected = false;  // established at some point
    bool closed = false;     // the connection is gone (the fd may still drain)
    int so_error = 0;        // pending error, as SO_ERROR reports it
    InetAddress local;
    InetAddress remote;
  };

  // Starts connecting to `remote`. nullptr with *error (an errno) if lwIP
  // refuses at once (no route: ENETUNREACH; port in use: EADDRINUSE).
  static std::shared_ptr<TcpRelay> connect(io::Poller& poller, const LocalBinding& local,
                                           const InetAddress& remote, bool nodelay,
                                           ConnectHandler on_connect, int* error);
  ~TcpRelay();
  TcpRelay(const TcpRelay&) = delete;
  TcpRelay& operator=(const TcpRelay&) = delete;

  // Starts carrying the connection to `fd` (a stream socket, made
  // nonblocking; owned from now on). The first `gate` bytes read from it
  // are discarded once the connection is established: they are the filler
  // that kept the other end unwritable while connecting.
  void attach(int fd, std::size_t gate, CloseHandler on_close);
  // The owner lets go: a reset if the connection is open, the fd closed;
  // no handler runs afterwards.
  void close();
  // A listener's connection has been handed to the program: it leaves the
  // listener's backlog.
  void accepted();

  Status status(bool take_error);
  // errno: 0, or ENOPROTOOPT/EINVAL.
  int set_option(TcpOption option, int value);
  std::optional<int> get_option(TcpOption option);

 private:
  friend class TcpListener;
  explicit TcpRelay(io::Poller& poller);
  void hook(tcp_pcb* pcb);
  void unhook();
  void on_connected();
  void on_error(int error);
  void on_received(pbuf* p);
  void on_sent();
  void on_fd_events(std::uint32_t events);
  void drain_gate();
  void read_fd();
  void flush_to_fd();
  void after_progress();
  void update_interest();
  void finish(int error);
  void release();
  void close_pcb();

  // Callbacks from lwIP (C linkage types).
  static signed char lwip_connected(void* arg, tcp_pcb* pcb, signed char err);
  static signed char lwip_recv(void* arg, tcp_pcb* pcb, pbuf* p, signed char err);
  static signed char lwip_sent(void* arg, tcp_pcb* pcb, std::uint16_t len);
  static void lwip_err(void* arg, signed char err);

  io::Poller& poller_;
  std::shared_ptr<TcpRelay> self_;  // alive while lwIP or the poller may call in
  tcp_pcb* pcb_ = nullptr;
  int fd_ = -1;
  std::uint64_t token_ = 0;
  std::uint32_t events_ = 0;
  std::size_t gate_ = 0;
  bool connecting_ = false;
  bool connected_ = false;
  bool accepted_pending_ = false;  // in the listener's backlog
  bool net_fin_ = false;       // the peer sent FIN
  bool fd_write_shut_ = false; // ... and the fd was told (shutdown SHUT_WR)
  bool fd_eof_ = false;        // the fd's side will send no more
  bool fd_gone_ = false;       // the fd's other end closed: nothing more can be delivered
  bool net_tx_shut_ = false;   // FIN sent to the peer
  bool read_paused_ = false;   // lwIP's send buffer is full
  bool finished_ = false;
  bool aborted_ = false;       // a callback aborted the pcb: it must return ERR_ABRT
  int error_ = 0;              // pending SO_ERROR
  int close_error_ = 0;        // why the connection ended
  bool nodelay_ = false;
  bool keepalive_ = false;
  std::deque<pbuf*> pending_;  // received, not yet written to the fd
  std::size_t pending_offset_ = 0;  // bytes of pending_.front() already written
  InetAddress local_;
  InetAddress remote_;
  ConnectHandler on_connect_;
  CloseHandler on_close_;
};

class TcpListener {
 public:
  // A new connection, established, not yet attached. Poller thread.
  using AcceptHandler = std::function<void(std::shared_ptr<TcpRelay> relay)>;

  // nullptr with *error (EADDRINUSE, EADDRNOTAVAIL, ENOMEM).
  static std::shared_ptr<TcpListener> listen(io::Poller& poller, const LocalBinding& local,
                                             int backlog, AcceptHandler on_accept, int* error);
  ~TcpListener();
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  InetAddress local() const { return local_; }
  std::uint16_t port() const { return local_.port(); }
  // Stops listening; connections already handed out are not affected.
  void close();

 private:
  explicit TcpListener(io::Poller& poller) : poller_(poller) {}
  static signed char lwip_accept(void* arg, tcp_pcb* pcb, signed char err);

  io::Poller& poller_;
  std::shared_ptr<TcpListener> self_;
  tcp_pcb* pcb_ = nullptr;
  InetAddress local_;
  AcceptHandler on_accept_;
};

// A TCP port held on the virtual side by a socket that is bound but not
// yet connecting or listening (bind() then getsockname() must show the
// port). Released when the socket goes on to connect or listen, which
// bind the same address again.
class TcpPortReservation {
 public:
  // nullptr with *error (EADDRINUSE, EADDRNOTAVAIL, ENOMEM).
  static std::unique_ptr<TcpPortReservation> reserve(const LocalBinding& local, int* error);
  ~TcpPortReservation();
  TcpPortReservation(const TcpPortReservation&) = delete;
  TcpPortReservation& operator=(const TcpPortReservation&) = delete;
  // The binding with the port lwIP chose.
  const LocalBinding& binding() const { return binding_; }

 private:
  TcpPortReservation() = default;
  tcp_pcb* pcb_ = nullptr;
  LocalBinding binding_;
};

}  // namespace zt::stack
