// TcpRelay and TcpListener over lwIP's raw TCP API (see tcp_relay.hpp).
//
// Who calls what: lwIP's callbacks run under the core lock on the tcpip
// thread (timers), the service's loop thread (frames coming in) or the
// poller thread (our own tcp_output). The fd's events run on the poller
// thread, which takes the lock. Everything that touches the relay's state
// holds the lock, so the relay needs no lock of its own.
//
// The fd stays open while either direction still has work. A peer's FIN
// becomes shutdown(fd, SHUT_WR) once the data before it is written; a reset
// or the end of both directions closes the fd (the holder of the other end
// then sees end-of-file, EPIPE on writes and POLLHUP, as after a TCP reset).
#include "stack/tcp_relay.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "lwip/tcp.h"
#include "stack/lwip_address.hpp"
#include "stack/stack_runtime.hpp"
#include "stack/time_wait.hpp"

namespace zt::stack {
namespace {

// Reads from the fd are at most this big: tcp_write takes a 16-bit length.
constexpr std::size_t kReadChunk = 0xffff;
// The fd is read again once this much send buffer is free, so a paused
// relay resumes with a worthwhile read rather than a trickle. (lwIP reports
// free space through a 16-bit view: this must stay below 64 KiB.)
constexpr std::size_t kResumeSpace = 32 * 1024;
// Segments lwIP may still queue before tcp_write fails for lack of them.
constexpr unsigned kQueueReserve = 8;
constexpr int kMaxIov = 64;

int errno_of(err_t err, bool connecting) {
  switch (err) {
    case ERR_RST: return connecting ? ECONNREFUSED : ECONNRESET;
    case ERR_ABRT: return ETIMEDOUT;  // lwIP's timers gave up (SYN, retransmission, keepalive)
    case ERR_CLSD: return 0;          // both sides closed; lwIP freed the pcb
    case ERR_MEM: return ENOMEM;
    case ERR_RTE: return ENETUNREACH;
    case ERR_USE: return EADDRINUSE;
    case ERR_VAL: return EINVAL;
    default: return ECONNABORTED;
  }
}

void set_nonblocking(int fd) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags >= 0 && !(flags & O_NONBLOCK)) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

u8_t pcb_type(const LocalBinding& b) {
  if (b.ip.is_v4()) return IPADDR_TYPE_V4;
  if (b.ip.is_v6()) return IPADDR_TYPE_V6;
  if (b.family == 4) return IPADDR_TYPE_V4;
  return b.v6only ? IPADDR_TYPE_V6 : IPADDR_TYPE_ANY;
}

ip_addr_t bind_address(const LocalBinding& b, u8_t type) {
  if (!b.ip.is_nil()) return to_ip_addr(b.ip);
  if (type == IPADDR_TYPE_V4) return *IP4_ADDR_ANY;
  if (type == IPADDR_TYPE_V6) return *IP6_ADDR_ANY;
  return *IP_ANY_TYPE;
}

}  // namespace

// ---- connecting and accepting -----------------------------------------------

TcpRelay::TcpRelay(io::Poller& poller) : poller_(poller) {}

// By the time the last reference goes, finish() or close() has unhooked the
// pcb and closed the fd (the release waits for the core lock, see release()).
TcpRelay::~TcpRelay() = default;

// Drops the relay's own reference on the poller thread, after taking the
// core lock once: a callback that was already running on another thread
// (holding the lock) has then returned, and no new one can start.
void TcpRelay::release() {
  poller_.post([self = std::move(self_)]() mutable {
    { CoreLock barrier; }
    self.reset();
  });
}

void TcpRelay::close_pcb() {
  tcp_pcb* pcb = pcb_;
  unhook();
  if (tcp_close(pcb) != ERR_OK) {
    tcp_abort(pcb);
    aborted_ = true;
  }
}

