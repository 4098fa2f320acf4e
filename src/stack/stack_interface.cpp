// A network's Ethernet interface on lwIP: netif set-up, addresses, routes,
// and the frame path in (input_frames) and out (link_output).
#include "stack/stack_interface.hpp"

#include <algorithm>
#include <cstring>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/nd6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"
#include "stack/interface_state.hpp"
#include "stack/stack_runtime.hpp"

namespace zt::stack {
namespace {

// Smallest MTU IPv6 allows, and ZeroTier's largest.
constexpr unsigned kMinMtu = 1280;
constexpr unsigned kMaxMtu = 10000;
// Ethernet's smallest frame without the FCS.
constexpr std::size_t kMinEthernetFrame = 60;

ip4_addr_t to_ip4(const InetAddress& a) {
  ip4_addr_t out;
  std::memcpy(&out.addr, a.ip(), 4);  // both in network order
  return out;
}

ip6_addr_t to_ip6(const InetAddress& a) {
  ip6_addr_t out{};
  std::memcpy(out.addr, a.ip(), 16);
  ip6_addr_clear_zone(&out);
  return out;
}

ip4_addr_t ip4_netmask(unsigned prefix_len) {
  ip4_addr_t mask;
  mask.addr = prefix_len == 0 ? 0 : lwip_htonl(0xffffffffu << (32 - prefix_len));
  return mask;
}

// Frames start ETH_PAD_SIZE bytes into lwIP's buffers (the padding keeps
// IP headers 4-byte aligned). A chained pbuf (UDP headers and data apart)
// is copied into one buffer; a TCP frame is one pbuf already.
err_t link_output(struct netif* netif, struct pbuf* p) {
  auto* state = static_cast<InterfaceState*>(netif->state);
  if (p->tot_len <= ETH_PAD_SIZE) return ERR_ARG;
  if (p->next == nullptr) {
    state->sink(std::span<const std::uint8_t>(
        static_cast<const std::uint8_t*>(p->payload) + ETH_PAD_SIZE, p->len - ETH_PAD_SIZE));
  } else {
    thread_local std::vector<std::uint8_t> flat;
    flat.resize(p->tot_len - ETH_PAD_SIZE);
    pbuf_copy_partial(p, flat.data(), static_cast<u16_t>(flat.size()), ETH_PAD_SIZE);
    state->sink(flat);
  }
  ++state->counters.frames_out;
  LINK_STATS_INC(link.xmit);
  return ERR_OK;
}

err_t netif_setup(struct netif* netif) {
  auto* state = static_cast<InterfaceState*>(netif->state);
  netif->name[0] = 'z';
  netif->name[1] = 't';
  netif->output = etharp_output;
  netif->output_ip6 = ethip6_output;
  netif->linkoutput = link_output;
  netif->mtu = static_cast<u16_t>(state->mtu);
  netif->hwaddr_len = ETH_HWADDR_LEN;
  state->mac.to_bytes(netif->hwaddr);
  netif->flags =
      NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
#if LWIP_IPV6_MLD
  // With MLD (Debian's prebuilt lwIP), lwIP accepts only multicast groups it
  // has joined, solicited-node groups included.
  netif->flags |= NETIF_FLAG_MLD6;
#endif
  return ERR_OK;
}

bool fail(std::string* error, const std::string& why) {
  if (error) *error = why;
  return false;
}

bool check_addresses(const std::vector<InetAddress>& addresses, std::string* error) {
  std::size_t v6 = 0;
  for (const auto& a : addresses) {
    if (a.is_v4() && a.port() > 32)
      return fail(error, "IPv4 prefix length above 32: " + a.to_string());
    if (a.is_v6() && a.port() > 128)
      return fail(error, "IPv6 prefix length above 128: " + a.to_string());
    if (a.is_nil()) return fail(error, "an address is empty");
    if (a.is_v6() && ++v6 > StackInterface::kMaxIp6Addresses)
      return fail(error, "more than " + std::to_string(StackInterface::kMaxIp6Addresses) +
                             " IPv6 addresses");
  }
  return true;
}

bool check_routes(const std::vector<Route>& routes, std::string* error) {
  for (const auto& r : routes) {
    if (r.target.is_nil()) return fail(error, "a route has no target");
    if (!r.via.is_nil() && r.via.family() != r.target.family())
      return fail(error, "route " + r.target.to_string() + " has a gateway of the other family");
    if (r.target.port() > (r.target.is_v4() ? 32 : 128))
      return fail(error, "route prefix length too long: " + r.target.to_string());
  }
  return true;
}

// Core lock held.
void apply_ip4(InterfaceState& s, const std::vector<InetAddress>& addresses) {
  auto first =
      std::find_if(addresses.begin(), addresses.end(), [](const auto& a) { return a.is_v4(); });
  ip4_addr_t ip = *IP4_ADDR_ANY4, mask = *IP4_ADDR_ANY4;
  s.ip4_prefix_len = 0;
  if (first != addresses.end()) {
    ip = to_ip4(*first);
    mask = ip4_netmask(first->port());
    s.ip4_prefix_len = static_cast<std::uint8_t>(first->port());
  }
  if (!ip4_addr_cmp(&ip, netif_ip4_addr(&s.netif)) ||
      !ip4_addr_cmp(&mask, netif_ip4_netmask(&s.netif)))
    netif_set_addr(&s.netif, &ip, &mask, IP4_ADDR_ANY4);
}

// Core lock held. Slot 0 is the link-local address; the others are ours.
void apply_ip6(InterfaceState& s, const std::vector<InetAddress>& addresses) {
  std::vector<Ip6Prefix> wanted;
  for (const auto& a : addresses)
    if (a.is_v6()) wanted.push_back({to_ip6(a), static_cast<std::uint8_t>(a.port())});

  auto is_wanted = [&](const ip6_addr_t* addr) {
    return std::any_of(wanted.begin(), wanted.end(),
                       [&](const Ip6Prefix& w) { return ip6_addr_cmp_zoneless(&w.address, addr); });
  };
  for (s8_t i = 1; i < LWIP_IPV6_NUM_ADDRESSES; ++i) {
    if (ip6_addr_isvalid(netif_ip6_addr_state(&s.netif, i)) &&
        !is_wanted(netif_ip6_addr(&s.netif, i)))
      netif_ip6_addr_set_state(&s.netif, i, IP6_ADDR_INVALID);
  }
  for (const auto& w : wanted) {
    if (netif_get_ip6_addr_match(&s.netif, &w.address) >= 0) continue;
    for (s8_t i = 1; i < LWIP_IPV6_NUM_ADDRESSES; ++i) {
      if (ip6_addr_isinvalid(netif_ip6_addr_state(&s.netif, i))) {
        netif_ip6_addr_set(&s.netif, i, &w.address);
        netif_ip6_addr_set_state(&s.netif, i, IP6_ADDR_PREFERRED);
        break;
      }
    }
  }
  s.ip6_prefixes = std::move(wanted);
}

// Core lock held.
void apply_routes(InterfaceState& s, const std::vector<Route>& routes) {
  s.ip4_routes.clear();
  s.ip6_routes.clear();
  for (const auto& r : routes) {
    const auto len = static_cast<std::uint8_t>(r.target.port());
    if (r.target.is_v4()) {
      s.ip4_routes.push_back(
          {to_ip4(r.target), len, r.via.is_nil() ? *IP4_ADDR_ANY4 : to_ip4(r.via)});
    } else {
      Ip6Route route{to_ip6(r.target), len, {}};
      if (r.via.is_nil())
        ip6_addr_set_any(&route.via);
      else
        route.via = to_ip6(r.via);
      s.ip6_routes.push_back(route);
    }
  }
  // Forget next hops worked out under the old routes.
  nd6_cleanup_netif(&s.netif);
}

}  // namespace

InterfaceState* interface_state(struct netif* netif) {
  if (netif == nullptr || netif->linkoutput != link_output) return nullptr;
  return static_cast<InterfaceState*>(netif->state);
}

bool ip4_prefix_contains(const ip4_addr_t& prefix, unsigned prefix_len, const ip4_addr_t& address) {
  const ip4_addr_t mask = ip4_netmask(prefix_len);
  return ip4_addr_netcmp(&prefix, &address, &mask);
}

bool ip6_prefix_contains(const ip6_addr_t& prefix, unsigned prefix_len, const ip6_addr_t& address) {
  const auto* a = reinterpret_cast<const std::uint8_t*>(prefix.addr);
  const auto* b = reinterpret_cast<const std::uint8_t*>(address.addr);
  const unsigned whole = prefix_len / 8, bits = prefix_len % 8;
  if (std::memcmp(a, b, whole) != 0) return false;
  if (bits == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - bits));
  return (a[whole] & mask) == (b[whole] & mask);
}

