#include "stack/time_wait.hpp"

#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

#include <cstddef>

namespace zt::stack {

namespace {
// Linux's tcp_tw_reuse also waits a second: old duplicates are long gone.
constexpr u32_t kMinimumAgeTicks = 1000 / TCP_SLOW_INTERVAL;
constexpr std::size_t kTimeWaitLimit = (0xffff - 0xc000 + 1) / 2;  // lwIP's ephemeral range
}  // namespace

void limit_time_wait() {
  std::size_t count = 0;
  for (struct tcp_pcb* pcb = tcp_tw_pcbs; pcb != nullptr; pcb = pcb->next) ++count;
  for (; count > kTimeWaitLimit && release_oldest_time_wait(); --count) {
  }
}

bool release_oldest_time_wait() {
  struct tcp_pcb* oldest = nullptr;
  u32_t oldest_age = 0;
  for (struct tcp_pcb* pcb = tcp_tw_pcbs; pcb != nullptr; pcb = pcb->next) {
    const u32_t age = tcp_ticks - pcb->tmr;
    if (age >= oldest_age) {
      oldest = pcb;
      oldest_age = age;
    }
  }
  if (oldest == nullptr || oldest_age < kMinimumAgeTicks) return false;
  tcp_abort(oldest);  // in TIME-WAIT: removed and freed, no RST sent
  return true;
}

}  // namespace zt::stack
