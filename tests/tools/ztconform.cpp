// The intercept's conformance probe: the same call sequences on ordinary
// sockets, printed as return values and errno names, so a run against the
// kernel and a run under libztintercept.so can be compared line by line.
// Addresses and ports differ between the two runs and are not printed;
// what is printed must be the same.
//
//   ztconform serve PORT
//       TCP echo on PORT (echoes, then closes after the client's FIN), a
//       TCP port PORT+1 that accepts and closes at once, UDP echo on PORT.
//   ztconform run HOST PORT CLOSED_PORT DARK_IP SELF_IP
//       HOST runs `serve PORT`; CLOSED_PORT has no listener; DARK_IP never
//       answers (a connect to it stays in progress); SELF_IP is this
//       host's own address on the network under test.
//   ztconform exec-child FD PORT
//       (internal) checks a socket inherited across exec.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

namespace {

const char* error_name(int e) {
  switch (e) {
    case 0: return "0";
    case EAGAIN: return "EAGAIN";
    case EINPROGRESS: return "EINPROGRESS";
    case EALREADY: return "EALREADY";
    case EISCONN: return "EISCONN";
    case ENOTCONN: return "ENOTCONN";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ECONNRESET: return "ECONNRESET";
    case ECONNABORTED: return "ECONNABORTED";
    case EPIPE: return "EPIPE";
    case EINVAL: return "EINVAL";
    case EBADF: return "EBADF";
    case EDESTADDRREQ: return "EDESTADDRREQ";
    case EMSGSIZE: return "EMSGSIZE";
    case EADDRINUSE: return "EADDRINUSE";
    case ETIMEDOUT: return "ETIMEDOUT";
    case ENETUNREACH: return "ENETUNREACH";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    default: return strerror(e);
  }
}

// "ret errno" of a call that returns -1 on error.
std::string outcome(long result) {
  if (result >= 0) return "ok";
  return std::string("-1 ") + error_name(errno);
}

void line(const char* scenario, const std::string& what) { printf("%s: %s\n", scenario, what.c_str()); }

sockaddr_in address(const char* ip, int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, ip, &a.sin_addr);
  return a;
}

int tcp_socket(bool nonblocking) {
  return socket(AF_INET, SOCK_STREAM | (nonblocking ? SOCK_NONBLOCK : 0), 0);
}

long connect_to(int fd, const char* ip, int port) {
  const sockaddr_in a = address(ip, port);
  return connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a);
}

int so_error(int fd) {
  int e = -1;
  socklen_t len = sizeof e;
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len);
  return e;
}

int int_option(int fd, int level, int name) {
  int v = -1;
  socklen_t len = sizeof v;
  if (getsockopt(fd, level, name, &v, &len) != 0) return -errno;
  return v;
}

// Whether poll says the fd is done connecting (writable, or hung up/errored).
bool poll_settled(int fd, int timeout_ms) {
  pollfd p{fd, POLLOUT, 0};
  return poll(&p, 1, timeout_ms) == 1 && (p.revents & (POLLOUT | POLLHUP | POLLERR));
}

bool wait_readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, timeout_ms) == 1;
}

std::string read_some(int fd, size_t n) {
  std::string got;
  while (got.size() < n && wait_readable(fd, 5000)) {
    char buffer[4096];
    const ssize_t r = read(fd, buffer, std::min(sizeof buffer, n - got.size()));
    if (r <= 0) break;
    got.append(buffer, static_cast<size_t>(r));
  }
  return got;
}

// ---- the server ------------------------------------------------------------------

int listening(int port, int type) {
  const int fd = socket(AF_INET, type, 0);
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  const sockaddr_in a = address("0.0.0.0", port);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
    perror("bind");
    exit(2);
  }
  if (type == SOCK_STREAM) listen(fd, 64);
  return fd;
}

