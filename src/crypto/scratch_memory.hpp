#pragma once
// Large scratch memory that goes back to the OS when released (its own
// anonymous mapping). The identity hash's 2 MiB would otherwise stay in a
// malloc arena for good after a few validations: glibc raises its mmap
// threshold to the size of a freed mapping, so later blocks of that size
// come from an arena and are kept. A node's resident memory matters (each
// app embedding one pays it).
#include <cstddef>
#include <cstdint>

namespace zt::crypto {

class ScratchMemory {
 public:
  // Aborts if the OS has no memory to give, as operator new would throw.
  explicit ScratchMemory(std::size_t bytes);
  ~ScratchMemory();
  ScratchMemory(const ScratchMemory&) = delete;
  ScratchMemory& operator=(const ScratchMemory&) = delete;

  std::uint8_t* data() { return data_; }
  std::size_t size() const { return size_; }

 private:
  std::uint8_t* data_;
  std::size_t size_;
};

}  // namespace zt::crypto
