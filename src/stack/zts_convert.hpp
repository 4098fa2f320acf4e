#pragma once
// Internal to src/stack (includes lwIP's socket header): translating the
// zts_ API's numbers and structures to lwIP's and back, and turning lwIP's
// errors into zts_errno. The zts_ values equal lwIP's own in our build; the
// tables keep the layer correct with Debian's prebuilt lwIP too, whose
// socket constants are Linux's.
#include <cerrno>

#include "lwip/sockets.h"
#include "zts.h"

namespace zt::stack {

// After an lwIP call returned < 0: zts_errno = errno, ZTS_ERR_SOCKET.
int socket_error();
// zts_errno = err; ZTS_ERR_SOCKET.
int fail_errno(int err);
// zts_errno = err; ZTS_ERR_ARG (a null pointer or impossible length).
int fail_arg(int err = ZTS_EINVAL);

template <typename T>
T checked(T result) {
  return result < 0 ? static_cast<T>(socket_error()) : result;
}

struct LwipSockaddr {
  struct sockaddr_storage storage {};
  socklen_t length = sizeof(storage);
  struct sockaddr* get() {
    return reinterpret_cast<struct sockaddr*>(&storage);
  }
};

// A zts address for lwIP: 0, or a ZTS_ERR_* with zts_errno set. sin_len is
// ignored (programs written for Linux leave it 0).
int to_lwip(const struct zts_sockaddr* addr, zts_socklen_t len, LwipSockaddr& out);
// An lwIP address for the caller: copies at most *len bytes (POSIX
// truncation) and sets *len to the address's full size.
void to_zts(const struct sockaddr* addr, struct zts_sockaddr* out, zts_socklen_t* len);

// -1 when the zts value has no lwIP counterpart.
int to_lwip_family(int zts_family);
int to_lwip_type(int zts_type);
int to_zts_type(int lwip_type);
int to_lwip_protocol(int zts_protocol);
int to_lwip_shutdown(int zts_how);
// Bit sets: unknown bits are dropped.
int to_lwip_msg_flags(int zts_flags);
int to_zts_msg_flags(int lwip_flags);
short to_lwip_poll_events(short zts_events);
short to_zts_poll_events(short lwip_events);
int to_lwip_file_flags(int zts_flags);
int to_zts_file_flags(int lwip_flags);
// false when the option is unknown to lwIP.
bool to_lwip_option(int zts_level, int zts_name, int& level, int& name);

}  // namespace zt::stack
