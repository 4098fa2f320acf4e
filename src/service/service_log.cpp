#include "service/service_log.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <string>

namespace zt::service {

void log_line(std::string_view message) {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t secs = system_clock::to_time_t(now);
  const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm local{};
  localtime_r(&secs, &local);
  char stamp[32];
  const std::size_t n = std::strftime(stamp, sizeof stamp, "%H:%M:%S", &local);
  std::string line(stamp, n);
  line += '.';
  line += static_cast<char>('0' + millis / 100);
  line += static_cast<char>('0' + millis / 10 % 10);
  line += static_cast<char>('0' + millis % 10);
  line += ' ';
  line += message;
  line += '\n';
  // One write() so lines from the loop and the HTTP threads never interleave.
  std::size_t off = 0;
  while (off < line.size()) {
    const ssize_t w = ::write(STDERR_FILENO, line.data() + off, line.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    off += static_cast<std::size_t>(w);
  }
}

}  // namespace zt::service