[[noreturn]] void serve(int port) {
  signal(SIGPIPE, SIG_IGN);
  const int echo = listening(port, SOCK_STREAM);
  const int closer = listening(port + 1, SOCK_STREAM);
  const int udp = listening(port, SOCK_DGRAM);
  std::thread([closer] {
    for (;;) {
      const int c = accept(closer, nullptr, nullptr);
      if (c >= 0) close(c);
    }
  }).detach();
  std::thread([udp] {
    char buffer[65536];
    for (;;) {
      sockaddr_storage from{};
      socklen_t len = sizeof from;
      const ssize_t n = recvfrom(udp, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n >= 0) sendto(udp, buffer, static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), len);
    }
  }).detach();
  printf("serving\n");
  fflush(stdout);
  for (;;) {
    const int c = accept(echo, nullptr, nullptr);
    if (c < 0) continue;
    std::thread([c] {
      char buffer[65536];
      for (;;) {
        const ssize_t n = read(c, buffer, sizeof buffer);
        if (n <= 0) break;
        if (write(c, buffer, static_cast<size_t>(n)) != n) break;
      }
      close(c);
    }).detach();
  }
}

// ---- the scenarios ----------------------------------------------------------------

struct Target {
  const char* host;
  int port;
  int closed_port;
  const char* dark;
  const char* self;
};

void refused(const Target& t) {
  int fd = tcp_socket(false);
  line("refused.blocking", outcome(connect_to(fd, t.host, t.closed_port)));
  close(fd);
  fd = tcp_socket(true);
  line("refused.nonblocking", outcome(connect_to(fd, t.host, t.closed_port)));
  line("refused.settled", poll_settled(fd, 5000) ? "yes" : "no");
  line("refused.so_error", error_name(so_error(fd)));
  line("refused.so_error_again", error_name(so_error(fd)));
  line("refused.getpeername", [&] {
    sockaddr_storage ss;
    socklen_t len = sizeof ss;
    return outcome(getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len));
  }());
  line("refused.connect_again", outcome(connect_to(fd, t.host, t.closed_port)));
  line("refused.connect_third", outcome(connect_to(fd, t.host, t.closed_port)));
  close(fd);
}

void in_progress(const Target& t) {
  const int fd = tcp_socket(true);
  line("dark.connect", outcome(connect_to(fd, t.dark, 80)));
  line("dark.connect_again", outcome(connect_to(fd, t.dark, 80)));
  line("dark.settled", poll_settled(fd, 200) ? "yes" : "no");
  line("dark.so_error", error_name(so_error(fd)));
  sockaddr_storage ss;
  socklen_t len = sizeof ss;
  line("dark.getpeername", outcome(getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len)));
  line("dark.write", outcome(send(fd, "x", 1, MSG_NOSIGNAL)));
  line("dark.nonblocking_kept", (fcntl(fd, F_GETFL) & O_NONBLOCK) ? "yes" : "no");
  close(fd);
}