std::shared_ptr<TcpRelay> TcpRelay::connect(io::Poller& poller, const LocalBinding& local,
                                            const InetAddress& remote, bool nodelay,
                                            ConnectHandler on_connect, int* error) {
  CoreLock lock;
  const u8_t type = remote.is_v4() ? IPADDR_TYPE_V4 : IPADDR_TYPE_V6;
  tcp_pcb* pcb = tcp_new_ip_type(type);
  if (!pcb) {
    *error = ENOMEM;
    return nullptr;
  }
  ip_set_option(pcb, SOF_REUSEADDR);
  if (!local.ip.is_nil() || local.port != 0) {
    LocalBinding b = local;
    b.family = remote.is_v4() ? 4 : 6;
    const ip_addr_t ip = bind_address(b, type);
    const err_t err = tcp_bind(pcb, &ip, local.port);
    if (err != ERR_OK) {
      tcp_close(pcb);
      *error = err == ERR_USE ? EADDRINUSE : EADDRNOTAVAIL;
      return nullptr;
    }
  }
  std::shared_ptr<TcpRelay> relay(new TcpRelay(poller));
  relay->self_ = relay;
  relay->remote_ = remote;
  relay->connecting_ = true;
  relay->on_connect_ = std::move(on_connect);
  relay->hook(pcb);
  if (nodelay) {
    tcp_nagle_disable(pcb);
    relay->nodelay_ = true;
  }
  const ip_addr_t to = to_ip_addr(remote);
  limit_time_wait();
  err_t err = tcp_connect(pcb, &to, remote.port(), lwip_connected);
  // No ephemeral port free: take one from TIME-WAIT (time_wait.hpp).
  for (int tries = 0; err == ERR_BUF && tries < 8 && release_oldest_time_wait(); ++tries)
    err = tcp_connect(pcb, &to, remote.port(), lwip_connected);
  if (err != ERR_OK) {
    relay->unhook();
    tcp_close(pcb);
    relay->finished_ = true;
    relay->self_.reset();
    *error = errno_of(err, true);
    return nullptr;
  }
  relay->local_ = from_ip_addr(pcb->local_ip, pcb->local_port);
  return relay;
}

void TcpRelay::hook(tcp_pcb* pcb) {
  pcb_ = pcb;
  tcp_arg(pcb, this);
  tcp_recv(pcb, lwip_recv);
  tcp_sent(pcb, lwip_sent);
  tcp_err(pcb, lwip_err);
}

void TcpRelay::unhook() {
  if (!pcb_) return;
  tcp_arg(pcb_, nullptr);
  tcp_recv(pcb_, nullptr);
  tcp_sent(pcb_, nullptr);
  tcp_err(pcb_, nullptr);
  pcb_ = nullptr;
}

// Each callback returns ERR_ABRT if it ended up aborting the pcb, as lwIP
// requires. The relay outlives the call (see release()).
err_t TcpRelay::lwip_connected(void* arg, tcp_pcb*, err_t) {
  if (!arg) return ERR_OK;
  auto* relay = static_cast<TcpRelay*>(arg);
  relay->aborted_ = false;
  relay->on_connected();
  return relay->aborted_ ? ERR_ABRT : ERR_OK;
}

void TcpRelay::on_connected() {
  connecting_ = false;
  connected_ = true;
  local_ = from_ip_addr(pcb_->local_ip, pcb_->local_port);
  if (on_connect_) {
    // Posted: the owner runs on the poller thread; data the peer sends
    // meanwhile waits in pending_ until the owner attaches an fd.
    poller_.post([self = self_, handler = std::move(on_connect_)] { handler(0); });
    on_connect_ = nullptr;
  }
  if (fd_ >= 0) {
    drain_gate();
    update_interest();
  }
}

void TcpRelay::lwip_err(void* arg, err_t err) {
  if (arg) static_cast<TcpRelay*>(arg)->on_error(err);
}

// lwIP has freed the pcb.
void TcpRelay::on_error(int lwip_err) {
  const bool was_connecting = connecting_;
  pcb_ = nullptr;
  connecting_ = false;
  const int e = errno_of(static_cast<err_t>(lwip_err), was_connecting);
  error_ = e;
  close_error_ = e;
  if (on_connect_) {
    poller_.post([self = self_, handler = std::move(on_connect_), e] { handler(e ? e : ECONNRESET); });
    on_connect_ = nullptr;
  }
  after_progress();
}

