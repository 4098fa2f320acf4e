#include "node/path.hpp"

#include <algorithm>

#include "proto/constants.hpp"

namespace zt {

static_assert(Path::kUnknownLatency == 0xffff);

Path::Path(LocalSocket socket, const InetAddress& address, std::int64_t now)
    : socket_(socket),
      address_(address),
      scope_(ip_scope(address)),
      last_receive_(now),
      last_send_(now) {
  static_assert(kAliveTimeout == kPathAliveTimeout && kExpiration == kPeerPathExpiration &&
                kHeartbeat == kPathHeartbeatPeriod);
}

void Path::update_latency(int ms) {
  ms = std::clamp(ms, 0, kUnknownLatency);
  latency_ = latency_ == kUnknownLatency ? ms : (latency_ + ms) / 2;
}

std::int64_t Path::quality(std::int64_t now) const {
  const std::int64_t age = std::max<std::int64_t>(0, now - last_receive_);
  std::int64_t q = latency_;
  if (age >= kAliveTimeout) q += 0xffff + std::min<std::int64_t>(age, 140000);
  return q * (8 - static_cast<int>(scope_));
}

}  // namespace zt
