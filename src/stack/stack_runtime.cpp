// Starting the process's lwIP instance, and its core lock.
#include "stack/stack_runtime.hpp"

#include <atomic>
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
namespace {

// Set once lwIP's thread runs (its mailbox exists), and on that thread.
std::atomic<bool> tcpip_thread_running{false};
thread_local bool on_tcpip_thread = false;

void do_nothing(void*) {}

}  // namespace

void ensure_started() {
  static std::once_flag once;
  std::call_once(once, [] {
    crypto::ensure_sodium();  // lwIP's randomness and TCP ISNs come from libsodium
    // With core locking, nothing may touch lwIP before tcpip_init's callback
    // has run on the new thread (stack-notes.md, gotcha 1).
    std::latch ready(1);
    tcpip_init(
        [](void* arg) {
          on_tcpip_thread = true;
          tcpip_thread_running.store(true, std::memory_order_release);
          static_cast<std::latch*>(arg)->count_down();
        },
        &ready);
    ready.wait();
  });
}

CoreLock::CoreLock() {
  ensure_started();
  LOCK_TCPIP_CORE();
}

CoreLock::~CoreLock() { UNLOCK_TCPIP_CORE(); }

}  // namespace zt::stack

// lwIP's thread sleeps until the earliest timeout it knew of when it went
// to sleep. Another thread holding the core lock (frames from the node, a
// zts_ call) may add an earlier one: TCP's timer when a first connection
// opens, a loss-recovery deadline. A message (a no-op) wakes the thread so
// that it counts again; without it TCP's timers waited up to a second.
extern "C" void ztsdk_lwip_timeout_first(void) {
  if (zt::stack::on_tcpip_thread ||
      !zt::stack::tcpip_thread_running.load(std::memory_order_acquire))
    return;
  (void)tcpip_try_callback(zt::stack::do_nothing, nullptr);  // full mailbox: awake anyway
}