void TcpRelay::accepted() {
  CoreLock lock;
  if (accepted_pending_ && pcb_) tcp_backlog_accepted(pcb_);
  accepted_pending_ = false;
}

// ---- the fd ------------------------------------------------------------------

void TcpRelay::attach(int fd, std::size_t gate, CloseHandler on_close) {
  set_nonblocking(fd);
  CoreLock lock;
  if (finished_) {
    ::close(fd);
    if (on_close) poller_.post([on_close, e = close_error_] { on_close(e); });
    return;
  }
  fd_ = fd;
  gate_ = gate;
  on_close_ = std::move(on_close);
  events_ = 0;
  token_ = poller_.add(fd, 0, [this](std::uint32_t events) {
    CoreLock lock;
    on_fd_events(events);
  });
  if (token_ == 0) {
    fd_gone_ = true;
    fd_eof_ = true;
  }
  if (connected_) drain_gate();
  flush_to_fd();
  after_progress();
}

void TcpRelay::drain_gate() {
  static thread_local std::uint8_t scratch[kReadChunk];
  while (gate_ > 0 && fd_ >= 0) {
    const ssize_t n = recv(fd_, scratch, std::min(gate_, sizeof scratch), MSG_DONTWAIT);
    if (n <= 0) break;  // written before the fd was handed over: always all there
    gate_ -= static_cast<std::size_t>(n);
  }
}

void TcpRelay::on_fd_events(std::uint32_t events) {
  if (finished_ || fd_ < 0) return;
  if (events & (EPOLLHUP | EPOLLERR)) {
    // The other end is closed (or both directions are shut): read what is
    // left, then the data can go nowhere. The fd is no longer watched (a
    // hang-up cannot be masked); lwIP's sent callback drives the rest.
    fd_gone_ = true;
    poller_.remove(fd_, token_);
    token_ = 0;
  }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) read_fd();
  if (events & EPOLLOUT) flush_to_fd();
  after_progress();
}

void TcpRelay::read_fd() {
  static thread_local std::uint8_t buffer[kReadChunk];
  if (!pcb_ || !connected_ || fd_ < 0 || fd_eof_ || gate_ > 0) return;
  bool wrote = false;
  for (;;) {
    std::size_t space = tcp_sndbuf(pcb_);
    if (tcp_sndqueuelen(pcb_) + kQueueReserve >= TCP_SND_QUEUELEN) space = 0;
    if (space == 0) {
      read_paused_ = true;
      break;
    }
    const ssize_t n = recv(fd_, buffer, std::min(space, sizeof buffer), MSG_DONTWAIT);
    if (n > 0) {
      if (tcp_write(pcb_, buffer, static_cast<u16_t>(n), TCP_WRITE_FLAG_COPY) != ERR_OK) {
        // Only when memory ran out: the bytes are lost, so the stream is broken.
        error_ = close_error_ = ENOMEM;
        tcp_pcb* pcb = pcb_;
        unhook();
        tcp_abort(pcb);
        aborted_ = true;
        return;
      }
      wrote = true;
      if (static_cast<std::size_t>(n) < std::min(space, sizeof buffer)) break;  // drained for now
      continue;
    }
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      fd_eof_ = true;
      break;
    }
    if (errno != EINTR) break;
  }
  if (wrote) tcp_output(pcb_);
}

void TcpRelay::flush_to_fd() {
  if (fd_ < 0) return;
  if (fd_gone_) {
    // Nobody will read it. Left unacknowledged, so closing the pcb resets
    // the connection, as a kernel socket closed with unread data does.
    return;
  }
  while (!pending_.empty()) {
    iovec iov[kMaxIov];
    int count = 0;
    std::size_t offset = pending_offset_;
    for (pbuf* head : pending_) {
      for (pbuf* q = head; q && count < kMaxIov; q = q->next) {
        if (offset >= q->len) {
          offset -= q->len;
          continue;
        }
        iov[count].iov_base = static_cast<std::uint8_t*>(q->payload) + offset;
        iov[count].iov_len = q->len - offset;
        offset = 0;
        ++count;
      }
      if (count == kMaxIov) break;
    }
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<std::size_t>(count);
    const ssize_t n = sendmsg(fd_, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) fd_gone_ = true;
      return;
    }
    std::size_t done = static_cast<std::size_t>(n);
    const std::size_t acked = done;
    while (done > 0) {
      pbuf* head = pending_.front();
      const std::size_t left = head->tot_len - pending_offset_;
      if (done < left) {
        pending_offset_ += done;
        break;
      }
      done -= left;
      pbuf_free(head);
      pending_.pop_front();
      pending_offset_ = 0;
    }
    for (std::size_t left = acked; pcb_ && left > 0;) {
      const u16_t chunk = static_cast<u16_t>(std::min<std::size_t>(left, 0xffff));
      tcp_recved(pcb_, chunk);
      left -= chunk;
    }
  }
  if (net_fin_ && !fd_write_shut_) {
    shutdown(fd_, SHUT_WR);
    fd_write_shut_ = true;
  }
}

