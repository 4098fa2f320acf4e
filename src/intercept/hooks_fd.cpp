// close, close_range, dup, dup2, dup3, fcntl: keeping the fd table right,
// and noticing when a program closes or overwrites one of the library's
// control connections (the library then forgets it rather than use an fd
// number that now means something else).
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdarg.h>

#include "intercept/shim.hpp"

using namespace zt::intercept;

namespace {

int duplicate_command(int fd, int cmd, void* argument, int (*call)(int, int, ...)) {
  const int result = call(fd, cmd, argument);
  if (result >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)) copy_fd(fd, result);
  return result;
}

}  // namespace

extern "C" {

int close(int fd) {
  control_fd_closed(fd);
  clear_fd(fd);
  return real().close(fd);
}

int close_range(unsigned first, unsigned last, int flags) noexcept {
  if (!(flags & CLOSE_RANGE_CLOEXEC)) {
    control_fds_closed(first, last);
    const unsigned top = last < (1u << 20) ? last : (1u << 20) - 1;
    for (unsigned fd = first; fd <= top; ++fd) clear_fd(static_cast<int>(fd));
  }
  if (!real().close_range) return fail(ENOSYS);
  return real().close_range(first, last, flags);
}

int dup(int fd) noexcept {
  const int result = real().dup(fd);
  if (result >= 0) copy_fd(fd, result);
  return result;
}

int dup2(int fd, int target) noexcept {
  if (fd == target) return real().dup2(fd, target);
  control_fd_closed(target);
  const int result = real().dup2(fd, target);
  if (result >= 0) copy_fd(fd, target);
  return result;
}

int dup3(int fd, int target, int flags) noexcept {
  control_fd_closed(target);
  const int result = real().dup3(fd, target, flags);
  if (result >= 0) copy_fd(fd, target);
  return result;
}

int fcntl(int fd, int cmd, ...) {
  va_list args;
  va_start(args, cmd);
  void* argument = va_arg(args, void*);  // an int or a pointer: passed on as glibc does
  va_end(args);
  return duplicate_command(fd, cmd, argument, real().fcntl);
}

int fcntl64(int fd, int cmd, ...) {
  va_list args;
  va_start(args, cmd);
  void* argument = va_arg(args, void*);
  va_end(args);
  return duplicate_command(fd, cmd, argument, real().fcntl64);
}

}  // extern "C"
