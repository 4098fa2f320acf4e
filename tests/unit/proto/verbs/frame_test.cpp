// FRAME, EXT_FRAME and OK(EXT_FRAME) against upstream's vl1/vl2 vectors.
#include "proto/verbs/frame.hpp"

#include "verb_test_support.hpp"

namespace zt {
namespace {

using test::hex;

const nlohmann::json& frames() { return test::vl2()["frames"]; }

TEST(VerbFrame, ParsesAndWritesUpstreamFrames) {
  const Bytes payload = hex(frames()["frame_payload_hex"]);
  auto f = parse_frame(payload);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->network_id, 0xe08309ce1e000001ULL);
  EXPECT_EQ(f->ethertype, 0x0800);
  EXPECT_EQ(to_hex(f->data), frames()["ipv4_icmp_echo_hex"].get<std::string>());
  EXPECT_EQ(to_hex(test::written(write_frame, *f)), to_hex(payload));
  test::expect_every_truncation_fails(parse_frame, std::span(payload).first(10));

  // The vl1 FRAME packet too.
  const Bytes vl1_frame = test::vl1_payload("FRAME A->B poly1305-none");
  auto g = parse_frame(vl1_frame);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->network_id, 0x8056c2e21c000001ULL);
  EXPECT_EQ(g->ethertype, 0x0800);
  EXPECT_EQ(to_hex(test::written(write_frame, *g)), to_hex(vl1_frame));
}

TEST(VerbExtFrame, BridgedAndTeeFrames) {
  const Bytes bridged = hex(frames()["ext_frame_bridged_payload_hex"]);
  auto b = parse_ext_frame(bridged);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->flags, 0);
  EXPECT_TRUE(b->com.empty());
  EXPECT_EQ(b->to.to_string(), frames()["to_mac"].get<std::string>());
  EXPECT_EQ(b->from.to_string(), "02:aa:bb:cc:dd:ee");
  EXPECT_EQ(b->ethertype, 0x0800);
  EXPECT_EQ(to_hex(b->data), frames()["ipv4_icmp_echo_hex"].get<std::string>());
  EXPECT_EQ(to_hex(test::written(write_ext_frame, *b)), to_hex(bridged));

  const Bytes tee = hex(frames()["ext_frame_tee_payload_hex"]);
  auto t = parse_ext_frame(tee);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->flags, 0x02);
  EXPECT_EQ(t->to.to_string(), frames()["to_mac"].get<std::string>());
  EXPECT_EQ(t->from.to_string(), frames()["from_mac"].get<std::string>());
  EXPECT_EQ(to_hex(test::written(write_ext_frame, *t)), to_hex(tee));
  test::expect_every_truncation_fails(parse_ext_frame, std::span(tee).first(8 + 1 + 6 + 6 + 2));
}

TEST(VerbExtFrame, SkipsAnAttachedCom) {
  const Bytes com = hex(test::vl2()["certificate_of_membership"]["comA_hex"]);
  const Bytes tee = hex(frames()["ext_frame_tee_payload_hex"]);
  auto t = parse_ext_frame(tee);
  ASSERT_TRUE(t);
  t->flags |= kExtFrameFlagCom | kExtFrameFlagAckRequested;
  t->com = com;
  const Bytes with_com = test::written(write_ext_frame, *t);
  ASSERT_EQ(with_com.size(), tee.size() + com.size());
  auto back = parse_ext_frame(with_com);
  ASSERT_TRUE(back);
  EXPECT_EQ(to_hex(back->com), to_hex(com));
  EXPECT_EQ(back->to, t->to);
  EXPECT_EQ(back->from, t->from);
  EXPECT_EQ(to_hex(back->data), to_hex(t->data));
  test::expect_every_truncation_fails(parse_ext_frame,
                                      std::span(with_com).first(9 + com.size() + 14));
}

TEST(VerbOkExtFrame, NetworkId) {
  const Bytes body = hex("e08309ce1e000001");
  auto ok = parse_ok_ext_frame(body);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->network_id, 0xe08309ce1e000001ULL);
  EXPECT_EQ(to_hex(test::written(write_ok_ext_frame, *ok)), to_hex(body));
  test::expect_every_truncation_fails(parse_ok_ext_frame, body);
}

TEST(VerbFrame, GarbageFailsCleanly) {
  EXPECT_GT(test::run_garbage(parse_frame, write_frame), 0u);
  EXPECT_GT(test::run_garbage(parse_ext_frame, write_ext_frame), 0u);
  EXPECT_GT(test::run_garbage(parse_ok_ext_frame, write_ok_ext_frame), 0u);
}

}  // namespace
}  // namespace zt
