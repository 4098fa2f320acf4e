// Every verb payload parser. The first input byte picks the codec, the rest
// is the payload. Whatever a parser accepts must be written back and parsed
// again to the same bytes; anything else aborts.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "proto/byte_io.hpp"
#include "proto/hex.hpp"
#include "proto/verbs/attached_com.hpp"
#include "proto/verbs/echo.hpp"
#include "proto/verbs/frame.hpp"
#include "proto/verbs/hello.hpp"
#include "proto/verbs/multicast.hpp"
#include "proto/verbs/network_config.hpp"
#include "proto/verbs/ok_error.hpp"
#include "proto/verbs/push_direct_paths.hpp"
#include "proto/verbs/rendezvous.hpp"
#include "proto/verbs/user_message.hpp"
#include "proto/verbs/whois.hpp"

namespace {

using Span = std::span<const std::uint8_t>;

void check(bool ok) {
  if (!ok) std::abort();
}

template <class T, class Write>
zt::Bytes written(Write write, const T& value) {
  zt::Bytes out;
  zt::ByteWriter w(out);
  write(w, value);
  return out;
}

template <class Parse, class Write>
void round_trip(Parse parse, Write write, Span in) {
  auto first = parse(in);
  if (!first) return;
  const zt::Bytes once = written(write, *first);
  auto second = parse(Span(once));
  check(second.has_value());
  check(written(write, *second) == once);
}

void hello(Span in) {
  // The offset needs only the clear part, so it may exist when the moon list is bad.
  auto offset = zt::hello_crypt_field_offset(in);
  if (zt::parse_hello(in)) check(offset.has_value());
  if (offset) check(*offset <= in.size());
  round_trip(zt::parse_hello, zt::write_hello, in);
}

void ok_whois(Span in) {
  round_trip(zt::parse_ok_whois,
             [](zt::ByteWriter& w, const zt::OkWhois& ok) {
               const zt::Identity ids[] = {ok.identity};
               zt::write_ok_whois(w, ids);
             },
             in);
}

void attached_com(Span in) {
  zt::ByteReader r(in);
  auto com = zt::read_attached_com(r);
  check(r.ok() ? com.size() == r.position() && !com.empty() : com.empty());
}

// An OK envelope, then the body codec its in-re verb selects.
void ok(Span in) {
  auto msg = zt::parse_ok(in);
  if (!msg) return;
  switch (msg->in_re_verb) {
    case zt::Verb::kHello: return round_trip(zt::parse_ok_hello, zt::write_ok_hello, msg->body);
    case zt::Verb::kWhois: return ok_whois(msg->body);
    case zt::Verb::kEcho:
      return round_trip(zt::parse_network_config_ack, zt::write_network_config_ack, msg->body);
    case zt::Verb::kExtFrame:
      return round_trip(zt::parse_ok_ext_frame, zt::write_ok_ext_frame, msg->body);
    case zt::Verb::kNetworkConfigRequest:
      return round_trip(zt::parse_config_chunk, zt::write_config_chunk, msg->body);
    case zt::Verb::kMulticastGather:
      return round_trip(zt::parse_ok_multicast_gather, zt::write_ok_multicast_gather, msg->body);
    case zt::Verb::kMulticastFrame:
      return round_trip(zt::parse_ok_multicast_frame, zt::write_ok_multicast_frame, msg->body);
    default:
      return;
  }
}

void ok_envelope(Span in) {
  round_trip(zt::parse_ok,
             [](zt::ByteWriter& w, const zt::OkMessage& m) {
               zt::write_ok_header(w, m.in_re_verb, m.in_re_packet_id);
               w.bytes(m.body);
             },
             in);
  ok(in);
}

using Codec = void (*)(Span);

// Keep the order: the seed files' first bytes index this table.
const Codec kCodecs[] = {
    hello,                                                                             // 0
    ok_envelope,                                                                       // 1
    [](Span in) { round_trip(zt::parse_error, zt::write_error, in); },                 // 2
    [](Span in) { round_trip(zt::parse_whois, zt::write_whois, in); },                 // 3
    ok_whois,                                                                          // 4
    [](Span in) { round_trip(zt::parse_rendezvous, zt::write_rendezvous, in); },       // 5
    [](Span in) { round_trip(zt::parse_frame, zt::write_frame, in); },                 // 6
    [](Span in) { round_trip(zt::parse_ext_frame, zt::write_ext_frame, in); },         // 7
    [](Span in) { check(zt::parse_echo(in).data.size() == in.size()); },               // 8
    [](Span in) { round_trip(zt::parse_multicast_like, zt::write_multicast_like, in); },  // 9
    [](Span in) {                                                                      // 10
      round_trip(zt::parse_network_config_request, zt::write_network_config_request, in);
    },
    [](Span in) { round_trip(zt::parse_config_chunk, zt::write_config_chunk, in); },   // 11
    [](Span in) {                                                                      // 12
      round_trip(zt::parse_multicast_gather, zt::write_multicast_gather, in);
    },
    [](Span in) {                                                                      // 13
      round_trip(zt::parse_multicast_frame, zt::write_multicast_frame, in);
    },
    [](Span in) { round_trip(zt::parse_ok_hello, zt::write_ok_hello, in); },           // 14
    [](Span in) {                                                                      // 15
      round_trip(zt::parse_push_direct_paths, zt::write_push_direct_paths, in);
    },
    [](Span in) {                                                                      // 16
      round_trip(zt::parse_ok_multicast_gather, zt::write_ok_multicast_gather, in);
    },
    [](Span in) {                                                                      // 17
      round_trip(zt::parse_ok_multicast_frame, zt::write_ok_multicast_frame, in);
    },
    [](Span in) { round_trip(zt::parse_ok_ext_frame, zt::write_ok_ext_frame, in); },   // 18
    [](Span in) {                                                                      // 19
      round_trip(zt::parse_network_config_ack, zt::write_network_config_ack, in);
    },
    [](Span in) { round_trip(zt::parse_user_message, zt::write_user_message, in); },   // 20
    attached_com,                                                                      // 21
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t count = sizeof kCodecs / sizeof kCodecs[0];
  kCodecs[data[0] % count](Span(data + 1, size - 1));
  return 0;
}
