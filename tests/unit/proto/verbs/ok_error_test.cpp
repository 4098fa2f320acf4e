// The OK and ERROR envelopes and the code-specific ERROR payloads.
#include "proto/verbs/ok_error.hpp"

#include "verb_test_support.hpp"

namespace zt {
namespace {

using test::hex;

const nlohmann::json& ncr() { return test::vl2()["network_config_request"]; }

TEST(VerbOk, HeaderNeedsNineBytes) {
  const Bytes payload = hex("031122334455667788aabb");
  auto ok = parse_ok(payload);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->in_re_verb, Verb::kOk);
  EXPECT_EQ(ok->in_re_packet_id, 0x1122334455667788ULL);
  EXPECT_EQ(to_hex(ok->body), "aabb");
  test::expect_every_truncation_fails(parse_ok, std::span(payload).first(9));
  EXPECT_TRUE(parse_ok(std::span(payload).first(9)));
}

TEST(VerbError, NetworkErrorsFromUpstreamController) {
  for (const char* field :
       {"error_OBJ_NOT_FOUND_payload_hex", "error_NETWORK_ACCESS_DENIED_payload_hex"}) {
    SCOPED_TRACE(field);
    const Bytes payload = hex(ncr()[field]);
    auto e = parse_error(payload);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->in_re_verb, Verb::kNetworkConfigRequest);
    EXPECT_EQ(e->in_re_packet_id, 0xa1b2c3d4e5f60718ULL);
    ASSERT_TRUE(e->network_id);
    EXPECT_EQ(*e->network_id, 0xe08309ce1e000001ULL);
    EXPECT_FALSE(e->group);
    EXPECT_FALSE(e->auth_info);
    EXPECT_EQ(to_hex(test::written(write_error, *e)), to_hex(payload));
    test::expect_every_truncation_fails(parse_error, payload);
  }
  EXPECT_EQ(parse_error(hex(ncr()["error_OBJ_NOT_FOUND_payload_hex"]))->code,
            static_cast<std::uint8_t>(ErrorCode::kObjectNotFound));
  EXPECT_EQ(parse_error(hex(ncr()["error_NETWORK_ACCESS_DENIED_payload_hex"]))->code,
            static_cast<std::uint8_t>(ErrorCode::kNetworkAccessDenied));
}

TEST(VerbError, NetworkIdOnlyWhereUpstreamReadsIt) {
  // OBJ_NOT_FOUND in re WHOIS carries nothing; in re NETWORK_CONFIG_REQUEST it needs the nwid.
  auto whois = parse_error(hex("04010203040506070803"));
  ASSERT_TRUE(whois);
  EXPECT_FALSE(whois->network_id);
  EXPECT_FALSE(parse_error(hex("0b010203040506070803")));
  // IDENTITY_COLLISION has no payload; trailing bytes are ignored.
  auto collision = parse_error(hex("010102030405060708" "04" "ffff"));
  ASSERT_TRUE(collision);
  EXPECT_EQ(collision->code, 4);
  EXPECT_FALSE(collision->network_id);
  // NEED_MEMBERSHIP_CERTIFICATE needs the nwid whatever it answers.
  EXPECT_FALSE(parse_error(hex("0e010203040506070806")));
  auto need = parse_error(hex("0e010203040506070806467b3c210141fc8a"));
  ASSERT_TRUE(need);
  EXPECT_EQ(*need->network_id, 0x467b3c210141fc8aULL);
  // An unknown code parses, without payload.
  auto unknown = parse_error(hex("0b0102030405060708ee00"));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->code, 0xee);
}

TEST(VerbError, UnwantedMulticastAndAuthenticationRequired) {
  ErrorMessage unwanted;
  unwanted.in_re_verb = Verb::kMulticastFrame;
  unwanted.in_re_packet_id = 42;
  unwanted.code = static_cast<std::uint8_t>(ErrorCode::kUnwantedMulticast);
  unwanted.network_id = 0xe08309ce1e000001ULL;
  unwanted.group = MulticastGroup{MacAddress(0xffffffffffffULL), 0x0a931105};
  const Bytes u = test::written(write_error, unwanted);
  EXPECT_EQ(to_hex(u), "0e000000000000002a08e08309ce1e000001ffffffffffff0a931105");
  auto ub = parse_error(u);
  ASSERT_TRUE(ub);
  EXPECT_EQ(ub->group, unwanted.group);
  test::expect_every_truncation_fails(parse_error, u);

  const std::string dict = "aV=0\naU=https://example.com/auth";
  ErrorMessage auth;
  auth.in_re_verb = Verb::kNetworkConfigRequest;
  auth.code = static_cast<std::uint8_t>(ErrorCode::kNetworkAuthenticationRequired);
  auth.network_id = 7;
  auth.auth_info = std::span(reinterpret_cast<const std::uint8_t*>(dict.data()), dict.size());
  const Bytes a = test::written(write_error, auth);
  auto ab = parse_error(a);
  ASSERT_TRUE(ab);
  ASSERT_TRUE(ab->auth_info);
  EXPECT_EQ(std::string(ab->auth_info->begin(), ab->auth_info->end()), dict);
  // Without the dictionary it still parses (older controllers); a cut one fails.
  const std::size_t nwid_end = 10 + 8;
  auto bare = parse_error(std::span(a).first(nwid_end));
  ASSERT_TRUE(bare);
  EXPECT_FALSE(bare->auth_info);
  for (std::size_t n = nwid_end + 1; n < a.size(); ++n)
    EXPECT_FALSE(parse_error(std::span(a).first(n))) << n;
}

TEST(VerbError, GarbageFailsCleanly) {
  EXPECT_GT(test::run_garbage(parse_error, write_error), 0u);
  auto write_ok = [](ByteWriter& w, const OkMessage& ok) {
    write_ok_header(w, ok.in_re_verb, ok.in_re_packet_id);
    w.bytes(ok.body);
  };
  EXPECT_GT(test::run_garbage(parse_ok, write_ok), 0u);
}

}  // namespace
}  // namespace zt
