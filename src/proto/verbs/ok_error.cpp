#include "proto/verbs/ok_error.hpp"

namespace zt {
namespace {

bool carries_network_id(const ErrorMessage& e) {
  switch (static_cast<ErrorCode>(e.code)) {
    case ErrorCode::kObjectNotFound:
    case ErrorCode::kUnsupportedOperation:
      return e.in_re_verb == Verb::kNetworkConfigRequest;
    case ErrorCode::kNeedMembershipCertificate:
    case ErrorCode::kNetworkAccessDenied:
    case ErrorCode::kUnwantedMulticast:
    case ErrorCode::kNetworkAuthenticationRequired:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::optional<OkMessage> parse_ok(std::span<const std::uint8_t> payload) {
  ByteReader r(payload);
  OkMessage ok;
  ok.in_re_verb = static_cast<Verb>(r.u8());
  ok.in_re_packet_id = r.u64();
  ok.body = r.take(r.remaining());
  if (!r.ok()) return std::nullopt;
  return ok;
}

void write_ok_header(ByteWriter& w, Verb in_re_verb, std::uint64_t in_re_packet_id) {
  w.u8(static_cast<std::uint8_t>(in_re_verb));
  w.u64(in_re_packet_id);
}

std::optional<ErrorMessage> parse_error(std::span<const std::uint8_t> payload) {
  ByteReader r(payload);
  ErrorMessage e;
  e.in_re_verb = static_cast<Verb>(r.u8());
  e.in_re_packet_id = r.u64();
  e.code = r.u8();
  if (!r.ok()) return std::nullopt;
  if (carries_network_id(e)) e.network_id = r.u64();
  const auto code = static_cast<ErrorCode>(e.code);
  if (code == ErrorCode::kUnwantedMulticast) e.group = read_multicast_group(r);
  // Upstream looks for the auth dictionary only when bytes follow the nwid.
  if (code == ErrorCode::kNetworkAuthenticationRequired && !r.at_end())
    e.auth_info = r.take(r.u16());
  if (!r.ok()) return std::nullopt;
  return e;
}

void write_error(ByteWriter& w, const ErrorMessage& e) {
  w.u8(static_cast<std::uint8_t>(e.in_re_verb));
  w.u64(e.in_re_packet_id);
  w.u8(e.code);
  if (e.network_id) w.u64(*e.network_id);
  if (e.group) write_multicast_group(w, *e.group);
  if (e.auth_info) {
    w.u16(static_cast<std::uint16_t>(e.auth_info->size()));
    w.bytes(*e.auth_info);
  }
}

}  // namespace zt
