#include "stack/tap/dev_mcast.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "proto/hex.hpp"

namespace zt::stack::tap {
namespace {

// A few hundred devices with a dozen groups each fit many times over.
constexpr std::size_t kMaxFileBytes = 1024 * 1024;

std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t at = 0;
  while (at < line.size()) {
    while (at < line.size() && (line[at] == ' ' || line[at] == '\t')) ++at;
    const std::size_t start = at;
    while (at < line.size() && line[at] != ' ' && line[at] != '\t') ++at;
    if (at > start) fields.push_back(line.substr(start, at - start));
  }
  return fields;
}

}  // namespace

std::vector<MacAddress> parse_dev_mcast(std::string_view text, std::string_view device) {
  std::vector<MacAddress> macs;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    const std::vector<std::string_view> f = fields_of(line);
    if (f.size() != 5 || f[1] != device || f[4].size() != 12) continue;
    std::uint8_t bytes[MacAddress::kLength];
    if (!from_hex_exact(f[4], bytes)) continue;
    macs.push_back(MacAddress::from_bytes(bytes));
  }
  return macs;
}

std::optional<std::string> read_dev_mcast() {
  const int fd = ::open("/proc/net/dev_mcast", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || text.size() + static_cast<std::size_t>(n) > kMaxFileBytes) {
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

}  // namespace zt::stack::tap
