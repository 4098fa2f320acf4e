#pragma once
// /proc/net/dev_mcast: the link-layer multicast addresses each device of
// this network namespace listens to, one line per address:
//   "<ifindex> <device> <users> <global users> <12 hex digits>"
// The kernel keeps it up to date as IGMP and MLD memberships come and go,
// so reading it tells the tap driver which groups to subscribe to.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/mac_address.hpp"

namespace zt::stack::tap {

// The addresses listed for `device`, in file order. Lines that do not have
// that shape are skipped.
std::vector<MacAddress> parse_dev_mcast(std::string_view text, std::string_view device);

// The file's contents; nullopt if it cannot be read whole (or is
// implausibly large), so a failed read is not taken for "no groups".
std::optional<std::string> read_dev_mcast();

}  // namespace zt::stack::tap