std::unique_ptr<StackInterface> StackInterface::create(const InterfaceConfig& config,
                                                       FrameSink sink, std::string* error) {
  if (config.mac.is_nil() || config.mac.is_multicast()) {
    fail(error, "the interface needs a unicast MAC address");
    return nullptr;
  }
  if (config.mtu < kMinMtu || config.mtu > kMaxMtu) {
    fail(error, "MTU " + std::to_string(config.mtu) + " is outside " + std::to_string(kMinMtu) +
                    ".." + std::to_string(kMaxMtu));
    return nullptr;
  }
  if (!sink) {
    fail(error, "the interface needs a frame sink");
    return nullptr;
  }
  if (!check_addresses(config.addresses, error) || !check_routes(config.routes, error))
    return nullptr;

  auto state = std::make_unique<InterfaceState>();
  state->sink = std::move(sink);
  state->mac = config.mac;
  state->mtu = config.mtu;

  CoreLock lock;
  if (netif_add(&state->netif, IP4_ADDR_ANY4, IP4_ADDR_ANY4, IP4_ADDR_ANY4, state.get(),
                netif_setup, ethernet_input) == nullptr) {
    fail(error, "lwIP refused the interface");
    return nullptr;
  }
  netif_create_ip6_linklocal_address(&state->netif, 1);
  netif_ip6_addr_set_state(&state->netif, 0, IP6_ADDR_PREFERRED);
  apply_ip4(*state, config.addresses);
  apply_ip6(*state, config.addresses);
  apply_routes(*state, config.routes);
  netif_set_up(&state->netif);
  return std::unique_ptr<StackInterface>(new StackInterface(std::move(state)));
}

