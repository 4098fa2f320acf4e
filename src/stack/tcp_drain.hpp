#pragma once
// Whether the process's stack still owes a peer TCP data: segments not yet
// sent or not yet acknowledged, or a FIN not yet acknowledged. A node that
// stops lets these go out first, as a kernel would keep delivering a closed
// socket's data after its process exits.
// Free of lwIP headers: include it anywhere.

namespace zt::stack {

// Any thread; takes the core lock. False if lwIP has not started.
bool tcp_output_pending();

}  // namespace zt::stack
