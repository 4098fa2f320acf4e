#pragma once
// How the service's log names what the engine reports.
#include <string>

#include "node/node_event.hpp"

namespace zt::service {

// The log line for an event (echo replies and traces included).
std::string describe_event(const NodeEvent& event);

}  // namespace zt::service
