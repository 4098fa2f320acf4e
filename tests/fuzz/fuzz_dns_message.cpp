// Hostile bytes as a DNS response (what a network's DNS server, or anyone
// on the network, may send the service's resolver): parsing stays in
// bounds and yields only addresses of the asked type.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "service/dns_message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  using namespace zt::service::dns;
  if (const auto r = parse_response(input, kTypeA))
    for (const auto& a : r->addresses)
      if (!a.is_v4()) std::abort();
  if (const auto r = parse_response(input, kTypeAAAA))
    for (const auto& a : r->addresses)
      if (!a.is_v6()) std::abort();
  return 0;
}