// ---- lwIP's data callbacks -------------------------------------------------------

err_t TcpRelay::lwip_recv(void* arg, tcp_pcb* pcb, pbuf* p, err_t) {
  if (!arg) {
    if (p) {
      tcp_recved(pcb, p->tot_len);
      pbuf_free(p);
    }
    return ERR_OK;
  }
  auto* relay = static_cast<TcpRelay*>(arg);
  relay->aborted_ = false;
  relay->on_received(p);
  return relay->aborted_ ? ERR_ABRT : ERR_OK;
}

void TcpRelay::on_received(pbuf* p) {
  if (!p) {
    net_fin_ = true;
  } else {
    pending_.push_back(p);
  }
  flush_to_fd();
  after_progress();
}

err_t TcpRelay::lwip_sent(void* arg, tcp_pcb*, u16_t) {
  if (!arg) return ERR_OK;
  auto* relay = static_cast<TcpRelay*>(arg);
  relay->aborted_ = false;
  relay->on_sent();
  return relay->aborted_ ? ERR_ABRT : ERR_OK;
}

void TcpRelay::on_sent() {
  if (!read_paused_ || !pcb_ || tcp_sndbuf(pcb_) < kResumeSpace) return;
  read_paused_ = false;
  if (token_ != 0) {
    update_interest();
  } else if (fd_gone_) {
    // The fd is no longer watched: read what it still holds from the
    // poller thread rather than here, which may be the node's thread.
    poller_.post([self = self_] {
      CoreLock lock;
      self->read_fd();
      self->after_progress();
    });
  }
}

// ---- state changes ------------------------------------------------------------

// Called after anything happened: passes FINs on, decides whether the
// relay is over, and sets what the fd is watched for.
void TcpRelay::after_progress() {
  if (finished_ || fd_ < 0) return;  // not attached yet: nothing can finish
  if (pcb_ && !connected_ && fd_gone_) {
    // The program closed the socket while it was connecting (never from
    // inside an lwIP callback: those only come once connected).
    tcp_pcb* pcb = pcb_;
    unhook();
    tcp_abort(pcb);
    connecting_ = false;
    finish(0);
    return;
  }
  if (pcb_ && connected_ && fd_eof_) {
    if (fd_gone_) {
      // The program closed its end: close as a kernel socket would (a
      // reset if received data is still unread, otherwise a FIN).
      close_pcb();
      finish(0);
      return;
    }
    if (!net_tx_shut_) {
      tcp_shutdown(pcb_, 0, 1);
      net_tx_shut_ = true;
    }
  }
  if (!pcb_ && !connecting_ && (pending_.empty() || fd_gone_)) {
    // The connection is gone (reset, timeout, or closed on both sides)
    // and all it delivered has been written.
    finish(close_error_);
    return;
  }
  if (pcb_ && net_fin_ && net_tx_shut_ && fd_write_shut_ && pending_.empty()) {
    close_pcb();
    finish(0);
    return;
  }
  update_interest();
}

void TcpRelay::update_interest() {
  if (fd_ < 0 || token_ == 0) return;
  std::uint32_t want = 0;
  if (pcb_ && connected_ && !fd_eof_ && !read_paused_ && gate_ == 0) want |= EPOLLIN;
  if (!pending_.empty() && !fd_gone_) want |= EPOLLOUT;
  if (want != events_) {
    events_ = want;
    poller_.modify(fd_, token_, want);
  }
}

