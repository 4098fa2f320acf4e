// Encoding and decoding of the intercept's messages (protocol.hpp). Every
// message of the control socket has one layout whatever its op: a request
// or reply is a few dozen bytes, and one layout keeps both sides and the
// fuzzer simple. Unused fields are zero.
#include "intercept/protocol.hpp"

#include <cstring>

#include "proto/byte_io.hpp"

namespace zt::intercept {
namespace {

// ByteWriter appends to a std::vector; the library has no allocator to
// spare, so messages are written into the caller's fixed buffer.
class SpanWriter {
 public:
  explicit SpanWriter(std::span<std::uint8_t> out) : out_(out) {}
  void u8(std::uint8_t v) { put(&v, 1); }
  void u16(std::uint16_t v) { uint_be(v, 2); }
  void u32(std::uint32_t v) { uint_be(v, 4); }
  void u64(std::uint64_t v) { uint_be(v, 8); }
  void bytes(const void* p, std::size_t n) { put(p, n); }
  // The length written, 0 if the buffer was too small.
  std::size_t finish() const { return ok_ ? pos_ : 0; }

 private:
  void uint_be(std::uint64_t v, std::size_t n) {
    std::uint8_t b[8];
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(v >> (8 * (n - 1 - i)));
    put(b, n);
  }
  void put(const void* p, std::size_t n) {
    if (!ok_ || n > out_.size() - pos_) {
      ok_ = false;
      return;
    }
    if (n) std::memcpy(out_.data() + pos_, p, n);
    pos_ += n;
  }
  std::span<std::uint8_t> out_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

bool valid_family(std::uint8_t f) { return f == 0 || f == 4 || f == 6; }

bool write_endpoint(SpanWriter& w, const Endpoint& e) {
  if (!valid_family(e.family)) return false;
  w.u8(e.family);
  if (e.family == 4) {
    w.bytes(e.ip, 4);
    w.u16(e.port);
  } else if (e.family == 6) {
    w.bytes(e.ip, 16);
    w.u16(e.port);
    w.u32(e.scope);
  }
  return true;
}

bool read_endpoint(ByteReader& r, Endpoint& e) {
  e = Endpoint{};
  e.family = r.u8();
  if (e.family == 4) {
    r.copy(e.ip, 4);
    e.port = r.u16();
  } else if (e.family == 6) {
    r.copy(e.ip, 16);
    e.port = r.u16();
    e.scope = r.u32();
  } else if (e.family != 0) {
    return false;
  }
  return r.ok();
}

bool valid_host(const char* host, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = static_cast<unsigned char>(host[i]);
    if (c <= 0x20 || c >= 0x7f) return false;  // a DNS name's text form
  }
  return true;
}

constexpr std::uint8_t kAcceptVirtual = 'v';
constexpr std::uint8_t kAcceptKernel = 'k';

}  // namespace

bool valid_op(std::uint8_t op) { return op >= 1 && op <= static_cast<std::uint8_t>(Op::kResolve); }

bool valid_kind(std::uint8_t kind) {
  return kind == 't' || kind == 'b' || kind == 'l' || kind == 'u';
}

std::size_t encode_request(const Request& q, std::span<std::uint8_t> out) {
  if (!valid_op(static_cast<std::uint8_t>(q.op)) || !valid_family(q.domain) ||
      q.host_length > kMaxHostName || !valid_host(q.host, q.host_length))
    return 0;
  SpanWriter w(out);
  w.u8(kProtocolVersion);
  w.u8(static_cast<std::uint8_t>(q.op));
  w.u32(q.id);
  w.u64(q.socket);
  w.u8(q.domain);
  w.u32(q.flags);
  if (!write_endpoint(w, q.local) || !write_endpoint(w, q.remote)) return 0;
  w.u32(q.backlog);
  w.u32(static_cast<std::uint32_t>(q.level));
  w.u32(static_cast<std::uint32_t>(q.name));
  w.u32(static_cast<std::uint32_t>(q.value));
  w.u8(q.host_length);
  w.bytes(q.host, q.host_length);
  return w.finish();
}

std::optional<Request> decode_request(std::span<const std::uint8_t> in) {
  ByteReader r(in);
  Request q;
  if (r.u8() != kProtocolVersion) return std::nullopt;
  const std::uint8_t op = r.u8();
  if (!valid_op(op)) return std::nullopt;
  q.op = static_cast<Op>(op);
  q.id = r.u32();
  q.socket = r.u64();
  q.domain = r.u8();
  if (!valid_family(q.domain)) return std::nullopt;
  q.flags = r.u32();
  if (!read_endpoint(r, q.local) || !read_endpoint(r, q.remote)) return std::nullopt;
  q.backlog = r.u32();
  q.level = static_cast<std::int32_t>(r.u32());
  q.name = static_cast<std::int32_t>(r.u32());
  q.value = static_cast<std::int32_t>(r.u32());
  q.host_length = r.u8();
  if (q.host_length > kMaxHostName) return std::nullopt;
  r.copy(q.host, q.host_length);
  if (!r.ok() || !r.at_end() || !valid_host(q.host, q.host_length)) return std::nullopt;
  return q;
}

std::size_t encode_reply(const Reply& p, std::span<std::uint8_t> out) {
  if (!valid_op(static_cast<std::uint8_t>(p.op)) || !valid_kind(static_cast<std::uint8_t>(p.kind)) ||
      p.prefix_count > kMaxPrefixes || p.address_count > kMaxAddresses)
    return 0;
  SpanWriter w(out);
  w.u8(kProtocolVersion);
  w.u8(static_cast<std::uint8_t>(p.op) | kReplyBit);
  w.u32(p.id);
  w.u32(static_cast<std::uint32_t>(p.error));
  w.u64(p.socket);
  w.u8(static_cast<std::uint8_t>(p.kind));
  w.u8(static_cast<std::uint8_t>(p.state));
  w.u32(static_cast<std::uint32_t>(p.so_error));
  w.u32(static_cast<std::uint32_t>(p.value));
  w.u32(p.flags);
  if (!write_endpoint(w, p.local) || !write_endpoint(w, p.remote)) return 0;
  w.u8(p.prefix_count);
  for (std::size_t i = 0; i < p.prefix_count; ++i) {
    if (!write_endpoint(w, p.prefixes[i].address)) return 0;
    w.u8(p.prefixes[i].bits);
  }
  w.u8(p.address_count);
  for (std::size_t i = 0; i < p.address_count; ++i)
    if (!write_endpoint(w, p.addresses[i])) return 0;
  return w.finish();
}

std::optional<Reply> decode_reply(std::span<const std::uint8_t> in) {
  ByteReader r(in);
  Reply p;
  if (r.u8() != kProtocolVersion) return std::nullopt;
  const std::uint8_t op = r.u8();
  if (!(op & kReplyBit) || !valid_op(op & ~kReplyBit)) return std::nullopt;
  p.op = static_cast<Op>(op & ~kReplyBit);
  p.id = r.u32();
  p.error = static_cast<std::int32_t>(r.u32());
  p.socket = r.u64();
  const std::uint8_t kind = r.u8();
  const std::uint8_t state = r.u8();
  if (!valid_kind(kind) || state > static_cast<std::uint8_t>(SocketState::kOpen)) return std::nullopt;
  p.kind = static_cast<SocketKind>(kind);
  p.state = static_cast<SocketState>(state);
  p.so_error = static_cast<std::int32_t>(r.u32());
  p.value = static_cast<std::int32_t>(r.u32());
  p.flags = r.u32();
  if (!read_endpoint(r, p.local) || !read_endpoint(r, p.remote)) return std::nullopt;
  p.prefix_count = r.u8();
  if (p.prefix_count > kMaxPrefixes) return std::nullopt;
  for (std::size_t i = 0; i < p.prefix_count; ++i) {
    if (!read_endpoint(r, p.prefixes[i].address)) return std::nullopt;
    p.prefixes[i].bits = r.u8();
    const Endpoint& a = p.prefixes[i].address;
    if (a.none() || p.prefixes[i].bits > (a.family == 4 ? 32 : 128)) return std::nullopt;
  }
  p.address_count = r.u8();
  if (p.address_count > kMaxAddresses) return std::nullopt;
  for (std::size_t i = 0; i < p.address_count; ++i)
    if (!read_endpoint(r, p.addresses[i])) return std::nullopt;
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return p;
}

std::size_t encode_accept(const AcceptNotice& n, std::span<std::uint8_t> out) {
  SpanWriter w(out);
  w.u8(kProtocolVersion);
  w.u8(n.is_virtual ? kAcceptVirtual : kAcceptKernel);
  w.u64(n.socket);
  if (!write_endpoint(w, n.peer) || !write_endpoint(w, n.local)) return 0;
  return w.finish();
}

std::optional<AcceptNotice> decode_accept(std::span<const std::uint8_t> in) {
  ByteReader r(in);
  AcceptNotice n;
  if (r.u8() != kProtocolVersion) return std::nullopt;
  const std::uint8_t kind = r.u8();
  if (kind != kAcceptVirtual && kind != kAcceptKernel) return std::nullopt;
  n.is_virtual = kind == kAcceptVirtual;
  n.socket = r.u64();
  if (!read_endpoint(r, n.peer) || !read_endpoint(r, n.local)) return std::nullopt;
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return n;
}

void encode_datagram_header(const Endpoint& peer, std::uint8_t out[kDatagramHeaderSize]) {
  std::memset(out, 0, kDatagramHeaderSize);
  out[0] = kProtocolVersion;
  out[1] = valid_family(peer.family) ? peer.family : 0;
  out[2] = static_cast<std::uint8_t>(peer.port >> 8);
  out[3] = static_cast<std::uint8_t>(peer.port);
  std::memcpy(out + 4, peer.ip, peer.family == 4 ? 4 : 16);
  for (int i = 0; i < 4; ++i) out[20 + i] = static_cast<std::uint8_t>(peer.scope >> (24 - 8 * i));
  if (out[1] == 0) std::memset(out + 2, 0, kDatagramHeaderSize - 2);
}

std::optional<Endpoint> decode_datagram_header(std::span<const std::uint8_t> in) {
  if (in.size() < kDatagramHeaderSize || in[0] != kProtocolVersion || !valid_family(in[1]))
    return std::nullopt;
  Endpoint e;
  e.family = in[1];
  if (e.family == 0) return e;
  e.port = static_cast<std::uint16_t>(in[2] << 8 | in[3]);
  std::memcpy(e.ip, in.data() + 4, e.family == 4 ? 4 : 16);
  if (e.family == 6)
    e.scope = static_cast<std::uint32_t>(in[20]) << 24 | static_cast<std::uint32_t>(in[21]) << 16 |
              static_cast<std::uint32_t>(in[22]) << 8 | in[23];
  return e;
}

namespace {
constexpr char kNamePrefix[] = "ztsdk-ic-";  // after the abstract namespace's NUL
constexpr char kHex[] = "0123456789abcdef";

void put_hex(std::uint64_t v, char* out) {
  for (int i = 15; i >= 0; --i, v >>= 4) out[i] = kHex[v & 15];
}
std::optional<std::uint64_t> get_hex(const char* in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 16; ++i) {
    const char c = in[i];
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return std::nullopt;
    v = v << 4 | static_cast<std::uint64_t>(d);
  }
  return v;
}
}  // namespace

void format_socket_name(const SocketName& name, char out[kSocketNameLength]) {
  out[0] = '\0';
  std::memcpy(out + 1, kNamePrefix, 9);
  put_hex(name.instance, out + 10);
  out[26] = '-';
  out[27] = static_cast<char>(name.kind);
  put_hex(name.socket, out + 28);
}

std::optional<SocketName> parse_socket_name(std::span<const char> path) {
  if (path.size() != kSocketNameLength || path[0] != '\0' ||
      std::memcmp(path.data() + 1, kNamePrefix, 9) != 0 || path[26] != '-' ||
      !valid_kind(static_cast<std::uint8_t>(path[27])))
    return std::nullopt;
  const std::optional<std::uint64_t> instance = get_hex(path.data() + 10);
  const std::optional<std::uint64_t> socket = get_hex(path.data() + 28);
  if (!instance || !socket) return std::nullopt;
  return SocketName{*instance, static_cast<SocketKind>(path[27]), *socket};
}

}  // namespace zt::intercept