void connected(const Target& t) {
  int fd = tcp_socket(false);
  const int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  line("echo.connect", outcome(connect_to(fd, t.host, t.port)));
  line("echo.connect_again", outcome(connect_to(fd, t.host, t.port)));
  line("echo.cloexec_kept", (fcntl(fd, F_GETFD) & FD_CLOEXEC) ? "yes" : "no");
  line("echo.nodelay_kept", std::to_string(int_option(fd, IPPROTO_TCP, TCP_NODELAY)));
  line("echo.so_type", std::to_string(int_option(fd, SOL_SOCKET, SO_TYPE)));
  line("echo.so_domain", std::to_string(int_option(fd, SOL_SOCKET, SO_DOMAIN)));
  line("echo.so_protocol", std::to_string(int_option(fd, SOL_SOCKET, SO_PROTOCOL)));
  line("echo.so_acceptconn", std::to_string(int_option(fd, SOL_SOCKET, SO_ACCEPTCONN)));
  sockaddr_in peer{};
  socklen_t len = sizeof peer;
  getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len);
  line("echo.peer", (ntohs(peer.sin_port) == t.port && peer.sin_family == AF_INET &&
                     peer.sin_addr.s_addr == address(t.host, 0).sin_addr.s_addr)
                        ? "matches"
                        : "differs");
  sockaddr_in self{};
  len = sizeof self;
  getsockname(fd, reinterpret_cast<sockaddr*>(&self), &len);
  line("echo.self", self.sin_addr.s_addr == address(t.self, 0).sin_addr.s_addr && self.sin_port != 0
                        ? "matches" : "differs");
  line("echo.recv_nothing_yet", outcome(recv(fd, &peer, 1, MSG_DONTWAIT)));
  line("echo.send", outcome(send(fd, "ping", 4, 0)));
  line("echo.reply", read_some(fd, 4));
  // readv/writev and a large exchange.
  std::string big(300000, 'z');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  std::thread writer([&] {
    size_t sent = 0;
    while (sent < big.size()) {
      const ssize_t n = write(fd, big.data() + sent, big.size() - sent);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
  });
  const std::string got = read_some(fd, big.size());
  writer.join();
  line("echo.large", got == big ? "intact" : "damaged");
  line("echo.shutdown_wr", outcome(shutdown(fd, SHUT_WR)));
  char c;
  line("echo.eof_after_shutdown", wait_readable(fd, 5000) ? outcome(read(fd, &c, 1)) + (c == 0 ? "" : "") : "timeout");
  close(fd);

  // The peer closes at once: reading gives end of file, and writing soon
  // fails (EPIPE or ECONNRESET: whichever comes first is timing).
  fd = tcp_socket(false);
  line("closer.connect", outcome(connect_to(fd, t.host, t.port + 1)));
  line("closer.read", wait_readable(fd, 5000) ? outcome(read(fd, &c, 1)) : "timeout");
  std::string broken = "no";
  for (int i = 0; i < 50; ++i) {
    if (send(fd, "data", 4, MSG_NOSIGNAL) < 0) {
      broken = (errno == EPIPE || errno == ECONNRESET) ? "EPIPE|ECONNRESET" : error_name(errno);
      break;
    }
    usleep(20000);
  }
  line("closer.write_fails", broken);
  close(fd);

  fd = tcp_socket(false);
  line("unconnected.shutdown", outcome(shutdown(fd, SHUT_RDWR)));
  line("unconnected.getpeername", [&] {
    sockaddr_storage ss;
    socklen_t l = sizeof ss;
    return outcome(getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &l));
  }());
  line("unconnected.send", outcome(send(fd, "x", 1, MSG_NOSIGNAL)));
  close(fd);
}

