// Multicast verb payloads against upstream's vl2 vectors.
#include "proto/verbs/multicast.hpp"

#include "proto/verbs/ok_error.hpp"
#include "verb_test_support.hpp"

namespace zt {
namespace {

using test::hex;

const nlohmann::json& mc() { return test::vl2()["multicast"]; }
constexpr std::uint64_t kNwid = 0xe08309ce1e000001ULL;

MulticastGroup vector_group(std::size_t i) {
  const auto& g = mc()["groups"][i];
  return MulticastGroup{
      MacAddress::from_string(g["mac"].get<std::string>()).value_or(MacAddress()),
      static_cast<std::uint32_t>(std::stoul(g["adi"].get<std::string>(), nullptr, 16))};
}

TEST(VerbMulticastLike, ParsesAndWritesUpstreamPayload) {
  const Bytes payload = hex(mc()["multicast_like_payload_hex"]);
  auto like = parse_multicast_like(payload);
  ASSERT_TRUE(like);
  ASSERT_EQ(like->subscriptions.size(), mc()["groups"].size());
  for (std::size_t i = 0; i < like->subscriptions.size(); ++i) {
    EXPECT_EQ(like->subscriptions[i].network_id, kNwid);
    EXPECT_EQ(like->subscriptions[i].group, vector_group(i)) << i;
  }
  EXPECT_EQ(to_hex(test::written(write_multicast_like, *like)), to_hex(payload));
  for (std::size_t n = 0; n < payload.size(); ++n)
    EXPECT_EQ(parse_multicast_like(std::span(payload).first(n)).has_value(), n % 18 == 0) << n;
}

TEST(VerbMulticastGather, WithComFromUpstream) {
  const Bytes payload = hex(mc()["multicast_gather_payload_hex"]);
  const Bytes com = hex(test::vl2()["certificate_of_membership"]["comA_hex"]);
  auto g = parse_multicast_gather(payload);
  ASSERT_TRUE(g);
  // "flags 0x01 (COM attached), group[0], gatherLimit 33, COM(A)"
  EXPECT_EQ(g->network_id, kNwid);
  EXPECT_EQ(g->flags, kMulticastGatherFlagCom);
  EXPECT_EQ(g->group, vector_group(0));
  EXPECT_EQ(g->gather_limit, 33u);
  EXPECT_EQ(to_hex(g->com), to_hex(com));
  EXPECT_EQ(to_hex(test::written(write_multicast_gather, *g)), to_hex(payload));
  test::expect_every_truncation_fails(parse_multicast_gather, payload);
  // Without the flag the COM bytes are ignored trailing bytes.
  Bytes no_flag = payload;
  no_flag[8] = 0;
  auto plain = parse_multicast_gather(no_flag);
  ASSERT_TRUE(plain);
  EXPECT_TRUE(plain->com.empty());
}

TEST(VerbOkMulticastGather, FromUpstream) {
  const Bytes payload = hex(mc()["ok_multicast_gather_payload_hex"]);
  auto ok = parse_ok(payload);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->in_re_verb, Verb::kMulticastGather);
  EXPECT_EQ(ok->in_re_packet_id, 0x1122334455667788ULL);
  auto body = parse_ok_multicast_gather(ok->body);
  ASSERT_TRUE(body);
  EXPECT_EQ(body->network_id, kNwid);
  EXPECT_EQ(body->group, vector_group(0));
  EXPECT_EQ(body->result.total_known, 2u);
  ASSERT_EQ(body->result.members.size(), 1u);
  EXPECT_EQ(body->result.members[0].to_string(), "c8b11f7020");
  Bytes out;
  ByteWriter w(out);
  write_ok_header(w, ok->in_re_verb, ok->in_re_packet_id);
  write_ok_multicast_gather(w, *body);
  EXPECT_EQ(to_hex(out), to_hex(payload));
  test::expect_every_truncation_fails(parse_ok_multicast_gather, ok->body);
  // A count beyond the bytes present fails without allocating.
  EXPECT_FALSE(
      parse_ok_multicast_gather(hex("e08309ce1e00000101005e00000100000000"
                                    "00000002"
                                    "ffff")));
}

TEST(VerbMulticastFrame, ArpFromUpstream) {
  const Bytes payload = hex(mc()["multicast_frame_payload_hex"]);
  auto f = parse_multicast_frame(payload);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->network_id, kNwid);
  EXPECT_EQ(f->flags, kMulticastFrameFlagGatherLimit);
  EXPECT_EQ(f->gather_limit, 32u);
  EXPECT_TRUE(f->com.empty());
  EXPECT_EQ(f->group.mac.to_string(), "ff:ff:ff:ff:ff:ff");
  EXPECT_EQ(f->group.adi, 0x0a931106u);
  EXPECT_EQ(f->ethertype, 0x0806);
  EXPECT_EQ(f->data.size(), 28u);
  EXPECT_EQ(to_hex(test::written(write_multicast_frame, *f)), to_hex(payload));
  test::expect_every_truncation_fails(parse_multicast_frame, std::span(payload).first(9 + 4 + 12));
}

