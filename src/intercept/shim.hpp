#pragma once
// Internal to libztintercept.so: the state and helpers its hooks share.
//
// The library is loaded into arbitrary programs, so it is careful about
// what it brings: no C++ runtime (no allocation through new, no exceptions,
// no function-local statics, nothing of libstdc++ beyond headers), only
// libc. Every hook first asks whether the library is active (ZTS_SERVICE
// set) and whether the fd or address concerns a virtual network; anything
// else goes straight to libc.
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <cstdint>

#include "intercept/protocol.hpp"

namespace zt::intercept {

// ---- libc's own functions (real.cpp) -----------------------------------------

struct RealCalls {
  int (*socket)(int, int, int);
  int (*bind)(int, const sockaddr*, socklen_t);
  int (*listen)(int, int);
  int (*connect)(int, const sockaddr*, socklen_t);
  int (*accept)(int, sockaddr*, socklen_t*);
  int (*accept4)(int, sockaddr*, socklen_t*, int);
  int (*getsockname)(int, sockaddr*, socklen_t*);
  int (*getpeername)(int, sockaddr*, socklen_t*);
  int (*getsockopt)(int, int, int, void*, socklen_t*);
  int (*setsockopt)(int, int, int, const void*, socklen_t);
  int (*shutdown)(int, int);
  int (*close)(int);
  int (*close_range)(unsigned, unsigned, int);
  int (*dup)(int);
  int (*dup2)(int, int);
  int (*dup3)(int, int, int);
  int (*fcntl)(int, int, ...);
  int (*fcntl64)(int, int, ...);
  int (*ioctl)(int, unsigned long, ...);
  ssize_t (*read)(int, void*, size_t);
  ssize_t (*readv)(int, const iovec*, int);
  ssize_t (*write)(int, const void*, size_t);
  ssize_t (*writev)(int, const iovec*, int);
  ssize_t (*recv)(int, void*, size_t, int);
  ssize_t (*recvfrom)(int, void*, size_t, int, sockaddr*, socklen_t*);
  ssize_t (*recvmsg)(int, msghdr*, int);
  int (*recvmmsg)(int, mmsghdr*, unsigned, int, struct timespec*);
  ssize_t (*send)(int, const void*, size_t, int);
  ssize_t (*sendto)(int, const void*, size_t, int, const sockaddr*, socklen_t);
  ssize_t (*sendmsg)(int, const msghdr*, int);
  int (*sendmmsg)(int, mmsghdr*, unsigned, int);
  int (*getaddrinfo)(const char*, const char*, const addrinfo*, addrinfo**);
  void (*freeaddrinfo)(addrinfo*);
  hostent* (*gethostbyname)(const char*);
  hostent* (*gethostbyname2)(const char*, int);
  int (*gethostbyname_r)(const char*, hostent*, char*, size_t, hostent**, int*);
  int (*gethostbyname2_r)(const char*, int, hostent*, char*, size_t, hostent**, int*);
};
// Resolved once (dlsym RTLD_NEXT), on first use from any hook.
const RealCalls& real();

// ---- settings (settings.cpp) -------------------------------------------------------

// False without ZTS_SERVICE: every hook is then libc's own.
bool active();
// ZTS_INTERCEPT_STRICT=1: nothing but the virtual networks is reachable.
bool strict();
// The control socket's path (ZTS_SERVICE, or ZTS_SERVICE/intercept.sock).
const char* control_path();
// ZTS_INTERCEPT_DEBUG=1: one line per decision on stderr.
void debug(const char* format, ...) __attribute__((format(printf, 1, 2)));

// ---- the service (control.cpp) -------------------------------------------------------

// Sends a request (with `send_fd` if >= 0) and waits for its reply (and the
// fd that came with it, if any, in *received_fd). 0, or an errno:
// ECONNREFUSED when the service cannot be reached.
int request(Request& request, Reply& reply, int send_fd = -1, int* received_fd = nullptr);
// Control connections are the library's own fds; a program closing or
// overwriting one (close, dup2, close_range) makes the library forget it.
void control_fd_closed(int fd);
void control_fds_closed(unsigned first, unsigned last);
// pthread_atfork handlers of the control pool and the route cache: the
// child must not inherit a held lock, nor share the parent's connections.
void control_prepare_fork();
void control_parent_after_fork();
void control_child_after_fork();
void routes_prepare_fork();
void routes_parent_after_fork();
void routes_child_after_fork();

// ---- which addresses are virtual (routes.cpp) ----------------------------------------

enum class Reach {
  kKernel,       // not a virtual network's: the kernel's business
  kVirtual,      // on a joined network
  kUnreachable,  // virtual as far as we knew, but the service is gone
};
// For a destination. Loopback and non-IP are always the kernel's.
Reach reach(const sockaddr* address, socklen_t length);
// For a bind: one of this node's own virtual addresses?
bool is_own_address(const sockaddr* address, socklen_t length);
// Whether the service was reachable at the last look (and so whether a
// wildcard listener gets a virtual half).
bool service_present();

// ---- fds (fds.cpp) --------------------------------------------------------------------------

// What the library knows about an fd. kNone: a kernel fd (or unknown).
enum class FdKind : std::uint8_t { kNone = 0, kStream, kBound, kListener, kDatagram };
FdKind to_fd_kind(SocketKind kind);

struct FdInfo {
  FdKind kind = FdKind::kNone;
  bool has_kernel_half = false;  // a wildcard UDP socket's kernel side is in the service
  bool abort_reported = false;   // a finished connect's ECONNABORTED was given once
  std::uint64_t inode = 0;       // of the socket, to notice an fd number reused behind our back
};
// The hot path (read/write on every fd): kNone unless this fd is one of
// ours that needs translating; checks the inode for those.
FdKind hot_kind(int fd);
void set_fd(int fd, FdKind kind, bool has_kernel_half = false);
void clear_fd(int fd);
void set_abort_reported(int fd);
// A connecting stream's send buffer was made small while it waited (the
// service's filler); once connected it gets `size` back (SO_SNDBUF's
// reading, which the kernel halves on setting).
void set_buffer_to_restore(int fd, int size);
void restore_buffer(int fd);
void copy_fd(int from, int to);
FdInfo fd_info(int fd);
// Finds the virtual sockets an exec'd program inherited.
void scan_inherited_fds();

// What an fd is, asked of the kernel (one getsockname): one of ours (with
// its name), or a kernel socket with its family and bound address.
struct Identity {
  bool ours = false;
  SocketName name;
  int family = 0;  // kernel sockets: AF_INET, AF_INET6, AF_UNIX...
  sockaddr_storage bound{};
  socklen_t bound_length = 0;
};
// False with errno (EBADF, ENOTSOCK) if fd is no socket.
bool identify(int fd, Identity& out);

// What of a program's fd carries over to the virtual socket put in its
// place. Taken before the fd's socket is handed to the service: it then
// shares the open file with the service, which may change its flags.
struct Placement {
  int fd_flags = 0;  // FD_CLOEXEC
  int fl_flags = 0;  // O_NONBLOCK
  timeval receive_timeout{};
  timeval send_timeout{};
  bool ok = false;
};
Placement placement_of(int fd);
// Puts `fresh` in place of `target` (dup3, keeping FD_CLOEXEC, O_NONBLOCK
// and the send/receive timeouts), closes `fresh` and records the kind.
bool install(int target, int fresh, FdKind kind, const Placement& placement,
             bool has_kernel_half = false);

// ---- addresses (addresses.cpp) ----------------------------------------------------------

// sockaddr <-> Endpoint. False for non-IP families or short lengths.
bool to_endpoint(const sockaddr* address, socklen_t length, Endpoint& out);
// Writes at most *length bytes (POSIX truncation) and sets *length to the
// full size. An Endpoint of family 0 becomes the wildcard of `domain`.
void to_sockaddr(const Endpoint& e, int domain, sockaddr* out, socklen_t* length);
bool is_loopback(const Endpoint& e);
bool is_wildcard(const Endpoint& e);
int domain_of(const Endpoint& e);  // AF_INET / AF_INET6

// ---- shared by the hooks -------------------------------------------------------------------

// A virtual socket's state and addresses from the service.
bool socket_status(std::uint64_t id, bool take_error, Reply& out);
// Waits for a virtual connect to finish: 0, or the errno it failed with.
int wait_connected(int fd, std::uint64_t id, int timeout_ms);
int fail(int error);  // errno = error; returns -1

}  // namespace zt::intercept
