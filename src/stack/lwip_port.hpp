#pragma once
// The lwIP driver: each network's port is an interface of this process's
// lwIP stack (stack_interface), which the zts_ sockets use.
#include "stack/port_driver.hpp"

namespace zt::stack {

std::unique_ptr<PortDriver> make_lwip_driver();

}  // namespace zt::stack
