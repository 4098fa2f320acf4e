// zts_stats_get_all: lwIP's per-protocol packet counters (whole stack).
#include "lwip/stats.h"
#include "stack/stack_runtime.hpp"
#include "zts.h"

#if LWIP_STATS
namespace {

struct Counters {
  uint32_t tx, rx, drop, err;
};

Counters from(const struct stats_proto& s) {
  const uint32_t errors = s.chkerr + s.lenerr + s.memerr + s.rterr + s.proterr + s.opterr + s.err;
  return {s.xmit, s.recv, s.drop, errors};
}

}  // namespace
#endif

extern "C" int zts_stats_get_all(zts_stats_counter_t* dst) {
#if LWIP_STATS
  if (dst == nullptr) return ZTS_ERR_ARG;
  zt::stack::CoreLock lock;  // the counters are written under it
  const auto put = [](uint32_t& tx, uint32_t& rx, uint32_t& drop, uint32_t& err, Counters c) {
    tx = c.tx, rx = c.rx, drop = c.drop, err = c.err;
  };
  put(dst->link_tx, dst->link_rx, dst->link_drop, dst->link_err, from(lwip_stats.link));
  put(dst->etharp_tx, dst->etharp_rx, dst->etharp_drop, dst->etharp_err, from(lwip_stats.etharp));
  put(dst->ip4_tx, dst->ip4_rx, dst->ip4_drop, dst->ip4_err, from(lwip_stats.ip));
  put(dst->ip6_tx, dst->ip6_rx, dst->ip6_drop, dst->ip6_err, from(lwip_stats.ip6));
  put(dst->icmp4_tx, dst->icmp4_rx, dst->icmp4_drop, dst->icmp4_err, from(lwip_stats.icmp));
  put(dst->icmp6_tx, dst->icmp6_rx, dst->icmp6_drop, dst->icmp6_err, from(lwip_stats.icmp6));
  put(dst->udp_tx, dst->udp_rx, dst->udp_drop, dst->udp_err, from(lwip_stats.udp));
  put(dst->tcp_tx, dst->tcp_rx, dst->tcp_drop, dst->tcp_err, from(lwip_stats.tcp));
  put(dst->nd6_tx, dst->nd6_rx, dst->nd6_drop, dst->nd6_err, from(lwip_stats.nd6));
  return ZTS_ERR_OK;
#else
  (void)dst;
  return ZTS_ERR_NO_RESULT;  // this lwIP keeps no statistics
#endif
}