void TcpRelay::finish(int error) {
  if (finished_) return;
  finished_ = true;
  for (pbuf* p : pending_) pbuf_free(p);
  pending_.clear();
  if (fd_ >= 0) {
    if (token_ != 0) poller_.remove(fd_, token_);
    token_ = 0;
    ::close(fd_);
    fd_ = -1;
  }
  if (on_close_) poller_.post([handler = std::move(on_close_), error] { handler(error); });
  on_close_ = nullptr;
  release();
}

void TcpRelay::close() {
  CoreLock lock;
  on_close_ = nullptr;
  on_connect_ = nullptr;
  if (pcb_) {
    if (connected_) {
      close_pcb();
    } else {
      tcp_pcb* pcb = pcb_;
      unhook();
      tcp_abort(pcb);
    }
  }
  connecting_ = false;
  finish(0);
}

// ---- status and options -------------------------------------------------------------

TcpRelay::Status TcpRelay::status(bool take_error) {
  CoreLock lock;
  Status s;
  s.connecting = connecting_;
  s.connected = connected_;
  s.closed = !pcb_ && !connecting_;
  s.so_error = error_;
  s.local = local_;
  s.remote = remote_;
  if (take_error) error_ = 0;
  return s;
}

int TcpRelay::set_option(TcpOption option, int value) {
  CoreLock lock;
  switch (option) {
    case TcpOption::kNoDelay:
      nodelay_ = value != 0;
      if (pcb_) {
        if (nodelay_) tcp_nagle_disable(pcb_); else tcp_nagle_enable(pcb_);
      }
      return 0;
    case TcpOption::kKeepAlive:
      keepalive_ = value != 0;
      if (pcb_) {
        if (keepalive_) ip_set_option(pcb_, SOF_KEEPALIVE); else ip_reset_option(pcb_, SOF_KEEPALIVE);
      }
      return 0;
    case TcpOption::kKeepIdle:
    case TcpOption::kKeepInterval:
    case TcpOption::kKeepCount:
      if (value < 1 || value > 32767) return EINVAL;
      if (pcb_) {
        if (option == TcpOption::kKeepIdle) pcb_->keep_idle = static_cast<u32_t>(value) * 1000;
        if (option == TcpOption::kKeepInterval) pcb_->keep_intvl = static_cast<u32_t>(value) * 1000;
        if (option == TcpOption::kKeepCount) pcb_->keep_cnt = static_cast<u32_t>(value);
      }
      return 0;
    case TcpOption::kTos:
      if (pcb_) pcb_->tos = static_cast<u8_t>(value);
      return 0;
    case TcpOption::kTtl:
      if (value < 1 || value > 255) return EINVAL;
      if (pcb_) pcb_->ttl = static_cast<u8_t>(value);
      return 0;
    case TcpOption::kMaxSegment:
      return 0;  // accepted like Linux does before connecting; lwIP derives the MSS itself
  }
  return ENOPROTOOPT;
}

std::optional<int> TcpRelay::get_option(TcpOption option) {
  CoreLock lock;
  switch (option) {
    case TcpOption::kNoDelay: return nodelay_ ? 1 : 0;
    case TcpOption::kKeepAlive: return keepalive_ ? 1 : 0;
    case TcpOption::kKeepIdle: return pcb_ ? static_cast<int>(pcb_->keep_idle / 1000) : 7200;
    case TcpOption::kKeepInterval: return pcb_ ? static_cast<int>(pcb_->keep_intvl / 1000) : 75;
    case TcpOption::kKeepCount: return pcb_ ? static_cast<int>(pcb_->keep_cnt) : 9;
    case TcpOption::kMaxSegment: return pcb_ ? static_cast<int>(tcp_mss(pcb_)) : TCP_MSS;
    case TcpOption::kTos: return pcb_ ? pcb_->tos : 0;
    case TcpOption::kTtl: return pcb_ ? pcb_->ttl : 64;
  }
  return std::nullopt;
}

// ---- listening ------------------------------------------------------------------

