// UdpEndpoint over lwIP's raw UDP API.
#include "stack/udp_endpoint.hpp"

#include <cerrno>
#include <cstring>

#include "lwip/udp.h"
#include "stack/lwip_address.hpp"
#include "stack/stack_runtime.hpp"

namespace zt::stack {
namespace {

// An IPv4 datagram's largest payload (65535 - 20 - 8); IPv6 allows 8 more.
constexpr std::size_t kMaxPayload = 65507;

u8_t pcb_type(const LocalBinding& b) {
  if (b.ip.is_v4()) return IPADDR_TYPE_V4;
  if (b.ip.is_v6()) return IPADDR_TYPE_V6;
  if (b.family == 4) return IPADDR_TYPE_V4;
  return b.v6only ? IPADDR_TYPE_V6 : IPADDR_TYPE_ANY;
}

}  // namespace

std::unique_ptr<UdpEndpoint> UdpEndpoint::open(const LocalBinding& local, Receiver receiver,
                                               int* error) {
  CoreLock lock;
  const u8_t type = pcb_type(local);
  udp_pcb* pcb = udp_new_ip_type(type);
  if (!pcb) {
    *error = ENOMEM;
    return nullptr;
  }
  if (local.reuse_address) ip_set_option(pcb, SOF_REUSEADDR);
  ip_addr_t ip = *IP_ANY_TYPE;
  if (!local.ip.is_nil()) ip = to_ip_addr(local.ip);
  else if (type == IPADDR_TYPE_V4) ip = *IP4_ADDR_ANY;
  else if (type == IPADDR_TYPE_V6) ip = *IP6_ADDR_ANY;
  const err_t err = udp_bind(pcb, &ip, local.port);
  if (err != ERR_OK) {
    udp_remove(pcb);
    *error = err == ERR_USE ? EADDRINUSE : EADDRNOTAVAIL;
    return nullptr;
  }
  std::unique_ptr<UdpEndpoint> e(new UdpEndpoint());
  e->pcb_ = pcb;
  e->receiver_ = std::move(receiver);
  e->local_ = local.ip.is_nil() ? InetAddress() : local.ip;
  e->local_.set_port(pcb->local_port);
  udp_recv(pcb, &UdpEndpoint::lwip_recv, e.get());
  return e;
}

UdpEndpoint::~UdpEndpoint() {
  CoreLock lock;
  udp_remove(pcb_);
}

void UdpEndpoint::lwip_recv(void* arg, udp_pcb*, pbuf* p, const ip_addr* addr, std::uint16_t port) {
  auto* self = static_cast<UdpEndpoint*>(arg);
  const InetAddress from = from_ip_addr(*addr, port);
  if (p->next == nullptr) {
    self->receiver_(from, {static_cast<const std::uint8_t*>(p->payload), p->len});
  } else {
    // A reassembled datagram arrives as a chain.
    static thread_local std::uint8_t flat[65536];
    const u16_t n = pbuf_copy_partial(p, flat, p->tot_len, 0);
    self->receiver_(from, {flat, n});
  }
  pbuf_free(p);
}

int UdpEndpoint::send_to(const InetAddress& to, std::span<const std::uint8_t> data) {
  if (data.size() > kMaxPayload) return EMSGSIZE;
  CoreLock lock;
  pbuf* p = pbuf_alloc(PBUF_TRANSPORT, static_cast<u16_t>(data.size()), PBUF_RAM);
  if (!p) return ENOBUFS;
  if (!data.empty()) std::memcpy(p->payload, data.data(), data.size());
  const ip_addr_t ip = to_ip_addr(to);
  const err_t err = udp_sendto(pcb_, p, &ip, to.port());
  pbuf_free(p);
  switch (err) {
    case ERR_OK: return 0;
    case ERR_RTE: return ENETUNREACH;
    case ERR_MEM: case ERR_BUF: return ENOBUFS;
    case ERR_VAL: return EINVAL;
    default: return EIO;
  }
}

int UdpEndpoint::connect(const InetAddress& remote) {
  CoreLock lock;
  if (remote.is_nil()) {
    udp_disconnect(pcb_);
    return 0;
  }
  const ip_addr_t ip = to_ip_addr(remote);
  const err_t err = udp_connect(pcb_, &ip, remote.port());
  local_.set_port(pcb_->local_port);
  return err == ERR_OK ? 0 : err == ERR_USE ? EADDRINUSE : EINVAL;
}

InetAddress UdpEndpoint::local() const {
  CoreLock lock;
  return local_;
}

int UdpEndpoint::set_option(UdpOption option, int value) {
  CoreLock lock;
  switch (option) {
    case UdpOption::kBroadcast:
      if (value) ip_set_option(pcb_, SOF_BROADCAST); else ip_reset_option(pcb_, SOF_BROADCAST);
      return 0;
    case UdpOption::kTtl:
      if (value < 1 || value > 255) return EINVAL;
      pcb_->ttl = static_cast<u8_t>(value);
      return 0;
    case UdpOption::kTos:
      pcb_->tos = static_cast<u8_t>(value);
      return 0;
  }
  return ENOPROTOOPT;
}

int UdpEndpoint::get_option(UdpOption option) const {
  CoreLock lock;
  switch (option) {
    case UdpOption::kBroadcast: return ip_get_option(pcb_, SOF_BROADCAST) ? 1 : 0;
    case UdpOption::kTtl: return pcb_->ttl;
    case UdpOption::kTos: return pcb_->tos;
  }
  return 0;
}

}  // namespace zt::stack
