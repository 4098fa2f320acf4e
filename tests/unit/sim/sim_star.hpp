#pragma once
// The common scenario shape: root R and two leaves A and B on one LAN-like
// public network (10.0.0.0/8), with helpers to bring A and B together.
#include <gtest/gtest.h>

#include <string>

#include "sim/sim_scenario.hpp"

namespace zt::sim {

struct Star {
  explicit Star(std::uint64_t seed, LinkParams link = {.latency = 10, .jitter = 4})
      : s(seed, link) {
    s.record_wire(true);
  }

  bool both_online() { return a.online() && b.online(); }
  // Online, and the root and each node have confirmed paths to each other.
  bool settled() {
    return both_online() && direct_over(a, r, r.endpoint()) && direct_over(b, r, r.endpoint()) &&
           direct_over(r, a, a.endpoint()) && direct_over(r, b, b.endpoint());
  }
  bool both_direct() { return direct_over(a, b, b.endpoint()) && direct_over(b, a, a.endpoint()); }

  // Online, then introduced by the root and direct to each other (check
  // HasFatalFailure() after calling it).
  void meet_directly(Time within = 10000) {
    ASSERT_TRUE(s.run_until([&] { return settled(); }, within)) << dump();
    auto loop = s.keep_echoing(a, b, 1000);
    ASSERT_TRUE(s.run_until([&] { return both_direct(); }, within)) << dump();
    s.stop_echoing({loop});
  }

  std::string dump() { return describe(r) + describe(a) + describe(b) + s.timeline(); }

  Scenario s;
  SimHost& r = s.add_root(ep("10.0.0.1/9993"));
  SimHost& a = s.add_node("A", vector_identity(0), {ep("10.0.0.2/9993")});
  SimHost& b = s.add_node("B", vector_identity(1), {ep("10.0.0.3/9993")});
};

}  // namespace zt::sim