std::shared_ptr<TcpListener> TcpListener::listen(io::Poller& poller, const LocalBinding& local,
                                                 int backlog, AcceptHandler on_accept,
                                                 int* error) {
  CoreLock lock;
  const u8_t type = pcb_type(local);
  tcp_pcb* pcb = tcp_new_ip_type(type);
  if (!pcb) {
    *error = ENOMEM;
    return nullptr;
  }
  ip_set_option(pcb, SOF_REUSEADDR);
  const ip_addr_t ip = bind_address(local, type);
  err_t err = tcp_bind(pcb, &ip, local.port);
  if (err != ERR_OK) {
    tcp_close(pcb);
    *error = err == ERR_USE ? EADDRINUSE : EADDRNOTAVAIL;
    return nullptr;
  }
  const std::uint16_t port = pcb->local_port;
  const u8_t depth = static_cast<u8_t>(std::clamp(backlog, 1, 255));
  tcp_pcb* listening = tcp_listen_with_backlog_and_err(pcb, depth, &err);
  if (!listening) {
    tcp_close(pcb);
    *error = errno_of(err, false);
    return nullptr;
  }
  std::shared_ptr<TcpListener> l(new TcpListener(poller));
  l->self_ = l;
  l->pcb_ = listening;
  l->local_ = local.ip.is_nil() ? InetAddress() : local.ip;
  l->local_.set_port(port);
  l->on_accept_ = std::move(on_accept);
  tcp_arg(listening, l.get());
  tcp_accept(listening, lwip_accept);
  return l;
}

TcpListener::~TcpListener() = default;

err_t TcpListener::lwip_accept(void* arg, tcp_pcb* pcb, err_t err) {
  auto* listener = static_cast<TcpListener*>(arg);
  if (!listener || err != ERR_OK || !pcb) return ERR_VAL;
  std::shared_ptr<TcpRelay> relay(new TcpRelay(listener->poller_));
  relay->self_ = relay;
  relay->hook(pcb);
  relay->connected_ = true;
  relay->local_ = from_ip_addr(pcb->local_ip, pcb->local_port);
  relay->remote_ = from_ip_addr(pcb->remote_ip, pcb->remote_port);
  // Counted against the backlog until the program has it (accepted()).
  tcp_backlog_delayed(pcb);
  relay->accepted_pending_ = true;
  listener->poller_.post([l = listener->self_, relay] {
    // A copy: the handler may close the listener, which drops its own.
    const AcceptHandler handler = l ? l->on_accept_ : nullptr;
    if (handler) handler(relay);
    else relay->close();
  });
  return ERR_OK;
}

void TcpListener::close() {
  CoreLock lock;
  on_accept_ = nullptr;
  if (pcb_) {
    tcp_arg(pcb_, nullptr);
    tcp_close(pcb_);
    pcb_ = nullptr;
  }
  if (self_)
    poller_.post([self = std::move(self_)]() mutable {
      { CoreLock barrier; }  // an accept callback running elsewhere has returned
      self.reset();
    });
}

// ---- reserving a port ---------------------------------------------------------------

std::unique_ptr<TcpPortReservation> TcpPortReservation::reserve(const LocalBinding& local,
                                                                int* error) {
  CoreLock lock;
  const u8_t type = pcb_type(local);
  tcp_pcb* pcb = tcp_new_ip_type(type);
  if (!pcb) {
    *error = ENOMEM;
    return nullptr;
  }
  if (local.reuse_address) ip_set_option(pcb, SOF_REUSEADDR);
  const ip_addr_t ip = bind_address(local, type);
  const err_t err = tcp_bind(pcb, &ip, local.port);
  if (err != ERR_OK) {
    tcp_close(pcb);
    *error = err == ERR_USE ? EADDRINUSE : EADDRNOTAVAIL;
    return nullptr;
  }
  std::unique_ptr<TcpPortReservation> r(new TcpPortReservation());
  r->pcb_ = pcb;
  r->binding_ = local;
  r->binding_.port = pcb->local_port;
  return r;
}

TcpPortReservation::~TcpPortReservation() {
  CoreLock lock;
  tcp_close(pcb_);  // an unused pcb: freed at once, the port free again
}

}  // namespace zt::stack
