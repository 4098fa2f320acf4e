#pragma once
// The two clocks the OS side reads. The engine is handed wall_ms(): HELLO
// timestamps travel to peers and come back in OK(HELLO), and only the sender
// compares them, so they must be in upstream's unit (ms since the Unix
// epoch). Intervals the host measures for itself use monotonic_ms().
#include <cstdint>

namespace zt::io {

// Milliseconds since the Unix epoch (CLOCK_REALTIME); may step.
std::int64_t wall_ms();

// Milliseconds since an arbitrary point (CLOCK_MONOTONIC); never steps back.
std::int64_t monotonic_ms();

// Nanosecond forms, for the event loop's deadlines.
std::int64_t wall_ns();
std::int64_t monotonic_ns();

// The `now` the engine gets: wall_ms().
inline std::int64_t now_ms() { return wall_ms(); }

}  // namespace zt::io
