// Hostile bytes as a SOCKS5 client's side of the handshake (with and
// without required credentials, fed in pieces as a socket delivers them)
// and as UDP ASSOCIATE datagrams: nothing reads out of bounds, a step never
// consumes more than it was given, and a parsed datagram's payload lies
// inside it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "service/socks5_codec.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void run(std::span<const std::uint8_t> input, std::optional<zt::service::socks5::Credentials> creds) {
  zt::service::socks5::Handshake h(std::move(creds));
  std::size_t offset = 0;
  // The first byte picks how much arrives per read (1..8 bytes more), so
  // partial messages are exercised.
  const std::size_t chunk = input.empty() ? 1 : 1 + input[0] % 8;
  std::size_t available = 0;
  for (int steps = 0; steps < 64 && offset < input.size(); ++steps) {
    available = std::min(input.size(), available + chunk);
    const auto step = h.feed(input.subspan(offset, available - offset));
    check(step.consumed <= available - offset);
    offset += step.consumed;
    if (step.close || step.request) break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  run(input, std::nullopt);
  run(input, zt::service::socks5::Credentials{"alice", "s3cret"});
  if (const auto d = zt::service::socks5::parse_udp(input)) {
    check(d->payload.data() >= data && d->payload.data() + d->payload.size() <= data + size);
    const auto again = zt::service::socks5::encode_udp(d->destination.ip, d->payload);
    check(again.size() >= d->payload.size());
  }
  return 0;
}
