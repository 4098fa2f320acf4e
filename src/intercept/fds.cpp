// What the library knows about fds, and putting a virtual socket in place
// of a program's fd.
//
// The table answers the hot path (every read and write in the program)
// with one array lookup. It can go stale when libc closes an fd without
// going through close() (fclose, for one), so the kinds the hot path
// translates are checked against the socket's inode before being trusted.
// Everything else asks the kernel (identify: one getsockname).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>

#include "intercept/shim.hpp"

namespace zt::intercept {
namespace {

constexpr int kChunkBits = 10;
constexpr int kChunkSize = 1 << kChunkBits;
constexpr int kChunks = 1024;  // fds below 1M; higher ones are never translated

struct Slot {
  std::atomic<std::uint8_t> kind{0};
  std::atomic<std::uint8_t> kernel_half{0};
  std::atomic<std::uint8_t> abort_reported{0};
  std::atomic<std::int32_t> restore_buffer{0};
  std::atomic<std::uint64_t> inode{0};
};

std::atomic<Slot*> chunks[kChunks];

Slot* slot(int fd, bool create) {
  if (fd < 0 || fd >= kChunkSize * kChunks) return nullptr;
  std::atomic<Slot*>& chunk = chunks[fd >> kChunkBits];
  Slot* s = chunk.load(std::memory_order_acquire);
  if (!s && create) {
    // calloc'd zeros are valid Slots (atomics of zero); never freed.
    auto* fresh = static_cast<Slot*>(calloc(kChunkSize, sizeof(Slot)));
    if (!fresh) return nullptr;
    Slot* expected = nullptr;
    if (chunk.compare_exchange_strong(expected, fresh, std::memory_order_acq_rel)) s = fresh;
    else {
      free(fresh);
      s = expected;
    }
  }
  return s ? &s[fd & (kChunkSize - 1)] : nullptr;
}

std::uint64_t inode_of(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 ? static_cast<std::uint64_t>(st.st_ino) : 0;
}

__attribute__((constructor)) void library_init() {
  if (!active()) return;
  pthread_atfork(
      [] {
        control_prepare_fork();
        routes_prepare_fork();
      },
      [] {
        routes_parent_after_fork();
        control_parent_after_fork();
      },
      [] {
        routes_child_after_fork();
        control_child_after_fork();
      });
  scan_inherited_fds();
}

}  // namespace

FdKind to_fd_kind(SocketKind kind) {
  switch (kind) {
    case SocketKind::kStream: return FdKind::kStream;
    case SocketKind::kBound: return FdKind::kBound;
    case SocketKind::kListener: return FdKind::kListener;
    case SocketKind::kDatagram: return FdKind::kDatagram;
  }
  return FdKind::kNone;
}

FdKind hot_kind(int fd) {
  Slot* s = slot(fd, false);
  if (!s) return FdKind::kNone;
  const auto kind = static_cast<FdKind>(s->kind.load(std::memory_order_relaxed));
  if (kind == FdKind::kNone || kind == FdKind::kStream) return kind;
  if (inode_of(fd) != s->inode.load(std::memory_order_relaxed)) {
    s->kind.store(0, std::memory_order_relaxed);  // the number was reused behind our back
    return FdKind::kNone;
  }
  return kind;
}

void set_fd(int fd, FdKind kind, bool has_kernel_half) {
  Slot* s = slot(fd, kind != FdKind::kNone);
  if (!s) return;
  s->inode.store(kind == FdKind::kNone ? 0 : inode_of(fd), std::memory_order_relaxed);
  s->kernel_half.store(has_kernel_half ? 1 : 0, std::memory_order_relaxed);
  s->abort_reported.store(0, std::memory_order_relaxed);
  s->restore_buffer.store(0, std::memory_order_relaxed);
  s->kind.store(static_cast<std::uint8_t>(kind), std::memory_order_release);
}

void clear_fd(int fd) {
  if (Slot* s = slot(fd, false)) s->kind.store(0, std::memory_order_relaxed);
}

void set_abort_reported(int fd) {
  if (Slot* s = slot(fd, true)) s->abort_reported.store(1, std::memory_order_relaxed);
}

void set_buffer_to_restore(int fd, int size) {
  if (Slot* s = slot(fd, true)) s->restore_buffer.store(size, std::memory_order_relaxed);
}

void restore_buffer(int fd) {
  Slot* s = slot(fd, false);
  if (!s) return;
  const int size = s->restore_buffer.exchange(0, std::memory_order_relaxed);
  if (size <= 0) return;
  const int half = size / 2;
  real().setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &half, sizeof half);
}

