// Requests to the service over its control socket. Each request takes a
// control connection of its own from a small pool (or opens one), so
// threads never wait for each other's requests; a connection goes back to
// the pool once its reply has come. Connections sit at high fd numbers,
// close-on-exec. After fork the child opens its own (pthread_atfork).
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>

#include "intercept/shim.hpp"

namespace zt::intercept {
namespace {

constexpr int kMaxIdle = 8;
constexpr int kMaxOpen = 64;
// Replies come at once, except a name lookup (a few seconds at most); a
// service that stops answering must not hang the program.
constexpr int kReplyTimeoutMs = 15000;

// Every control fd we hold, idle or in use; -1 for a free slot. Lock-free,
// because close() and dup2() consult it and may run in a signal handler.
std::atomic<int> registered[kMaxOpen];
pthread_once_t registered_once = PTHREAD_ONCE_INIT;
void clear_registered() {
  for (auto& r : registered) r.store(-1);
}
// The idle connections; an fd here is used only if still registered.
pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
int idle[kMaxIdle];
int idle_count = 0;
std::atomic<std::uint32_t> next_id{1};

bool enroll(int fd) {
  pthread_once(&registered_once, clear_registered);
  for (auto& r : registered) {
    int expected = -1;
    if (r.compare_exchange_strong(expected, fd)) return true;
  }
  return false;
}

// True if fd was ours (and is no longer).
bool unregister(int fd) {
  pthread_once(&registered_once, clear_registered);
  for (auto& r : registered) {
    int expected = fd;
    if (r.compare_exchange_strong(expected, -1)) return true;
  }
  return false;
}

bool is_registered(int fd) {
  pthread_once(&registered_once, clear_registered);
  for (auto& r : registered)
    if (r.load() == fd) return true;
  return false;
}

void discard(int fd) {
  if (unregister(fd)) real().close(fd);
}

void put_back(int fd) {
  if (!is_registered(fd)) return;  // the program closed it meanwhile
  pthread_mutex_lock(&mutex);
  const bool keep = idle_count < kMaxIdle;
  if (keep) idle[idle_count++] = fd;
  pthread_mutex_unlock(&mutex);
  if (!keep) discard(fd);
}

}  // namespace

void control_prepare_fork() { pthread_mutex_lock(&mutex); }
void control_parent_after_fork() { pthread_mutex_unlock(&mutex); }
void control_child_after_fork() {
  // The parent's connections are shared with it: the child leaves them to
  // the parent and opens its own.
  pthread_once(&registered_once, clear_registered);
  for (auto& r : registered) {
    const int fd = r.exchange(-1);
    if (fd >= 0) real().close(fd);
  }
  idle_count = 0;
  pthread_mutex_unlock(&mutex);
}

namespace {

// A fresh connection, or -errno.
int open_connection() {
  const int s = real().socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (s < 0) return -errno;
  // Out of the way of programs that expect their next fd to be a low one.
  rlimit limit{};
  int fd = s;
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur > 256) {
    const long low = limit.rlim_cur > 1024 ? 1000 : static_cast<long>(limit.rlim_cur) - 100;
    const int high = real().fcntl(s, F_DUPFD_CLOEXEC, low);
    if (high >= 0) {
      real().close(s);
      fd = high;
    }
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, control_path(), sizeof addr.sun_path - 1);
  int r;
  do {
    r = real().connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  } while (r != 0 && errno == EINTR);
  if (r != 0) {
    const int e = errno;
    real().close(fd);
    return -e;
  }
  if (!enroll(fd)) {
    real().close(fd);
    return -EMFILE;
  }
  return fd;
}

int take_connection() {
  for (;;) {
    pthread_mutex_lock(&mutex);
    if (idle_count == 0) {
      pthread_mutex_unlock(&mutex);
      return open_connection();
    }
    const int fd = idle[--idle_count];
    pthread_mutex_unlock(&mutex);
    if (is_registered(fd)) return fd;  // else the program closed it: next
  }
}

// 0, or an errno; EPIPE/ECONNRESET/ENOTCONN mean the connection is dead.
int send_request(int fd, const std::uint8_t* bytes, std::size_t length, int send_fd) {
  iovec iov{const_cast<std::uint8_t*>(bytes), length};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  if (send_fd >= 0) {
    memset(control, 0, sizeof control);
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &send_fd, sizeof send_fd);
  }
  for (;;) {
    if (real().sendmsg(fd, &msg, MSG_NOSIGNAL) >= 0) return 0;
    if (errno != EINTR) return errno;
  }
}

// Reads until the reply to `id` (stale replies of an abandoned request on
// this connection are skipped). 0, or an errno.
int receive_reply(int fd, std::uint32_t id, Reply& reply, int* received_fd) {
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, kReplyTimeoutMs);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return ETIMEDOUT;
    std::uint8_t buffer[kMaxMessage];
    iovec iov{buffer, sizeof buffer};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = real().recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n == 0 ? ECONNRESET : errno;
    int got = -1;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len >= CMSG_LEN(sizeof(int)))
        memcpy(&got, CMSG_DATA(c), sizeof got);
    const std::optional<Reply> decoded = decode_reply({buffer, static_cast<std::size_t>(n)});
    if (!decoded || decoded->id != id) {
      if (got >= 0) real().close(got);
      if (!decoded) return EPROTO;
      continue;
    }
    reply = *decoded;
    if (received_fd) *received_fd = got;
    else if (got >= 0) real().close(got);
    return 0;
  }
}

}  // namespace

int request(Request& q, Reply& reply, int send_fd, int* received_fd) {
  if (received_fd) *received_fd = -1;
  q.id = next_id.fetch_add(1);
  std::uint8_t bytes[kMaxMessage];
  const std::size_t length = encode_request(q, bytes);
  if (length == 0) return EINVAL;
  // Twice at most: a pooled connection may be to a service that has since
  // restarted; the second try is on a fresh one.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int fd = take_connection();
    if (fd < 0) {
      debug("no service at %s: %s", control_path(), strerror(-fd));
      return ECONNREFUSED;
    }
    int error = send_request(fd, bytes, length, send_fd);
    if (error == 0) error = receive_reply(fd, q.id, reply, received_fd);
    if (error == 0) {
      put_back(fd);
      return 0;
    }
    discard(fd);
    if (error == ETIMEDOUT || error == EPROTO) return error == EPROTO ? EPROTO : ECONNREFUSED;
  }
  return ECONNREFUSED;
}

void control_fd_closed(int fd) { unregister(fd); }

void control_fds_closed(unsigned first, unsigned last) {
  pthread_once(&registered_once, clear_registered);
  for (auto& r : registered) {
    const int fd = r.load();
    if (fd >= 0 && static_cast<unsigned>(fd) >= first && static_cast<unsigned>(fd) <= last) {
      int expected = fd;
      r.compare_exchange_strong(expected, -1);
    }
  }
}


}  // namespace zt::intercept
