#include "stack/lwip_port.hpp"

#include "stack/stack_interface.hpp"

namespace zt::stack {
namespace {

InterfaceConfig interface_config(const NetworkInfo& info) {
  InterfaceConfig c;
  c.mac = info.mac;
  c.mtu = info.mtu;
  c.addresses = info.assigned_addresses;
  for (const NetworkRoute& r : info.routes) c.routes.push_back({r.target, r.via});
  return c;
}

class LwipPort final : public Port {
 public:
  explicit LwipPort(std::unique_ptr<StackInterface> interface)
      : interface_(std::move(interface)), config_() {}

  bool configure(const NetworkInfo& info, std::string* error) override {
    InterfaceConfig next = interface_config(info);
    bool ok = true;
    // lwIP cannot change an interface's MAC or MTU in place; the engine
    // never changes the MAC, and an MTU change takes a new interface.
    if (next.addresses != config_.addresses) ok = interface_->set_addresses(next.addresses, error);
    if (ok && !same_routes(next.routes, config_.routes)) ok = interface_->set_routes(next.routes, error);
    if (ok) config_ = std::move(next);
    return ok;
  }

  void deliver(std::span<const std::span<const std::uint8_t>> frames) override {
    interface_->input_frames(frames);
  }

  void remember(const InterfaceConfig& c) { config_ = c; }

 private:
  static bool same_routes(const std::vector<Route>& a, const std::vector<Route>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (a[i].target != b[i].target || a[i].via != b[i].via) return false;
    return true;
  }

  std::unique_ptr<StackInterface> interface_;
  InterfaceConfig config_;
};

class LwipDriver final : public PortDriver {
 public:
  std::string_view name() const override { return "lwip"; }

  std::unique_ptr<Port> open(const NetworkInfo& info, PortSinks sinks,
                             std::string* error) override {
    const InterfaceConfig config = interface_config(info);
    auto interface = StackInterface::create(config, std::move(sinks.frame), error);
    if (!interface) return nullptr;
    auto port = std::make_unique<LwipPort>(std::move(interface));
    port->remember(config);
    return port;
  }
};

}  // namespace

std::unique_ptr<PortDriver> make_lwip_driver() { return std::make_unique<LwipDriver>(); }

}  // namespace zt::stack
