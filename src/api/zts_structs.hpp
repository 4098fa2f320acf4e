#pragma once
// ztsdk's C++ records in libzt's C structures (include/zts.h).
#include "node/network_info.hpp"
#include "node/node.hpp"
#include "proto/inet_address.hpp"
#include "zts.h"

namespace zt::api {

// An address (its port field, e.g. a prefix length, in network order as
// libzt puts it) as a zts_sockaddr_in or zts_sockaddr_in6; a nil address
// leaves `out` zeroed (family 0).
void to_zts_storage(const InetAddress& address, zts_sockaddr_storage& out);

// Fills every field of `out` (which is large: write into a kept buffer).
void to_zts_net_info(const NetworkInfo& info, bool port_error, zts_net_info_t& out);
void to_zts_peer_info(const PeerInfo& peer, zts_peer_info_t& out);

}  // namespace zt::api
