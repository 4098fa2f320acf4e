// Starting the process's lwIP instance, and its core lock.
#include "stack/stack_runtime.hpp"

#include <latch>
#include <mutex>

#include "crypto/sodium_init.hpp"
#if ZTSDK_SYSTEM_LWIP
// Debian's lwipopts.h declares its core-lock functions without C linkage.
extern "C" {
#include "lwip/tcpip.h"
}
#else
#include "lwip/tcpip.h"
#endif

namespace zt::stack {

void ensure_started() {
  static std::once_flag once;
  std::call_once(once, [] {
    crypto::ensure_sodium();  // lwIP's randomness and TCP ISNs come from libsodium
    // With core locking, nothing may touch lwIP before tcpip_init's callback
    // has run on the new thread (stack-notes.md, gotcha 1).
    std::latch ready(1);
    tcpip_init([](void* arg) { static_cast<std::latch*>(arg)->count_down(); }, &ready);
    ready.wait();
  });
}

CoreLock::CoreLock() {
  ensure_started();
  LOCK_TCPIP_CORE();
}

CoreLock::~CoreLock() { UNLOCK_TCPIP_CORE(); }

}  // namespace zt::stack
