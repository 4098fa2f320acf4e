#pragma once
// The configs a node makes up itself for ad-hoc networks (vl2.md §1.1):
// ids starting with 0xff need no controller and never send a request.
#include <cstdint>

#include "proto/address.hpp"
#include "proto/network_config.hpp"

namespace zt {

struct AdhocConfig {
  enum class Kind : std::uint8_t {
    kNone,      // not an ad-hoc id of a known form: nothing happens
    kNotFound,  // a port range ending before it starts
    kConfig,    // `config` is the network's config, issued to us now
  };
  Kind kind = Kind::kNone;
  NetworkConfig config;
};

AdhocConfig adhoc_config(std::uint64_t nwid, Address me, std::int64_t now);

// Whether `nwid` is in the ad-hoc range (no controller to ask).
constexpr bool is_adhoc_network(std::uint64_t nwid) { return (nwid >> 56) == 0xff; }

}  // namespace zt
