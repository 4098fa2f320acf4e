// PUSH_DIRECT_PATHS payloads against upstream's vl1 packet vector.
#include "proto/verbs/push_direct_paths.hpp"

#include "verb_test_support.hpp"

namespace zt {
namespace {

const std::string kPush = "PUSH_DIRECT_PATHS A->B";

TEST(VerbPushDirectPaths, ParsesAndWritesUpstreamPayload) {
  const Bytes payload = test::vl1_payload(kPush);
  auto push = parse_push_direct_paths(payload);
  ASSERT_TRUE(push);
  ASSERT_EQ(push->paths.size(), 2u);
  EXPECT_EQ(push->skipped, 0u);
  EXPECT_EQ(push->paths[0].flags, 0);
  EXPECT_EQ(push->paths[0].address.to_string(), "192.168.1.10/9993");
  EXPECT_EQ(push->paths[1].address.to_string(), "2001:db8::1/9993");
  EXPECT_EQ(to_hex(test::written(write_push_direct_paths, *push)), to_hex(payload));
  test::expect_every_truncation_fails(parse_push_direct_paths, payload);
}

TEST(VerbPushDirectPaths, SkipsUnknownTypesAndExtensions) {
  // flags 02, 3 extension bytes, type 4; then an unknown type 9; then a
  // type 4 with the wrong length.
  const Bytes payload = test::hex(
      "0003"
      "020003aabbcc0406c0a8010a2709"
      "0000000903010203"
      "0000000403c0a801");
  auto push = parse_push_direct_paths(payload);
  ASSERT_TRUE(push);
  ASSERT_EQ(push->paths.size(), 1u);
  EXPECT_EQ(push->paths[0].flags, kDirectPathFlagClusterRedirect);
  EXPECT_EQ(push->paths[0].address.to_string(), "192.168.1.10/9993");
  EXPECT_EQ(push->skipped, 2u);
  test::expect_every_truncation_fails(parse_push_direct_paths, payload);
}

TEST(VerbPushDirectPaths, HugeCountIsRejectedWithoutAllocating) {
  EXPECT_FALSE(parse_push_direct_paths(test::hex("ffff00000004")));
  EXPECT_FALSE(parse_push_direct_paths(test::hex("0001")));
  auto empty = parse_push_direct_paths(test::hex("0000"));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->paths.empty());
  test::run_garbage(parse_push_direct_paths, write_push_direct_paths);
  const Bytes payload = test::vl1_payload(kPush);
  EXPECT_GT(test::run_mutations(parse_push_direct_paths, write_push_direct_paths, payload), 0u);
}

}  // namespace
}  // namespace zt
