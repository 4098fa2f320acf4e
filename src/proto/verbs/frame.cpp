#include "proto/verbs/frame.hpp"

#include "proto/verbs/attached_com.hpp"

namespace zt {

std::optional<Frame> parse_frame(std::span<const std::uint8_t> payload) {
  ByteReader r(payload);
  Frame f;
  f.network_id = r.u64();
  f.ethertype = r.u16();
  f.data = r.take(r.remaining());
  if (!r.ok()) return std::nullopt;
  return f;
}

void write_frame(ByteWriter& w, const Frame& f) {
  w.bytes(frame_header(f.network_id, f.ethertype));
  w.bytes(f.data);
}

std::array<std::uint8_t, kFrameHeaderSize> frame_header(std::uint64_t network_id,
                                                        std::uint16_t ethertype) {
  std::array<std::uint8_t, kFrameHeaderSize> h;
  store_be(h.data(), network_id, 8);
  store_be(h.data() + 8, ethertype, 2);
  return h;
}

std::optional<ExtFrame> parse_ext_frame(std::span<const std::uint8_t> payload) {
  ByteReader r(payload);
  ExtFrame f;
  f.network_id = r.u64();
  f.flags = r.u8();
  if (f.flags & kExtFrameFlagCom) f.com = read_attached_com(r);
  f.to = MacAddress::read(r);
  f.from = MacAddress::read(r);
  f.ethertype = r.u16();
  f.data = r.take(r.remaining());
  if (!r.ok()) return std::nullopt;
  return f;
}

void write_ext_frame(ByteWriter& w, const ExtFrame& f) {
  w.u64(f.network_id);
  w.u8(f.flags);
  if (f.flags & kExtFrameFlagCom) w.bytes(f.com);
  f.to.write(w);
  f.from.write(w);
  w.u16(f.ethertype);
  w.bytes(f.data);
}

std::optional<OkExtFrame> parse_ok_ext_frame(std::span<const std::uint8_t> body) {
  ByteReader r(body);
  OkExtFrame ok;
  ok.network_id = r.u64();
  if (!r.ok()) return std::nullopt;
  return ok;
}

void write_ok_ext_frame(ByteWriter& w, const OkExtFrame& ok) { w.u64(ok.network_id); }

}  // namespace zt
