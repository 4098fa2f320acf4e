// Fragmentation and reassembly (vl1.md §10) against upstream's vector, plus
// the sanity rules, expiry and the memory bound under a flood.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "proto/fragment.hpp"
#include "proto/packet_armor.hpp"
#include "proto/peer_key.hpp"
#include "vectors.hpp"

namespace zt {
namespace {

using test::hex;

const nlohmann::json& fragv() { return test::vl1()["fragmentation"]; }
std::string str(const nlohmann::json& j) { return j.get<std::string>(); }

SymmetricKey key_ab() {
  SymmetricKey k{};
  const Bytes b = hex(test::vl1()["key_agreement"]["symmetric_key_48_hex"]);
  EXPECT_EQ(b.size(), k.size());
  std::memcpy(k.data(), b.data(), std::min(b.size(), k.size()));
  return k;
}

std::vector<Bytes> vector_parts() {
  std::vector<Bytes> parts{hex(fragv()["head_hex"])};
  for (const auto& f : fragv()["fragments_hex"]) parts.push_back(hex(f));
  return parts;
}

// Feeds datagrams as the engine would: fragments to add_fragment, others to add_head.
std::optional<Packet> feed(Reassembler& r, const Bytes& d, std::int64_t now) {
  return is_fragment(d) ? r.add_fragment(d, now) : r.add_head(d, now);
}

Bytes make_fragment(std::uint64_t id, std::uint8_t total, std::uint8_t number, std::size_t len,
                    std::uint8_t fill = 0x33) {
  Bytes f(kFragmentDataOffset + len, fill);
  store_be(f.data(), id, 8);
  store_be(f.data() + 8, 0x1122334455, 5);
  f[13] = 0xff;
  f[14] = static_cast<std::uint8_t>((total << 4) | number);
  f[15] = 0;
  return f;
}

Bytes make_head(std::uint64_t id, std::size_t len, bool fragmented = true) {
  Bytes h(len, 0x44);
  store_be(h.data(), id, 8);
  store_be(h.data() + 8, 0x1122334455, 5);
  store_be(h.data() + 13, 0x2233445566, 5);
  h[kFlagsOffset] = fragmented ? kFlagFragmented : 0;
  return h;
}

TEST(Fragment, SplitsTheVectorExactly) {
  const Bytes full = hex(fragv()["armored_full_hex"]);
  ASSERT_EQ(full.size(), fragv()["armored_full_length"].get<std::size_t>());
  const std::size_t mtu = fragv()["mtu"].get<std::size_t>();
  ASSERT_EQ(mtu, kDefaultPhysMtu);
  EXPECT_TRUE(needs_fragmenting(full.size(), mtu));
  const auto parts = fragment_packet(full, mtu);
  ASSERT_EQ(parts.size(), fragv()["total_fragments_including_head"].get<std::size_t>());
  EXPECT_EQ(to_hex(parts[0]), str(fragv()["head_hex"]));
  for (std::size_t i = 1; i < parts.size(); ++i)
    EXPECT_EQ(to_hex(parts[i]), str(fragv()["fragments_hex"][i - 1])) << "fragment " << i;
  for (const auto& p : parts) EXPECT_LE(p.size(), mtu);
}

TEST(Fragment, ParsesVectorFragmentHeaders) {
  const auto parts = vector_parts();
  EXPECT_FALSE(is_fragment(parts[0]));
  for (std::size_t i = 1; i < parts.size(); ++i) {
    ASSERT_TRUE(is_fragment(parts[i]));
    const auto h = FragmentHeader::parse(parts[i]);
    ASSERT_TRUE(h.has_value());
    EXPECT_EQ(h->packet_id, 0x4142434445464748ULL);
    EXPECT_EQ(h->destination.to_string(),
              test::vl1()["identities"][1]["address"].get<std::string>());
    EXPECT_EQ(h->total, 3);
    EXPECT_EQ(h->number, i);
    EXPECT_EQ(h->hops, 0);
    EXPECT_EQ(h->data.size(), parts[i].size() - 16);
    EXPECT_TRUE(h->counts_are_sane());
  }
}

TEST(Fragment, IsFragmentRule) {
  Bytes d(17, 0);
  d[13] = 0xff;
  EXPECT_TRUE(is_fragment(d));
  d.resize(16);  // a bare header carries nothing: not a fragment
  EXPECT_FALSE(is_fragment(d));
  EXPECT_FALSE(FragmentHeader::parse(d).has_value());
  d.resize(40);
  d[13] = 0xfe;
  EXPECT_FALSE(is_fragment(d));
  EXPECT_FALSE(is_fragment({}));
}

TEST(Fragment, ReassemblesVectorInEveryOrderAndDearmors) {
  const PeerKey key(key_ab());
  const Bytes full = hex(fragv()["armored_full_hex"]);
  const Bytes plain = hex(fragv()["plaintext_hex"]);
  std::vector<Bytes> parts = vector_parts();
  std::vector<int> order = {0, 1, 2};
  int permutations = 0;
  do {
    Reassembler r;
    std::optional<Packet> done;
    for (std::size_t i = 0; i < order.size(); ++i) {
      auto got = feed(r, parts[order[i]], 1000);
      if (i + 1 < order.size()) EXPECT_FALSE(got.has_value());
      else done = std::move(got);
    }
    ASSERT_TRUE(done.has_value());
    EXPECT_EQ(to_hex(done->bytes()), str(fragv()["armored_full_hex"]));
    EXPECT_EQ(r.in_flight(), 0u);
    EXPECT_EQ(r.counters().completed, 1u);
    ASSERT_TRUE(fragv()["reassembled_dearmor_ok"].get<bool>());
    ASSERT_TRUE(dearmor(done->bytes(), key));
    EXPECT_TRUE(std::equal(done->bytes().begin() + kVerbOffset, done->bytes().end(),
                           plain.begin() + kVerbOffset, plain.end()));
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 6);
}

TEST(Fragment, RoundTripOfOurOwnPackets) {
  const PeerKey key(key_ab());
  for (std::size_t payload : {1500u, 2900u, 5000u, 9996u}) {
    for (std::size_t mtu : {std::size_t{1400}, kDefaultPhysMtu, std::size_t{2800}}) {
      SCOPED_TRACE(testing::Message() << "payload " << payload << " mtu " << mtu);
      Packet p(0x0123456789abcdefULL, Address(0x1122334455), Address(0x2233445566), Verb::kFrame);
      for (std::size_t i = 0; i < payload; ++i) p.append_u8(static_cast<std::uint8_t>(i * 7));
      const Packet plain = p;
      p.set_fragmented(needs_fragmenting(p.size(), mtu));
      armor(p.bytes(), key, CipherSuite::kAesGmacSiv);
      const auto parts = fragment_packet(p.bytes(), mtu);
      const std::size_t needed = 1 + (p.size() - mtu + mtu - 17) / (mtu - 16);
      if (needed > kMaxPacketFragments) {
        EXPECT_TRUE(parts.empty());
        continue;
      }
      ASSERT_EQ(parts.size(), needed);
      Reassembler r;
      std::optional<Packet> done;
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) done = feed(r, *it, 0);
      ASSERT_TRUE(done.has_value());
      ASSERT_TRUE(dearmor(done->bytes(), key));
      EXPECT_TRUE(std::equal(done->payload().begin(), done->payload().end(),
                             plain.payload().begin(), plain.payload().end()));
    }
  }
}

TEST(Fragment, SmallPacketIsSentWhole) {
  const Bytes head = make_head(5, 300, false);
  const auto parts = fragment_packet(head, kDefaultPhysMtu);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0], head);
  Reassembler r;
  auto got = r.add_head(head, 0);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->size(), 300u);
  EXPECT_EQ(r.in_flight(), 0u);
}