void listener(const Target& t) {
  const int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const sockaddr_in any = address("0.0.0.0", 0);
  line("listen.bind", outcome(bind(l, reinterpret_cast<const sockaddr*>(&any), sizeof any)));
  line("listen.listen", outcome(listen(l, 16)));
  line("listen.so_acceptconn", std::to_string(int_option(l, SOL_SOCKET, SO_ACCEPTCONN)));
  line("listen.accept_none", outcome(accept(l, nullptr, nullptr)));
  sockaddr_in bound{};
  socklen_t len = sizeof bound;
  getsockname(l, reinterpret_cast<sockaddr*>(&bound), &len);
  const int port = ntohs(bound.sin_port);
  line("listen.port_known", port != 0 ? "yes" : "no");
  // epoll, level-triggered, sees the pending connection.
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = l;
  epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
  const int c = tcp_socket(false);
  line("listen.connect_self", outcome(connect_to(c, t.self, port)));
  epoll_event out[4];
  line("listen.epoll_ready", epoll_wait(ep, out, 4, 5000) == 1 && (out[0].events & EPOLLIN) ? "yes" : "no");
  sockaddr_in from{};
  len = sizeof from;
  const int a = accept4(l, reinterpret_cast<sockaddr*>(&from), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  line("listen.accept", a >= 0 ? "ok" : outcome(a));
  line("listen.accepted_flags", (fcntl(a, F_GETFL) & O_NONBLOCK) && (fcntl(a, F_GETFD) & FD_CLOEXEC) ? "nonblock+cloexec" : "wrong");
  sockaddr_in mine{};
  len = sizeof mine;
  getsockname(c, reinterpret_cast<sockaddr*>(&mine), &len);
  line("listen.peer_is_client", from.sin_port == mine.sin_port ? "yes" : "no");
  line("listen.accepted_recv_empty", outcome(recv(a, &from, 1, 0)));
  send(c, "hi", 2, 0);
  line("listen.accepted_reads", read_some(a, 2));
  close(c);
  close(a);
  close(ep);
  close(l);
}

void epoll_modes(const Target& t) {
  // Nonblocking connect, then registered: EPOLLOUT once connected.
  const int fd = tcp_socket(true);
  line("epoll.connect", outcome(connect_to(fd, t.host, t.port)));
  const int ep = epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLOUT | EPOLLET;
  ev.data.fd = fd;
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  epoll_event out[4];
  int n = epoll_wait(ep, out, 4, 5000);
  line("epoll.connected_event", n == 1 && (out[0].events & EPOLLOUT) && !(out[0].events & (EPOLLERR | EPOLLHUP)) ? "EPOLLOUT" : "other");
  line("epoll.so_error", error_name(so_error(fd)));
  // Level-triggered: readable again and again until read.
  ev.events = EPOLLIN;
  epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
  send(fd, "0123456789", 10, 0);
  int level_events = 0;
  for (int i = 0; i < 3; ++i) level_events += epoll_wait(ep, out, 4, 5000) == 1 ? 1 : 0;
  line("epoll.level_repeats", std::to_string(level_events));
  std::string got = read_some(fd, 10);
  line("epoll.level_data", got);
  line("epoll.level_quiet", std::to_string(epoll_wait(ep, out, 4, 100)));
  // Edge-triggered: one event per arrival, however much is left unread.
  ev.events = EPOLLIN | EPOLLET;
  epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
  send(fd, "abcdef", 6, 0);
  line("epoll.edge_first", std::to_string(epoll_wait(ep, out, 4, 5000)));
  usleep(100000);  // the whole echo is in
  char two[2];
  read(fd, two, 2);
  line("epoll.edge_no_repeat", std::to_string(epoll_wait(ep, out, 4, 100)));
  send(fd, "gh", 2, 0);
  line("epoll.edge_on_new_data", std::to_string(epoll_wait(ep, out, 4, 5000)));
  usleep(100000);
  line("epoll.edge_rest", read_some(fd, 6));
  close(ep);
  close(fd);
}

void udp(const Target& t) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  char buffer[70000];
  line("udp.recv_nothing", outcome(recv(fd, buffer, sizeof buffer, MSG_DONTWAIT)));
  line("udp.send_unconnected", outcome(send(fd, "x", 1, 0)));
  const sockaddr_in to = address(t.host, t.port);
  line("udp.sendto_too_big", outcome(sendto(fd, buffer, 65508, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to)));
  std::string result = "no reply";
  for (int attempt = 0; attempt < 5 && result == "no reply"; ++attempt) {
    sendto(fd, "hello udp", 9, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    if (!wait_readable(fd, 1000)) continue;
    int pending = -1;
    ioctl(fd, FIONREAD, &pending);
    sockaddr_in from{};
    socklen_t len = sizeof from;
    const ssize_t n = recvfrom(fd, buffer, 4, MSG_TRUNC, reinterpret_cast<sockaddr*>(&from), &len);
    result = "fionread=" + std::to_string(pending) + " trunc_len=" + std::to_string(n) +
             (from.sin_port == to.sin_port && from.sin_addr.s_addr == to.sin_addr.s_addr ? " from=server" : " from=other");
  }
  line("udp.echo", result);
  line("udp.so_type", std::to_string(int_option(fd, SOL_SOCKET, SO_TYPE)));
  line("udp.connect", outcome(connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to)));
  result = "no reply";
  for (int attempt = 0; attempt < 5 && result == "no reply"; ++attempt) {
    send(fd, "again", 5, 0);
    if (!wait_readable(fd, 1000)) continue;
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    result = std::string(buffer, n > 0 ? static_cast<size_t>(n) : 0);
  }
  line("udp.connected_echo", result);
  close(fd);
}

