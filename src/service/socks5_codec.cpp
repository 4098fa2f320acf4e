#include "service/socks5_codec.hpp"

#include <cerrno>

#include "crypto/constant_time.hpp"
#include "proto/byte_io.hpp"

namespace zt::service::socks5 {
namespace {

// An address in SOCKS form from `r`: nullopt if more bytes are needed,
// a Destination with `bad_type` set for an unknown ATYP.
struct ParsedAddress {
  Destination destination;
  bool bad_type = false;
};
std::optional<ParsedAddress> read_address(ByteReader& r) {
  ParsedAddress out;
  const std::uint8_t atyp = r.u8();
  if (!r.ok()) return std::nullopt;
  if (atyp == kAtypIpv4) {
    std::uint8_t ip[4];
    if (!r.copy(ip, 4)) return std::nullopt;
    out.destination.ip = InetAddress::v4(ip, 0);
  } else if (atyp == kAtypIpv6) {
    std::uint8_t ip[16];
    if (!r.copy(ip, 16)) return std::nullopt;
    out.destination.ip = InetAddress::v6(ip, 0);
  } else if (atyp == kAtypDomain) {
    const std::uint8_t length = r.u8();
    const std::span<const std::uint8_t> name = r.take(length);
    if (!r.ok()) return std::nullopt;
    out.destination.name.assign(name.begin(), name.end());
  } else {
    out.bad_type = true;
    return out;
  }
  out.destination.port = r.u16();
  if (!r.ok()) return std::nullopt;
  out.destination.ip.set_port(out.destination.port);
  return out;
}

void write_address(ByteWriter& w, const InetAddress& a) {
  if (a.is_v6()) {
    w.u8(kAtypIpv6);
    w.bytes(a.ip(), 16);
  } else {
    w.u8(kAtypIpv4);
    const std::uint8_t zero[4] = {};
    w.bytes(a.is_v4() ? a.ip() : zero, 4);
  }
  w.u16(a.port());
}

bool same(const std::string& a, std::span<const std::uint8_t> b) {
  // Compared in constant time for equal lengths; the length is not secret.
  return a.size() == b.size() &&
         (a.empty() || crypto::constant_time_equal(reinterpret_cast<const std::uint8_t*>(a.data()),
                                                  b.data(), b.size()));
}

}  // namespace

ReplyCode reply_code_for(int error) {
  switch (error) {
    case 0: return ReplyCode::kSucceeded;
    case ECONNREFUSED: return ReplyCode::kConnectionRefused;
    case ENETUNREACH: return ReplyCode::kNetworkUnreachable;
    case EHOSTUNREACH:
    case EHOSTDOWN: return ReplyCode::kHostUnreachable;
    case ETIMEDOUT: return ReplyCode::kTtlExpired;
    case EACCES:
    case EPERM: return ReplyCode::kNotAllowed;
    default: return ReplyCode::kGeneralFailure;
  }
}

Handshake::Handshake(std::optional<Credentials> required) : required_(std::move(required)) {}

Handshake::Step Handshake::feed(std::span<const std::uint8_t> input) {
  switch (state_) {
    case State::kGreeting: return greeting(input);
    case State::kAuth: return auth(input);
    case State::kRequest: return request(input);
    case State::kDone: break;
  }
  return {};
}

Handshake::Step Handshake::greeting(std::span<const std::uint8_t> input) {
  Step step;
  ByteReader r(input);
  const std::uint8_t version = r.u8();
  const std::uint8_t count = r.u8();
  if (r.ok() && version != kVersion) {
    step.close = true;  // not SOCKS5: nothing sensible to answer
    return step;
  }
  const std::span<const std::uint8_t> methods = r.take(count);
  if (!r.ok()) return step;  // wait for the rest
  step.consumed = r.position();
  const std::uint8_t wanted = required_ ? kMethodUserPassword : kMethodNoAuth;
  bool offered = false;
  for (std::uint8_t m : methods) offered = offered || m == wanted;
  step.send = {kVersion, offered ? wanted : kMethodNoneAcceptable};
  if (!offered) step.close = true;
  else state_ = required_ ? State::kAuth : State::kRequest;
  return step;
}

Handshake::Step Handshake::auth(std::span<const std::uint8_t> input) {
  Step step;
  ByteReader r(input);
  const std::uint8_t version = r.u8();
  if (r.ok() && version != kAuthVersion) {
    step.send = {kAuthVersion, 1};
    step.close = true;
    return step;
  }
  const std::span<const std::uint8_t> user = r.take(r.u8());
  const std::span<const std::uint8_t> password = r.take(r.u8());
  if (!r.ok()) return step;
  step.consumed = r.position();
  // Both compared whatever the first gives, so timing tells nothing.
  const bool user_ok = same(required_->user, user);
  const bool password_ok = same(required_->password, password);
  const bool ok = user_ok && password_ok;
  step.send = {kAuthVersion, static_cast<std::uint8_t>(ok ? 0 : 1)};
  if (ok) state_ = State::kRequest;
  else step.close = true;
  return step;
}

Handshake::Step Handshake::request(std::span<const std::uint8_t> input) {
  Step step;
  ByteReader r(input);
  const std::uint8_t version = r.u8();
  const std::uint8_t command = r.u8();
  r.u8();  // RSV
  if (r.ok() && version != kVersion) {
    step.send = encode_reply(ReplyCode::kGeneralFailure, {});
    step.close = true;
    return step;
  }
  if (!r.ok()) return step;
  const std::optional<ParsedAddress> address = read_address(r);
  if (!address) return step;
  step.consumed = r.position();
  state_ = State::kDone;
  if (address->bad_type) {
    step.consumed = input.size();
    step.send = encode_reply(ReplyCode::kAddressTypeNotSupported, {});
    step.close = true;
    return step;
  }
  if (command != kCommandConnect && command != kCommandBind && command != kCommandUdpAssociate) {
    step.send = encode_reply(ReplyCode::kCommandNotSupported, {});
    step.close = true;
    return step;
  }
  step.request = Request{command, address->destination};
  return step;
}

std::vector<std::uint8_t> encode_reply(ReplyCode code, const InetAddress& bound) {
  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  w.u8(kVersion);
  w.u8(static_cast<std::uint8_t>(code));
  w.u8(0);
  write_address(w, bound);
  return out;
}

std::optional<UdpDatagram> parse_udp(std::span<const std::uint8_t> datagram) {
  ByteReader r(datagram);
  r.u16();  // RSV
  UdpDatagram d;
  d.fragment = r.u8();
  if (!r.ok()) return std::nullopt;
  const std::optional<ParsedAddress> address = read_address(r);
  if (!address || address->bad_type) return std::nullopt;
  d.destination = address->destination;
  d.payload = datagram.subspan(r.position());
  return d;
}

std::vector<std::uint8_t> encode_udp(const InetAddress& from, std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> out;
  out.reserve(payload.size() + 22);
  ByteWriter w(out);
  w.u16(0);
  w.u8(0);
  write_address(w, from);
  w.bytes(payload);
  return out;
}

}  // namespace zt::service::socks5
