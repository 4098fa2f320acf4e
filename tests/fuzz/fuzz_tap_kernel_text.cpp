// What the tap driver reads from the kernel, as hostile bytes: netlink
// acks (first 4 bytes pick the sequence number looked for) and
// /proc/net/dev_mcast text. Neither may crash, hang or over-read; an ack
// is never a negative errno and there is at most one address per line.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "stack/tap/dev_mcast.hpp"
#include "stack/tap/netlink_messages.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size >= 4) {
    std::uint32_t seq;
    std::memcpy(&seq, data, 4);
    if (const std::optional<int> e = zt::stack::tap::parse_ack({data + 4, size - 4}, seq))
      check(*e >= 0);
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t lines = 1 + static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  check(zt::stack::tap::parse_dev_mcast(text, "zt0").size() <= lines);
  return 0;
}