void copy_fd(int from, int to) {
  const FdInfo info = fd_info(from);
  if (info.kind == FdKind::kNone) {
    clear_fd(to);
    return;
  }
  set_fd(to, info.kind, info.has_kernel_half);
  if (Slot* from_slot = slot(from, false))
    set_buffer_to_restore(to, from_slot->restore_buffer.load(std::memory_order_relaxed));
}

FdInfo fd_info(int fd) {
  FdInfo info;
  Slot* s = slot(fd, false);
  if (!s) return info;
  info.kind = static_cast<FdKind>(s->kind.load(std::memory_order_acquire));
  info.has_kernel_half = s->kernel_half.load(std::memory_order_relaxed) != 0;
  info.abort_reported = s->abort_reported.load(std::memory_order_relaxed) != 0;
  info.inode = s->inode.load(std::memory_order_relaxed);
  return info;
}

bool identify(int fd, Identity& out) {
  out = Identity{};
  socklen_t length = sizeof out.bound;
  if (real().getsockname(fd, reinterpret_cast<sockaddr*>(&out.bound), &length) != 0) return false;
  out.bound_length = length;
  out.family = out.bound.ss_family;
  if (out.family != AF_UNIX) return true;
  const auto* un = reinterpret_cast<const sockaddr_un*>(&out.bound);
  const std::size_t path_length = length > offsetof(sockaddr_un, sun_path)
                                      ? length - offsetof(sockaddr_un, sun_path)
                                      : 0;
  if (std::optional<SocketName> name = parse_socket_name({un->sun_path, path_length})) {
    out.ours = true;
    out.name = *name;
  }
  return true;
}

Placement placement_of(int fd) {
  Placement p;
  p.fd_flags = real().fcntl(fd, F_GETFD);
  p.fl_flags = real().fcntl(fd, F_GETFL);
  socklen_t len = sizeof p.receive_timeout;
  real().getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &p.receive_timeout, &len);
  len = sizeof p.send_timeout;
  real().getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &p.send_timeout, &len);
  p.ok = p.fd_flags >= 0 && p.fl_flags >= 0;
  return p;
}

bool install(int target, int fresh, FdKind kind, const Placement& p, bool has_kernel_half) {
  if (!p.ok) {
    real().close(fresh);
    return false;
  }
  // Unix sockets honour the same timeouts for blocking reads and writes.
  if (p.receive_timeout.tv_sec || p.receive_timeout.tv_usec)
    real().setsockopt(fresh, SOL_SOCKET, SO_RCVTIMEO, &p.receive_timeout, sizeof p.receive_timeout);
  if (p.send_timeout.tv_sec || p.send_timeout.tv_usec)
    real().setsockopt(fresh, SOL_SOCKET, SO_SNDTIMEO, &p.send_timeout, sizeof p.send_timeout);
  if (p.fl_flags & O_NONBLOCK) real().fcntl(fresh, F_SETFL, O_NONBLOCK);
  int r;
  do {
    r = real().dup3(fresh, target, (p.fd_flags & FD_CLOEXEC) ? O_CLOEXEC : 0);
  } while (r < 0 && errno == EBUSY);
  const int e = errno;
  real().close(fresh);
  if (r < 0) {
    errno = e;
    return false;
  }
  set_fd(target, kind, has_kernel_half);
  return true;
}

void scan_inherited_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return;
  const int own = dirfd(dir);
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    const long fd = strtol(entry->d_name, &end, 10);
    if (*entry->d_name == '\0' || *end != '\0' || fd == own) continue;
    Identity id;
    if (identify(static_cast<int>(fd), id) && id.ours)
      set_fd(static_cast<int>(fd), to_fd_kind(id.name.kind));
  }
  closedir(dir);
}

}  // namespace zt::intercept
