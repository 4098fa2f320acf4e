#include "stack/tcp_drain.hpp"

#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "stack/stack_runtime.hpp"

namespace zt::stack {

bool tcp_output_pending() {
  CoreLock lock;
  for (const struct tcp_pcb* pcb = tcp_active_pcbs; pcb != nullptr; pcb = pcb->next) {
    if (pcb->unsent != nullptr || pcb->unacked != nullptr) return true;
    if (pcb->state == FIN_WAIT_1 || pcb->state == CLOSING || pcb->state == LAST_ACK) return true;
  }
  return false;
}

}  // namespace zt::stack
