// ECHO, USER_MESSAGE and the attached-COM skipper.
#include "proto/verbs/attached_com.hpp"
#include "proto/verbs/echo.hpp"
#include "proto/verbs/user_message.hpp"

#include "verb_test_support.hpp"

namespace zt {
namespace {

using test::hex;

TEST(VerbEcho, EmptyUpstreamEchoAndArbitraryBytes) {
  const Bytes empty = test::vl1_payload("ECHO A->B empty payload salsa2012");
  EXPECT_TRUE(empty.empty());
  EXPECT_TRUE(parse_echo(empty).data.empty());
  const Bytes any = hex("00ff10");
  EXPECT_EQ(to_hex(test::written(write_echo, parse_echo(any))), "00ff10");
}

TEST(VerbUserMessage, TypeAndData) {
  const Bytes payload = hex("0000000000010000cafe");
  auto m = parse_user_message(payload);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type_id, 0x10000u);
  EXPECT_EQ(to_hex(m->data), "cafe");
  EXPECT_EQ(to_hex(test::written(write_user_message, *m)), to_hex(payload));
  test::expect_every_truncation_fails(parse_user_message, std::span(payload).first(8));
  EXPECT_GT(test::run_garbage(parse_user_message, write_user_message), 0u);
}

TEST(VerbAttachedCom, LengthOfUpstreamCom) {
  const auto& vec = test::vl2()["certificate_of_membership"];
  const Bytes com = hex(vec["comA_hex"]);
  ASSERT_EQ(com.size(), vec["comA_len"].get<std::size_t>());
  Bytes buf = com;
  buf.push_back(0xaa);  // what follows the COM stays unread
  ByteReader r(buf);
  auto got = read_attached_com(r);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(got.size(), com.size());
  EXPECT_EQ(r.remaining(), 1u);
  for (std::size_t n = 0; n < com.size(); ++n) {
    ByteReader t{std::span(com).first(n)};
    EXPECT_TRUE(read_attached_com(t).empty());
    EXPECT_FALSE(t.ok()) << n;
  }
}

TEST(VerbAttachedCom, UnsignedAndMalformed) {
  // One qualifier, no signer: 1 + 2 + 24 + 5 bytes.
  const Bytes unsigned_com = hex("010001" + std::string(48, '1') + "0000000000");
  ByteReader r(unsigned_com);
  EXPECT_EQ(read_attached_com(r).size(), unsigned_com.size());
  EXPECT_TRUE(r.ok());
  for (const char* bad : {"020000" "0000000000", "010009" "0000000000"}) {
    Bytes b = hex(bad);
    b.resize(b.size() + 9 * 24 + 96);
    ByteReader br(b);
    EXPECT_TRUE(read_attached_com(br).empty());
    EXPECT_FALSE(br.ok()) << bad;
  }
}

}  // namespace
}  // namespace zt
