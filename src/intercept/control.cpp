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

pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
int idle[kMaxIdle];
int idle_count = 0;
int open_fds[kMaxOpen];  // every control fd we hold, idle or in use
int open_count = 0;
std::atomic<std::uint32_t> next_id{1};

void forget_locked(int fd) {
  for (int i = 0; i < idle_count; ++i)
    if (idle[i] == fd) idle[i--] = idle[--idle_count];
  for (int i = 0; i < open_count; ++i)
    if (open_fds[i] == fd) open_fds[i--] = open_fds[--open_count];
}

bool is_control_locked(int fd) {
  for (int i = 0; i < open_count; ++i)
    if (open_fds[i] == fd) return true;
  return false;
}

void discard(int fd) {
  pthread_mutex_lock(&mutex);
  const bool ours = is_control_locked(fd);
  forget_locked(fd);
  pthread_mutex_unlock(&mutex);
  if (ours) real().close(fd);
}

void put_back(int fd) {
  pthread_mutex_lock(&mutex);
  const bool ours = is_control_locked(fd);
  const bool keep = ours && idle_count < kMaxIdle;
  if (keep) idle[idle_count++] = fd;
  else forget_locked(fd);
  pthread_mutex_unlock(&mutex);
  if (ours && !keep) real().close(fd);
}

}  // namespace

void control_prepare_fork() { pthread_mutex_lock(&mutex); }
void control_parent_after_fork() { pthread_mutex_unlock(&mutex); }
void control_child_after_fork() {
  // The parent's connections are shared with it: the child leaves them to
  // the parent and opens its own.
  for (int i = 0; i < open_count; ++i) real().close(open_fds[i]);
  open_count = 0;
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
  pthread_mutex_lock(&mutex);
  if (open_count == kMaxOpen) {
    pthread_mutex_unlock(&mutex);
    real().close(fd);
    return -EMFILE;
  }
  open_fds[open_count++] = fd;
  pthread_mutex_unlock(&mutex);
  return fd;
}

int take_connection() {
  pthread_mutex_lock(&mutex);
  if (idle_count > 0) {
    const int fd = idle[--idle_count];
    pthread_mutex_unlock(&mutex);
    return fd;
  }
  pthread_mutex_unlock(&mutex);
  return open_connection();
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

void control_fd_closed(int fd) {
  pthread_mutex_lock(&mutex);
  forget_locked(fd);
  pthread_mutex_unlock(&mutex);
}

void control_fds_closed(unsigned first, unsigned last) {
  pthread_mutex_lock(&mutex);
  for (int i = 0; i < open_count; ++i) {
    const unsigned fd = static_cast<unsigned>(open_fds[i]);
    if (fd >= first && fd <= last) forget_locked(open_fds[i--]);
  }
  pthread_mutex_unlock(&mutex);
}


}  // namespace zt::intercept
