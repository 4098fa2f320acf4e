#pragma once
// Per-peer replay guard. RFC 6479's sliding bitmap needs counters, but
// ZeroTier packet ids are random 64-bit values, so this keeps the last N
// ids exactly: a ring (for eviction order) indexed by an open-addressing
// hash table (for lookup). Memory is fixed once the first id arrives.
#include <cstddef>
#include <cstdint>
#include <memory>

namespace zt {

class ReplayWindow {
 public:
  // Remembers the last `capacity` ids (clamped to [1, kMaxCapacity]).
  explicit ReplayWindow(std::size_t capacity);
  ~ReplayWindow();
  ReplayWindow(ReplayWindow&&) noexcept;
  ReplayWindow& operator=(ReplayWindow&&) noexcept;

  static constexpr std::size_t kMaxCapacity = 32768;  // ring positions fit in 16 bits

  // True (and the id is remembered) the first time; false for a replay.
  bool check_and_insert(std::uint64_t id);
  bool contains(std::uint64_t id) const;
  std::size_t size() const { return count_; }
  std::size_t capacity() const { return capacity_; }

 private:
  static constexpr std::uint16_t kEmpty = 0xffff;

  std::size_t slot_of(std::uint64_t id) const;
  void erase_oldest();
  void allocate();

  std::size_t capacity_;
  std::size_t table_mask_ = 0;
  std::size_t head_ = 0;  // next ring position to write
  std::size_t count_ = 0;
  std::unique_ptr<std::uint64_t[]> ring_;
  std::unique_ptr<std::uint16_t[]> table_;  // ring positions, kEmpty when free
};

}  // namespace zt
