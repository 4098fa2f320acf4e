#pragma once

namespace zt::crypto {

// libsodium picks its fastest implementations in sodium_init(); every wrapper
// that uses libsodium calls this first. Thread-safe, cheap after the first call.
void ensure_sodium();

}  // namespace zt::crypto
