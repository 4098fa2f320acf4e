#pragma once
// Local ports held by connections in TIME-WAIT. A TIME-WAIT connection keeps
// its local port for 2 MSL (60 s, as Linux); a client that opens and closes
// connections faster than lwIP's 16k ephemeral ports last would find none
// free and its connect would fail. As Linux's tcp_tw_reuse does, a connect
// that finds no port may take one from the oldest TIME-WAIT connection that
// has waited at least a second: a new connection to the same peer starts
// beyond the old one's sequence numbers (RFC 6528 ISNs grow with time), and
// the peer accepts it (scripts/lwip-patches/03-time-wait-syn-reopens.patch
// for our own side; Linux likewise).
// Free of lwIP headers.

namespace zt::stack {

// lwIP's core lock held. While more connections are in TIME-WAIT than half
// of lwIP's ephemeral ports, ends the oldest that have waited a second. Before
// a connect: lwIP looks for a free port by scanning every connection for
// each candidate port, which near exhaustion costs ports x connections.
void limit_time_wait();

// lwIP's core lock held. Ends the TIME-WAIT connection that has waited the
// longest, if it has waited at least a second, freeing its port; true if
// one was ended.
bool release_oldest_time_wait();

}  // namespace zt::stack
