// The per-peer replay guard: exact memory of the last N packet ids.
#include "node/replay_window.hpp"

#include <gtest/gtest.h>

#include <random>

namespace zt {
namespace {

TEST(ReplayWindow, AcceptsFirstSightingAndRejectsRepeat) {
  ReplayWindow w(16);
  EXPECT_TRUE(w.check_and_insert(0x1234));
  EXPECT_FALSE(w.check_and_insert(0x1234));
  EXPECT_TRUE(w.check_and_insert(0x1235));
  EXPECT_TRUE(w.contains(0x1234));
  EXPECT_EQ(w.size(), 2u);
}

TEST(ReplayWindow, ZeroIsAnOrdinaryId) {
  ReplayWindow w(4);
  EXPECT_FALSE(w.contains(0));
  EXPECT_TRUE(w.check_and_insert(0));
  EXPECT_FALSE(w.check_and_insert(0));
}

TEST(ReplayWindow, RemembersExactlyTheLastN) {
  constexpr std::size_t kN = 64;
  ReplayWindow w(kN);
  std::mt19937_64 rng(7);
  std::vector<std::uint64_t> ids;
  for (int i = 0; i < 1000; ++i) {
    ids.push_back(rng());
    ASSERT_TRUE(w.check_and_insert(ids.back()));
    ASSERT_LE(w.size(), kN);
  }
  for (std::size_t i = 0; i < ids.size(); ++i)
    EXPECT_EQ(w.contains(ids[i]), i >= ids.size() - kN) << i;
  // An id that fell out of the window is accepted again.
  EXPECT_TRUE(w.check_and_insert(ids[0]));
}

TEST(ReplayWindow, SurvivesCollidingIdsAcrossManyEvictions) {
  // Ids chosen to collide often after masking stress the backward shift.
  ReplayWindow w(8);
  std::vector<std::uint64_t> recent;
  for (std::uint64_t i = 0; i < 5000; ++i) {
    const std::uint64_t id = (i % 97) << 40 | (i * 16);
    ASSERT_TRUE(w.check_and_insert(id)) << i;
    recent.push_back(id);
    if (recent.size() > 8) recent.erase(recent.begin());
    for (std::uint64_t r : recent) ASSERT_TRUE(w.contains(r)) << i;
  }
}

TEST(ReplayWindow, CapacityIsClamped) {
  EXPECT_EQ(ReplayWindow(0).capacity(), 1u);
  EXPECT_EQ(ReplayWindow(1u << 20).capacity(), ReplayWindow::kMaxCapacity);
}

}  // namespace
}  // namespace zt