TEST(Fragment, SplittingRefusesBadRequests) {
  Bytes big = make_head(5, 3000, false);
  EXPECT_TRUE(fragment_packet(big, kDefaultPhysMtu).empty());  // FRAGMENTED flag missing
  big[kFlagsOffset] |= kFlagFragmented;
  EXPECT_EQ(fragment_packet(big, kDefaultPhysMtu).size(), 3u);
  EXPECT_TRUE(fragment_packet(big, 27).empty());             // MTU below a header
  EXPECT_TRUE(fragment_packet(big, 400).empty());            // would need 9 parts
  EXPECT_TRUE(fragment_packet(Bytes(20, 0), 1432).empty());  // not a packet
  EXPECT_TRUE(fragment_packet(make_head(5, kMaxPacketLength + 1), 20000).empty());
}

TEST(Fragment, SplitPacketSendsTheHeadInPlaceAndNothingForBadRequests) {
  Bytes big = make_head(5, 3000, false);
  big[kFlagsOffset] |= kFlagFragmented;
  std::vector<Bytes> seen;
  const std::uint8_t* head_at = nullptr;
  ASSERT_TRUE(split_packet(big, kDefaultPhysMtu, [&](std::span<const std::uint8_t> d) {
    if (seen.empty()) head_at = d.data();
    seen.emplace_back(d.begin(), d.end());
  }));
  EXPECT_EQ(head_at, big.data());  // the head is the packet's own bytes
  EXPECT_EQ(seen, fragment_packet(big, kDefaultPhysMtu));
  EXPECT_EQ(fragments_needed(big, kDefaultPhysMtu), std::optional<std::size_t>(2));
  EXPECT_EQ(fragments_needed(big, 3000), std::optional<std::size_t>(0));
  int calls = 0;
  EXPECT_FALSE(split_packet(big, 400, [&](std::span<const std::uint8_t>) { ++calls; }));
  EXPECT_EQ(calls, 0);
}

