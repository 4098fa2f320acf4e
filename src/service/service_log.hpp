#pragma once
// The service's log: one line per call on stderr, prefixed with the local
// time, safe to call from any thread (each line is a single write).
#include <string_view>

namespace zt::service {

void log_line(std::string_view message);

}  // namespace zt::service
