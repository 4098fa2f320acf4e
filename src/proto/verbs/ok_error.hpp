#pragma once
// The OK and ERROR envelopes (vl1.md §12.3, §12.4, §13): which packet they
// answer, then a body whose layout depends on the verb answered. OK bodies
// are parsed by the codec of that verb's family (hello.hpp, whois.hpp, ...).
#include <cstdint>
#include <optional>
#include <span>

#include "proto/byte_io.hpp"
#include "proto/packet.hpp"
#include "proto/verbs/multicast.hpp"

namespace zt {

struct OkMessage {
  Verb in_re_verb = Verb::kNop;  // as sent: not masked, maybe not a known verb
  std::uint64_t in_re_packet_id = 0;
  std::span<const std::uint8_t> body;  // a view into the payload
};

std::optional<OkMessage> parse_ok(std::span<const std::uint8_t> payload);
// The 9-byte header; the caller appends the body.
void write_ok_header(ByteWriter& w, Verb in_re_verb, std::uint64_t in_re_packet_id);

enum class ErrorCode : std::uint8_t {
  kNone = 0x00,
  kInvalidRequest = 0x01,
  kBadProtocolVersion = 0x02,
  kObjectNotFound = 0x03,
  kIdentityCollision = 0x04,
  kUnsupportedOperation = 0x05,
  kNeedMembershipCertificate = 0x06,
  kNetworkAccessDenied = 0x07,
  kUnwantedMulticast = 0x08,
  kNetworkAuthenticationRequired = 0x09,
};

struct ErrorMessage {
  Verb in_re_verb = Verb::kNop;
  std::uint64_t in_re_packet_id = 0;
  std::uint8_t code = 0;  // an ErrorCode, or a value this version does not know
  // The network the error is about: codes 0x06..0x09, and 0x03/0x05 when
  // answering NETWORK_CONFIG_REQUEST.
  std::optional<std::uint64_t> network_id;
  std::optional<MulticastGroup> group;  // code 0x08
  // Code 0x09: the optional dictionary telling the member how to authenticate.
  std::optional<std::span<const std::uint8_t>> auth_info;
};

// Strict where upstream reads a field (a missing network id fails), and
// ignores bytes after the fields a code defines, as upstream does.
std::optional<ErrorMessage> parse_error(std::span<const std::uint8_t> payload);
void write_error(ByteWriter& w, const ErrorMessage& e);

}  // namespace zt
