#pragma once
// The name of a network's tap device. Upstream's scheme, so a host moving
// from ZeroTierOne sees the same names: "zt" and eight base32 characters
// (a-z, 2-7) of the network id folded to 40 bits, ten characters in all,
// within IFNAMSIZ. `trial` > 0 gives the alternatives tried when a device
// of that name already exists (another service on the same network).
#include <cstdint>
#include <string>

namespace zt::stack::tap {

std::string tap_device_name(std::uint64_t network_id, std::uint64_t trial = 0);

}  // namespace zt::stack::tap
