// libc's own socket functions, found behind this library with
// dlsym(RTLD_NEXT). Resolved once, on the first hook called, which may be
// before the library's constructor (another library's constructor can
// open a socket).
#include <dlfcn.h>
#include <pthread.h>

#include "intercept/shim.hpp"

namespace zt::intercept {
namespace {

RealCalls calls;
pthread_once_t once = PTHREAD_ONCE_INIT;

template <typename F>
void find(F& slot, const char* name) {
  slot = reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

void resolve_all() {
  find(calls.socket, "socket");
  find(calls.bind, "bind");
  find(calls.listen, "listen");
  find(calls.connect, "connect");
  find(calls.accept, "accept");
  find(calls.accept4, "accept4");
  find(calls.getsockname, "getsockname");
  find(calls.getpeername, "getpeername");
  find(calls.getsockopt, "getsockopt");
  find(calls.setsockopt, "setsockopt");
  find(calls.shutdown, "shutdown");
  find(calls.close, "close");
  find(calls.close_range, "close_range");
  find(calls.dup, "dup");
  find(calls.dup2, "dup2");
  find(calls.dup3, "dup3");
  find(calls.fcntl, "fcntl");
  find(calls.fcntl64, "fcntl64");
  find(calls.ioctl, "ioctl");
  find(calls.read, "read");
  find(calls.readv, "readv");
  find(calls.write, "write");
  find(calls.writev, "writev");
  find(calls.recv, "recv");
  find(calls.recvfrom, "recvfrom");
  find(calls.recvmsg, "recvmsg");
  find(calls.recvmmsg, "recvmmsg");
  find(calls.send, "send");
  find(calls.sendto, "sendto");
  find(calls.sendmsg, "sendmsg");
  find(calls.sendmmsg, "sendmmsg");
  find(calls.getaddrinfo, "getaddrinfo");
  find(calls.freeaddrinfo, "freeaddrinfo");
  find(calls.gethostbyname, "gethostbyname");
  find(calls.gethostbyname2, "gethostbyname2");
  find(calls.gethostbyname_r, "gethostbyname_r");
  find(calls.gethostbyname2_r, "gethostbyname2_r");
  if (!calls.fcntl64) calls.fcntl64 = calls.fcntl;
}

}  // namespace

const RealCalls& real() {
  pthread_once(&once, resolve_all);
  return calls;
}

}  // namespace zt::intercept