TEST(Fragment, DuplicatesAreIgnored) {
  const auto parts = vector_parts();
  Reassembler r;
  EXPECT_FALSE(feed(r, parts[1], 0));
  EXPECT_FALSE(feed(r, parts[1], 0));
  EXPECT_FALSE(feed(r, parts[0], 0));
  EXPECT_FALSE(feed(r, parts[0], 0));
  EXPECT_EQ(r.counters().duplicates, 2u);
  auto done = feed(r, parts[2], 0);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(to_hex(done->bytes()), str(fragv()["armored_full_hex"]));
  // A late duplicate starts a new entry that never completes on its own.
  EXPECT_FALSE(feed(r, parts[2], 0));
  EXPECT_EQ(r.in_flight(), 1u);
}

TEST(Fragment, InsaneCountsAreDropped) {
  Reassembler r;
  struct Case {
    std::uint8_t total, number;
  };
  for (Case c : {Case{8, 1}, Case{15, 3}, Case{1, 1}, Case{0, 0}, Case{3, 0}, Case{7, 7},
                 Case{3, 3}, Case{2, 5}, Case{7, 15}}) {
    EXPECT_FALSE(r.add_fragment(make_fragment(9, c.total, c.number, 10), 0))
        << int(c.total) << "/" << int(c.number);
  }
  EXPECT_EQ(r.counters().bad_counts, 9u);
  EXPECT_EQ(r.in_flight(), 0u);
  EXPECT_FALSE(r.add_fragment(Bytes(10, 0xff), 0));
  EXPECT_FALSE(r.add_head(Bytes(27, 0), 0));
  EXPECT_FALSE(r.add_head(Bytes(kMaxPacketLength + 1, 0), 0));
  EXPECT_EQ(r.counters().malformed, 3u);
}

TEST(Fragment, MismatchedTotalsAreDropped) {
  Reassembler r;
  EXPECT_FALSE(r.add_fragment(make_fragment(9, 3, 1, 100), 0));
  EXPECT_FALSE(r.add_fragment(make_fragment(9, 4, 2, 100), 0));  // disagrees with 3
  EXPECT_FALSE(r.add_fragment(make_fragment(9, 4, 3, 100), 0));
  EXPECT_EQ(r.counters().total_mismatch, 2u);
  EXPECT_FALSE(r.add_head(make_head(9, 500), 0));
  auto done = r.add_fragment(make_fragment(9, 3, 2, 50, 0x55), 0);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->size(), 500u + 100u + 50u);
  EXPECT_EQ(done->bytes()[500], 0x33);
  EXPECT_EQ(done->bytes()[600], 0x55);
}

