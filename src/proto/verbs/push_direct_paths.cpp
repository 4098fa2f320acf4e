#include "proto/verbs/push_direct_paths.hpp"

namespace zt {
namespace {

constexpr std::size_t kMinRecordSize = 1 + 2 + 1 + 1;  // flags, ext length, type, length
constexpr std::uint8_t kAddressTypeV4 = 4;
constexpr std::uint8_t kAddressTypeV6 = 6;

}  // namespace

std::optional<PushDirectPaths> parse_push_direct_paths(std::span<const std::uint8_t> payload) {
  ByteReader r(payload);
  PushDirectPaths push;
  const std::size_t count = r.u16();
  if (!r.ok() || count * kMinRecordSize > r.remaining()) return std::nullopt;
  push.paths.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    DirectPath p;
    p.flags = r.u8();
    r.skip(r.u16());  // extension bytes, undefined so far
    const std::uint8_t type = r.u8();
    const std::size_t length = r.u8();
    auto a = r.take(length);
    if (!r.ok()) return std::nullopt;
    // The address is followed by its 2-byte port.
    if (type == kAddressTypeV4 && length == 4 + 2) {
      p.address = InetAddress::v4(a.data(), static_cast<std::uint16_t>(load_be(a.data() + 4, 2)));
    } else if (type == kAddressTypeV6 && length == 16 + 2) {
      p.address = InetAddress::v6(a.data(), static_cast<std::uint16_t>(load_be(a.data() + 16, 2)));
    } else {
      ++push.skipped;
      continue;
    }
    push.paths.push_back(p);
  }
  return push;
}

void write_push_direct_paths(ByteWriter& w, const PushDirectPaths& push) {
  w.u16(static_cast<std::uint16_t>(push.paths.size()));
  for (const DirectPath& p : push.paths) {
    w.u8(p.flags);
    w.u16(0);
    w.u8(p.address.is_v4() ? kAddressTypeV4 : kAddressTypeV6);
    w.u8(static_cast<std::uint8_t>(p.address.ip_length() + 2));
    w.bytes(p.address.ip(), p.address.ip_length());
    w.u16(p.address.port());
  }
}

}  // namespace zt
