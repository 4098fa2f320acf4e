#include "node/replay_window.hpp"

#include <algorithm>

namespace zt {
namespace {

// Packet ids are random, but a hostile peer picks its own: mix anyway.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

}  // namespace

ReplayWindow::ReplayWindow(std::size_t capacity)
    : capacity_(std::clamp<std::size_t>(capacity, 1, kMaxCapacity)) {}

ReplayWindow::~ReplayWindow() = default;
ReplayWindow::ReplayWindow(ReplayWindow&&) noexcept = default;
ReplayWindow& ReplayWindow::operator=(ReplayWindow&&) noexcept = default;

void ReplayWindow::allocate() {
  std::size_t table_size = 1;
  while (table_size < capacity_ * 2) table_size <<= 1;  // load factor <= 1/2
  table_mask_ = table_size - 1;
  ring_ = std::make_unique<std::uint64_t[]>(capacity_);
  table_ = std::make_unique<std::uint16_t[]>(table_size);
  std::fill_n(table_.get(), table_size, kEmpty);
}

std::size_t ReplayWindow::slot_of(std::uint64_t id) const {
  for (std::size_t i = mix(id) & table_mask_;; i = (i + 1) & table_mask_) {
    if (table_[i] == kEmpty || ring_[table_[i]] == id) return i;
  }
}

bool ReplayWindow::contains(std::uint64_t id) const {
  return table_ && table_[slot_of(id)] != kEmpty;
}

bool ReplayWindow::check_and_insert(std::uint64_t id) {
  if (!table_) allocate();
  if (table_[slot_of(id)] != kEmpty) return false;
  if (count_ == capacity_) erase_oldest();
  ring_[head_] = id;
  table_[slot_of(id)] = static_cast<std::uint16_t>(head_);
  head_ = (head_ + 1) % capacity_;
  ++count_;
  return true;
}

// Linear probing with backward-shift deletion, so lookups never need
// tombstones and the table never fills up.
void ReplayWindow::erase_oldest() {
  const std::size_t oldest = (head_ + capacity_ - count_) % capacity_;
  std::size_t hole = slot_of(ring_[oldest]);
  table_[hole] = kEmpty;
  --count_;
  for (std::size_t j = (hole + 1) & table_mask_; table_[j] != kEmpty; j = (j + 1) & table_mask_) {
    const std::size_t home = mix(ring_[table_[j]]) & table_mask_;
    // Move j into the hole unless its home lies cyclically in (hole, j].
    const bool home_between = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
    if (!home_between) {
      table_[hole] = table_[j];
      table_[j] = kEmpty;
      hole = j;
    }
  }
}

}  // namespace zt