TEST(Fragment, HeadOnlyNeverCompletesAndOversizedPartsAreRefused) {
  Reassembler r;
  EXPECT_FALSE(r.add_head(make_head(1, 1432), 0));
  EXPECT_EQ(r.in_flight(), 1u);
  // 1432 + 6 * 1500 bytes cannot be a valid packet.
  for (std::uint8_t n = 1; n <= 6; ++n)
    EXPECT_FALSE(r.add_fragment(make_fragment(1, 7, n, 1500), 0));
  EXPECT_EQ(r.counters().oversize, 1u);
  EXPECT_EQ(r.counters().completed, 0u);
}

TEST(Fragment, IncompleteEntriesExpire) {
  const auto parts = vector_parts();
  Reassembler r;
  EXPECT_FALSE(feed(r, parts[0], 10000));
  EXPECT_FALSE(feed(r, parts[1], 12000));
  EXPECT_TRUE(feed(r, parts[2], 10000 + kReceiveQueueTimeout).has_value());

  Reassembler late;
  EXPECT_FALSE(feed(late, parts[0], 10000));
  EXPECT_FALSE(feed(late, parts[1], 12000));
  EXPECT_FALSE(feed(late, parts[2], 10000 + kReceiveQueueTimeout + 1));
  EXPECT_EQ(late.counters().expired, 1u);
  EXPECT_EQ(late.in_flight(), 1u);  // the late fragment waits in a new entry

  late.expire(10000 + 3 * kReceiveQueueTimeout);
  EXPECT_EQ(late.in_flight(), 0u);
  EXPECT_EQ(late.counters().expired, 2u);
}

TEST(Fragment, FloodOfNewIdsStaysBounded) {
  const auto parts = vector_parts();
  Reassembler r;
  EXPECT_FALSE(feed(r, parts[0], 0));
  for (std::uint64_t id = 1; id <= 10000; ++id) {
    r.add_fragment(make_fragment(id, 7, 1 + id % 6, 1400), static_cast<std::int64_t>(id / 8));
    ASSERT_LE(r.in_flight(), kReassemblySlots);
  }
  EXPECT_EQ(r.in_flight(), kReassemblySlots);
  EXPECT_EQ(r.counters().evicted, 10000u + 1 - kReassemblySlots);
  // The legitimate packet was pushed out with the rest; resending it works.
  EXPECT_FALSE(feed(r, parts[1], 2000));
  EXPECT_FALSE(feed(r, parts[2], 2000));
  EXPECT_TRUE(feed(r, parts[0], 2000).has_value());
}

// A path with jitter interleaves the parts of many packets: 100 heads
// arrive before any of their fragments, and all 100 packets complete (with
// upstream's 32 slots, 68 would have been evicted and lost).
TEST(Fragment, ManyInterleavedPacketsAllComplete) {
  constexpr std::uint64_t kPackets = 100;
  static_assert(kPackets <= kReassemblySlots);
  Reassembler r;
  for (std::uint64_t id = 1; id <= kPackets; ++id) EXPECT_FALSE(r.add_head(make_head(id, 1400), 0));
  std::size_t completed = 0;
  for (std::uint64_t id = 1; id <= kPackets; ++id) {
    const auto packet = r.add_fragment(make_fragment(id, 2, 1, 600), 1);
    if (packet && packet->size() == 2000) ++completed;
  }
  EXPECT_EQ(completed, kPackets);
  EXPECT_EQ(r.counters().evicted, 0u);
  EXPECT_EQ(r.in_flight(), 0u);
}

TEST(Fragment, ClearDropsEverything) {
  const auto parts = vector_parts();
  Reassembler r;
  EXPECT_FALSE(feed(r, parts[0], 0));
  EXPECT_FALSE(feed(r, parts[1], 0));
  r.clear();
  EXPECT_EQ(r.in_flight(), 0u);
  EXPECT_FALSE(feed(r, parts[2], 0));  // its siblings are gone
  EXPECT_EQ(r.counters().completed, 0u);
}

TEST(Fragment, RelayHopsCanBeSet) {
  Bytes f = make_fragment(1, 3, 1, 20);
  set_fragment_hops(f, 2);
  EXPECT_EQ(FragmentHeader::parse(f)->hops, 2);
  set_fragment_hops(f, 9);
  EXPECT_EQ(f[15], 1);
}

}  // namespace
}  // namespace zt
