// The one place drivers are registered.
#include "stack/lwip_port.hpp"
#include "stack/port_driver.hpp"
#include "stack/tap/tap_port.hpp"

namespace zt::stack {

std::vector<std::string> port_driver_names() { return {"lwip", "tap"}; }

std::unique_ptr<PortDriver> make_port_driver(std::string_view name, std::string* error) {
  if (name == "lwip") return make_lwip_driver();
  if (name == "tap") return make_tap_driver();
  if (error) {
    *error = "unknown network stack '" + std::string(name) + "' (have:";
    for (const std::string& n : port_driver_names()) *error += " " + n;
    *error += ")";
  }
  return nullptr;
}

}  // namespace zt::stack
