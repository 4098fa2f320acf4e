#include "proto/verbs/multicast.hpp"

#include "proto/verbs/attached_com.hpp"

namespace zt {
namespace {

constexpr std::size_t kSubscriptionSize = 8 + MacAddress::kLength + 4;

GatherResult read_gather_result(ByteReader& r) {
  GatherResult g;
  g.total_known = r.u32();
  const std::size_t count = r.u16();
  if (count * Address::kLength > r.remaining()) {
    r.fail();
    return g;
  }
  g.members.reserve(count);
  for (std::size_t i = 0; i < count; ++i) g.members.emplace_back(r.u40());
  return g;
}

void write_gather_result(ByteWriter& w, const GatherResult& g) {
  w.u32(g.total_known);
  w.u16(static_cast<std::uint16_t>(g.members.size()));
  for (Address a : g.members) w.u40(a.value());
}

}  // namespace

MulticastGroup read_multicast_group(ByteReader& r) {
  MulticastGroup g;
  g.mac = MacAddress::read(r);
  g.adi = r.u32();
  return g;
}

void write_multicast_group(ByteWriter& w, const MulticastGroup& g) {
  g.mac.write(w);
  w.u32(g.adi);
}

std::optional<MulticastLike> parse_multicast_like(std::span<const std::uint8_t> payload) {
  if (payload.size() % kSubscriptionSize != 0) return std::nullopt;
  ByteReader r(payload);
  MulticastLike like;
  like.subscriptions.reserve(payload.size() / kSubscriptionSize);
  while (!r.at_end()) {
    MulticastSubscription s;
    s.network_id = r.u64();
    s.group = read_multicast_group(r);
    like.subscriptions.push_back(s);
  }
  if (!r.ok()) return std::nullopt;
  return like;
}

void write_multicast_like(ByteWriter& w, const MulticastLike& like) {
  for (const MulticastSubscription& s : like.subscriptions) {
    w.u64(s.network_id);
    write_multicast_group(w, s.group);
  }
}

std::optional<MulticastGather> parse_multicast_gather(std::span<const std::uint8_t> payload) {
  ByteReader r(payload);
  MulticastGather g;
  g.network_id = r.u64();
  g.flags = r.u8();
  g.group = read_multicast_group(r);
  g.gather_limit = r.u32();
  if (g.flags & kMulticastGatherFlagCom) g.com = read_attached_com(r);
  if (!r.ok()) return std::nullopt;
  return g;
}

void write_multicast_gather(ByteWriter& w, const MulticastGather& g) {
  w.u64(g.network_id);
  w.u8(g.flags);
  write_multicast_group(w, g.group);
  w.u32(g.gather_limit);
  if (g.flags & kMulticastGatherFlagCom) w.bytes(g.com);
}

std::optional<OkMulticastGather> parse_ok_multicast_gather(std::span<const std::uint8_t> body) {
  ByteReader r(body);
  OkMulticastGather ok;
  ok.network_id = r.u64();
  ok.group = read_multicast_group(r);
  ok.result = read_gather_result(r);
  if (!r.ok()) return std::nullopt;
  return ok;
}

void write_ok_multicast_gather(ByteWriter& w, const OkMulticastGather& ok) {
  w.u64(ok.network_id);
  write_multicast_group(w, ok.group);
  write_gather_result(w, ok.result);
}

std::optional<MulticastFrame> parse_multicast_frame(std::span<const std::uint8_t> payload) {
  ByteReader r(payload);
  MulticastFrame f;
  f.network_id = r.u64();
  f.flags = r.u8();
  if (f.flags & kMulticastFrameFlagCom) f.com = read_attached_com(r);
  if (f.flags & kMulticastFrameFlagGatherLimit) f.gather_limit = r.u32();
  if (f.flags & kMulticastFrameFlagSourceMac) f.source = MacAddress::read(r);
  f.group = read_multicast_group(r);
  f.ethertype = r.u16();
  f.data = r.take(r.remaining());
  if (!r.ok()) return std::nullopt;
  return f;
}

void write_multicast_frame(ByteWriter& w, const MulticastFrame& f) {
  w.u64(f.network_id);
  w.u8(f.flags);
  if (f.flags & kMulticastFrameFlagCom) w.bytes(f.com);
  if (f.flags & kMulticastFrameFlagGatherLimit) w.u32(f.gather_limit);
  if (f.flags & kMulticastFrameFlagSourceMac) f.source.write(w);
  write_multicast_group(w, f.group);
  w.u16(f.ethertype);
  w.bytes(f.data);
}

std::optional<OkMulticastFrame> parse_ok_multicast_frame(std::span<const std::uint8_t> body) {
  ByteReader r(body);
  OkMulticastFrame ok;
  ok.network_id = r.u64();
  ok.group = read_multicast_group(r);
  ok.flags = r.u8();
  if (ok.flags & kOkMulticastFrameFlagCom) ok.com = read_attached_com(r);
  if (ok.flags & kOkMulticastFrameFlagGather) ok.result = read_gather_result(r);
  if (!r.ok()) return std::nullopt;
  return ok;
}

void write_ok_multicast_frame(ByteWriter& w, const OkMulticastFrame& ok) {
  w.u64(ok.network_id);
  write_multicast_group(w, ok.group);
  w.u8(ok.flags);
  if (ok.flags & kOkMulticastFrameFlagCom) w.bytes(ok.com);
  if (ok.flags & kOkMulticastFrameFlagGather) write_gather_result(w, ok.result);
}

}  // namespace zt