void descriptors(const Target& t, const char* self_path) {
  const int fd = tcp_socket(false);
  connect_to(fd, t.host, t.port);
  const int copy = dup(fd);
  close(fd);
  send(copy, "dup!", 4, 0);
  line("dup.echo", read_some(copy, 4));
  const int high = fcntl(copy, F_DUPFD_CLOEXEC, 200);
  sockaddr_in peer{};
  socklen_t len = sizeof peer;
  line("dup.fcntl_peer", getpeername(high, reinterpret_cast<sockaddr*>(&peer), &len) == 0 && ntohs(peer.sin_port) == t.port ? "matches" : "differs");
  close(high);
  // fork: the child writes, the parent reads the echo.
  const pid_t child = fork();
  if (child == 0) {
    send(copy, "child", 5, 0);
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  line("fork.echo_of_child", read_some(copy, 5));
  // exec: the socket survives into a new program, which recognizes it.
  const int kept = dup2(copy, 150);
  const int closed_on_exec = fcntl(copy, F_DUPFD_CLOEXEC, 160);
  const pid_t exec_child = fork();
  if (exec_child == 0) {
    execl(self_path, self_path, "exec-child", "150", std::to_string(t.port).c_str(),
          std::to_string(closed_on_exec).c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  waitpid(exec_child, &status, 0);
  line("exec.child_exit", std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  close(kept);
  close(closed_on_exec);
  close(copy);
}

// Binding to this host's own address on the network: ports held, conflicts
// refused unless SO_REUSEADDR, one listener per port, a bound socket
// connecting from its port.
void binding(const Target& t) {
  auto bound_port = [](int fd) {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    return static_cast<int>(ntohs(a.sin_port));
  };
  auto bind_self = [&](int fd, int port) {
    const sockaddr_in a = address(t.self, port);
    return bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a);
  };
  const int first = tcp_socket(false);
  line("bind.self", outcome(bind_self(first, 0)));
  const int port = bound_port(first);
  line("bind.port_shown", port != 0 ? "yes" : "no");
  const int second = tcp_socket(false);
  line("bind.same_port", outcome(bind_self(second, port)));
  line("bind.again_same_socket", outcome(bind_self(first, 0)));
  line("bind.connect_from_bound", outcome(connect_to(first, t.host, t.port)));
  line("bind.connected_from_port", bound_port(first) == port ? "yes" : "no");
  close(first);
  close(second);
  const int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
  line("bind.udp_self", outcome(bind_self(u1, 0)));
  line("bind.udp_same_port", outcome(bind_self(u2, bound_port(u1))));
  close(u1);
  close(u2);
  const int on = 1;
  const int r1 = tcp_socket(false), r2 = tcp_socket(false);
  setsockopt(r1, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  setsockopt(r2, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  bind_self(r1, 0);
  line("bind.reuseaddr_both", outcome(bind_self(r2, bound_port(r1))));
  line("bind.first_listen", outcome(listen(r1, 4)));
  line("bind.second_listen", outcome(listen(r2, 4)));
  close(r1);
  close(r2);
}

// Threads making connections at once (each socket call of each thread is
// a request of its own to the service under the intercept).
void threads(const Target& t) {
  constexpr int kThreads = 8, kRounds = 20;
  std::vector<std::thread> workers;
  std::vector<int> ok(kThreads, 0);
  for (int i = 0; i < kThreads; ++i)
    workers.emplace_back([&, i] {
      for (int r = 0; r < kRounds; ++r) {
        const int fd = tcp_socket(false);
        const std::string message = "t" + std::to_string(i) + "r" + std::to_string(r);
        if (connect_to(fd, t.host, t.port) == 0 && send(fd, message.data(), message.size(), 0) > 0 &&
            read_some(fd, message.size()) == message)
          ++ok[i];
        close(fd);
      }
    });
  for (auto& w : workers) w.join();
  int total = 0;
  for (int n : ok) total += n;
  line("threads.connections_echoed", std::to_string(total) + " of " + std::to_string(kThreads * kRounds));
}

int exec_child(int fd, int port, int cloexec_fd) {
  sockaddr_in peer{};
  socklen_t len = sizeof peer;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0 || ntohs(peer.sin_port) != port) return 3;
  if (fcntl(cloexec_fd, F_GETFD) != -1 || errno != EBADF) return 4;  // close-on-exec honoured
  if (send(fd, "exec", 4, 0) != 4) return 5;
  return read_some(fd, 4) == "exec" ? 0 : 6;
}

}  // namespace

int main(int argc, char** argv) {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  if (argc == 3 && strcmp(argv[1], "serve") == 0) serve(atoi(argv[2]));
  if (argc == 5 && strcmp(argv[1], "exec-child") == 0) return exec_child(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
  if (argc != 7 || strcmp(argv[1], "run") != 0) {
    fprintf(stderr, "usage: ztconform serve PORT | run HOST PORT CLOSED_PORT DARK_IP SELF_IP\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  const Target t{argv[2], atoi(argv[3]), atoi(argv[4]), argv[5], argv[6]};
  refused(t);
  in_progress(t);
  connected(t);
  listener(t);
  epoll_modes(t);
  udp(t);
  binding(t);
  threads(t);
  descriptors(t, "/proc/self/exe");
  return 0;
}
