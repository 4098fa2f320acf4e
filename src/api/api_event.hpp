#pragma once
// One event of the zts_ API as ztsdk queues it: libzt's event code and a
// compact C++ record of what it is about. The large C structures the
// handler sees (a zts_net_info_t is ~28 KiB) are only built at delivery.
#include <cstdint>
#include <variant>

#include "node/network_info.hpp"
#include "node/node.hpp"
#include "proto/inet_address.hpp"
#include "proto/mac_address.hpp"

namespace zt::api {

struct NodeFacts {
  std::uint64_t node_id = 0;
  std::uint16_t primary_port = 0;
  std::uint16_t secondary_port = 0;
};

struct NetworkFacts {
  NetworkInfo info;
  bool port_error = false;
};

struct NetifFacts {
  std::uint64_t network_id = 0;
  MacAddress mac;
  unsigned mtu = 0;
};

struct AddressFacts {
  std::uint64_t network_id = 0;
  InetAddress address;  // prefix length in the port field
};

struct ApiEvent {
  int code = 0;  // a ZTS_EVENT_* value
  std::variant<std::monostate, NodeFacts, NetworkFacts, NetifFacts, AddressFacts, PeerInfo> facts;
};

}  // namespace zt::api
