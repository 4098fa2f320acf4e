#include "api/observed_port.hpp"

#include <algorithm>

namespace zt::api {
namespace {

class ObservedPort final : public stack::Port {
 public:
  ObservedPort(std::uint64_t network_id, std::unique_ptr<stack::Port> inner, PortObserver& observer,
               std::vector<InetAddress> addresses)
      : network_id_(network_id),
        inner_(std::move(inner)),
        observer_(observer),
        addresses_(std::move(addresses)) {}

  ~ObservedPort() override {
    inner_.reset();
    observer_.port_closed(network_id_);
  }

  bool configure(const NetworkInfo& info, std::string* error) override {
    if (!inner_->configure(info, error)) return false;
    std::vector<InetAddress> now = interface_addresses(info.assigned_addresses);
    if (now != addresses_) {
      addresses_ = std::move(now);
      observer_.port_addresses(network_id_, addresses_);
    }
    return true;
  }

  void deliver(std::span<const std::span<const std::uint8_t>> frames) override {
    inner_->deliver(frames);
  }

 private:
  std::uint64_t network_id_;
  std::unique_ptr<stack::Port> inner_;
  PortObserver& observer_;
  std::vector<InetAddress> addresses_;
};

class ObservingDriver final : public stack::PortDriver {
 public:
  ObservingDriver(std::unique_ptr<stack::PortDriver> inner, PortObserver& observer)
      : inner_(std::move(inner)), observer_(observer) {}

  std::string_view name() const override { return inner_->name(); }

  std::unique_ptr<stack::Port> open(const NetworkInfo& info, stack::PortSinks sinks,
                                    std::string* error) override {
    std::unique_ptr<stack::Port> port = inner_->open(info, std::move(sinks), error);
    if (!port) return nullptr;
    PortView view{info.mac, info.mtu, interface_addresses(info.assigned_addresses)};
    auto observed =
        std::make_unique<ObservedPort>(info.id, std::move(port), observer_, view.addresses);
    observer_.port_opened(info.id, view);
    return observed;
  }

 private:
  std::unique_ptr<stack::PortDriver> inner_;
  PortObserver& observer_;
};

}  // namespace

std::vector<InetAddress> interface_addresses(const std::vector<InetAddress>& assigned) {
  std::vector<InetAddress> out;
  auto v4 = std::find_if(assigned.begin(), assigned.end(), [](const auto& a) { return a.is_v4(); });
  if (v4 != assigned.end()) out.push_back(*v4);
  for (const InetAddress& a : assigned)
    if (a.is_v6()) out.push_back(a);
  return out;
}

std::unique_ptr<stack::PortDriver> observe_ports(std::unique_ptr<stack::PortDriver> inner,
                                                 PortObserver& observer) {
  return std::make_unique<ObservingDriver>(std::move(inner), observer);
}

}  // namespace zt::api
