// zts_bsd_select, built on zts_bsd_poll: Debian's lwIP has no select, and a
// poll set is what lwIP waits on anyway.
#include <climits>
#include <vector>

#include "zts.h"

namespace {

// Milliseconds for poll, rounded up so a short timeout still waits.
int timeout_ms(const zts_timeval* t) {
  if (t == nullptr) return -1;
  const long long ms = static_cast<long long>(t->tv_sec) * 1000 + (t->tv_usec + 999) / 1000;
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

}  // namespace

extern "C" int zts_bsd_select(int nfds, zts_fd_set* readfds, zts_fd_set* writefds,
                              zts_fd_set* exceptfds, zts_timeval* timeout) {
  if (nfds < 0 || nfds > ZTS_FD_SETSIZE ||
      (timeout != nullptr && (timeout->tv_sec < 0 || timeout->tv_usec < 0))) {
    zts_errno = ZTS_EINVAL;
    return ZTS_ERR_SOCKET;
  }
  std::vector<zts_pollfd> polled;
  for (int fd = 0; fd < nfds; ++fd) {
    short events = 0;
    if (readfds != nullptr && ZTS_FD_ISSET(fd, readfds)) events |= ZTS_POLLIN;
    if (writefds != nullptr && ZTS_FD_ISSET(fd, writefds)) events |= ZTS_POLLOUT;
    if (exceptfds != nullptr && ZTS_FD_ISSET(fd, exceptfds)) events |= ZTS_POLLPRI;
    if (events != 0) polled.push_back({fd, events, 0});
  }
  const int r =
      zts_bsd_poll(polled.data(), static_cast<zts_nfds_t>(polled.size()), timeout_ms(timeout));
  if (r < 0) return r;
  for (const auto& p : polled) {
    if (p.revents & ZTS_POLLNVAL) {
      zts_errno = ZTS_EBADF;  // as select(2) for a descriptor that is not open
      return ZTS_ERR_SOCKET;
    }
  }
  if (readfds != nullptr) ZTS_FD_ZERO(readfds);
  if (writefds != nullptr) ZTS_FD_ZERO(writefds);
  if (exceptfds != nullptr) ZTS_FD_ZERO(exceptfds);
  int ready = 0;
  // An error or hang-up makes a socket readable and writable: the next call
  // on it reports the error without blocking.
  for (const auto& p : polled) {
    const bool failed = (p.revents & (ZTS_POLLERR | ZTS_POLLHUP)) != 0;
    if ((p.events & ZTS_POLLIN) && ((p.revents & ZTS_POLLIN) || failed)) {
      ZTS_FD_SET(p.fd, readfds);
      ++ready;
    }
    if ((p.events & ZTS_POLLOUT) && ((p.revents & ZTS_POLLOUT) || failed)) {
      ZTS_FD_SET(p.fd, writefds);
      ++ready;
    }
    if ((p.events & ZTS_POLLPRI) && (p.revents & ZTS_POLLPRI)) {
      ZTS_FD_SET(p.fd, exceptfds);
      ++ready;
    }
  }
  return ready;
}