StackInterface::StackInterface(std::unique_ptr<InterfaceState> state) : state_(std::move(state)) {}

StackInterface::~StackInterface() {
  CoreLock lock;
  netif_set_down(&state_->netif);
  netif_remove(&state_->netif);
}

bool StackInterface::set_addresses(const std::vector<InetAddress>& addresses, std::string* error) {
  if (!check_addresses(addresses, error)) return false;
  CoreLock lock;
  apply_ip4(*state_, addresses);
  apply_ip6(*state_, addresses);
  return true;
}

bool StackInterface::set_routes(const std::vector<Route>& routes, std::string* error) {
  if (!check_routes(routes, error)) return false;
  CoreLock lock;
  apply_routes(*state_, routes);
  return true;
}

void StackInterface::input_frames(std::span<const std::span<const std::uint8_t>> frames) {
  std::uint8_t own_mac[ETH_HWADDR_LEN];
  state_->mac.to_bytes(own_mac);
  const std::size_t max_frame = kEthernetHeader + state_->mtu;

  // One lock for the whole batch, and straight into ethernet_input rather
  // than a mailbox post per frame (stack-notes.md, gotcha 2).
  CoreLock lock;
  auto& counters = state_->counters;
  for (const auto& frame : frames) {
    const bool group = !frame.empty() && (frame[0] & 0x01) != 0;
    if (frame.size() < kEthernetHeader || frame.size() > max_frame ||
        (!group && std::memcmp(frame.data(), own_mac, ETH_HWADDR_LEN) != 0)) {
      ++counters.frames_dropped;
      LINK_STATS_INC(link.drop);
      continue;
    }
    // Short frames are zero-padded to Ethernet's minimum, as a NIC would
    // deliver them: lwIP's ARP input reads a whole ARP header without
    // checking the length (a heap over-read on a truncated frame otherwise).
    const std::size_t stored = std::max(frame.size(), kMinEthernetFrame);
    struct pbuf* p = pbuf_alloc(PBUF_RAW, static_cast<u16_t>(ETH_PAD_SIZE + stored), PBUF_RAM);
    if (p == nullptr) {
      ++counters.frames_dropped;
      LINK_STATS_INC(link.memerr);
      continue;
    }
    auto* payload = static_cast<std::uint8_t*>(p->payload) + ETH_PAD_SIZE;
    std::memcpy(payload, frame.data(), frame.size());
    std::memset(payload + frame.size(), 0, stored - frame.size());
    ++counters.frames_in;
    LINK_STATS_INC(link.recv);
    if (state_->netif.input(p, &state_->netif) != ERR_OK) pbuf_free(p);
  }
}

void StackInterface::input_frame(std::span<const std::uint8_t> frame) {
  input_frames(std::span<const std::span<const std::uint8_t>>(&frame, 1));
}

MacAddress StackInterface::mac() const { return state_->mac; }
unsigned StackInterface::mtu() const { return state_->mtu; }
unsigned StackInterface::index() const { return netif_get_index(&state_->netif); }

StackInterface::Counters StackInterface::counters() const {
  CoreLock lock;
  return state_->counters;
}

}  // namespace zt::stack
