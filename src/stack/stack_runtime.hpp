#pragma once
// The process's one lwIP instance. lwIP keeps global state, so there is one
// stack per process however many networks are joined; it starts on first
// use (from any thread) and runs until the process ends.
// Free of lwIP headers: include it anywhere.

namespace zt::stack {

// Starts lwIP and its tcpip thread if not yet started and returns once lwIP
// is ready. Thread-safe; after the first call it costs one atomic load.
void ensure_started();

// Holds lwIP's core lock for its lifetime (starting lwIP first if needed).
// lwIP's core functions may only be called while it is held; it is not
// recursive.
class CoreLock {
 public:
  CoreLock();
  ~CoreLock();
  CoreLock(const CoreLock&) = delete;
  CoreLock& operator=(const CoreLock&) = delete;
};

}  // namespace zt::stack