TEST(VerbMulticastFrame, AllOptionalFields) {
  const Bytes com = hex(test::vl2()["certificate_of_membership"]["comA_hex"]);
  const Bytes data = hex("0102030405");
  MulticastFrame f;
  f.network_id = kNwid;
  f.flags = kMulticastFrameFlagCom | kMulticastFrameFlagGatherLimit | kMulticastFrameFlagSourceMac |
            kMulticastFrameFlagReplicate;
  f.com = com;
  f.gather_limit = 7;
  f.source = MacAddress(0x02aabbccddeeULL);
  f.group = vector_group(1);
  f.ethertype = 0x86dd;
  f.data = data;
  const Bytes out = test::written(write_multicast_frame, f);
  ASSERT_EQ(out.size(), 8 + 1 + com.size() + 4 + 6 + 6 + 4 + 2 + data.size());
  auto back = parse_multicast_frame(out);
  ASSERT_TRUE(back);
  EXPECT_EQ(to_hex(back->com), to_hex(com));
  EXPECT_EQ(back->gather_limit, 7u);
  EXPECT_EQ(back->source, f.source);
  EXPECT_EQ(back->group, f.group);
  EXPECT_EQ(back->ethertype, 0x86dd);
  EXPECT_EQ(to_hex(back->data), "0102030405");
  test::expect_every_truncation_fails(parse_multicast_frame,
                                      std::span(out).first(out.size() - data.size()));
}

TEST(VerbOkMulticastFrame, GatherResultAndCom) {
  // The capture's OK(MULTICAST_FRAME) body shape: flags 0x02, one member (30 bytes).
  OkMulticastFrame ok;
  ok.network_id = 0x467b3c210141fc8aULL;
  ok.group = vector_group(3);
  ok.flags = kOkMulticastFrameFlagGather;
  ok.result.total_known = 1;
  ok.result.members = {Address(0xb3d71c2205ULL)};
  const Bytes out = test::written(write_ok_multicast_frame, ok);
  EXPECT_EQ(out.size(), 30u);
  auto back = parse_ok_multicast_frame(out);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->result.members, ok.result.members);
  EXPECT_EQ(back->result.total_known, 1u);
  test::expect_every_truncation_fails(parse_ok_multicast_frame, out);

  const Bytes com = hex(test::vl2()["certificate_of_membership"]["comA_hex"]);
  ok.flags |= kOkMulticastFrameFlagCom;
  ok.com = com;
  const Bytes with_com = test::written(write_ok_multicast_frame, ok);
  auto back2 = parse_ok_multicast_frame(with_com);
  ASSERT_TRUE(back2);
  EXPECT_EQ(to_hex(back2->com), to_hex(com));
  EXPECT_EQ(back2->result.members, ok.result.members);
  test::expect_every_truncation_fails(parse_ok_multicast_frame, with_com);
}

TEST(VerbMulticast, GarbageFailsCleanly) {
  test::run_garbage(parse_multicast_like, write_multicast_like, 100);
  EXPECT_GT(test::run_garbage(parse_multicast_gather, write_multicast_gather), 0u);
  EXPECT_GT(test::run_garbage(parse_ok_multicast_gather, write_ok_multicast_gather), 0u);
  EXPECT_GT(test::run_garbage(parse_multicast_frame, write_multicast_frame), 0u);
  EXPECT_GT(test::run_garbage(parse_ok_multicast_frame, write_ok_multicast_frame), 0u);
  const Bytes gather = hex(mc()["multicast_gather_payload_hex"]);
  EXPECT_GT(test::run_mutations(parse_multicast_gather, write_multicast_gather, gather), 0u);
  const Bytes like = hex(mc()["multicast_like_payload_hex"]);
  EXPECT_GT(test::run_mutations(parse_multicast_like, write_multicast_like, like), 0u);
}

}  // namespace
}  // namespace zt
