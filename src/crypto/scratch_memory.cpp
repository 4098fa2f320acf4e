#include "crypto/scratch_memory.hpp"

#include <sys/mman.h>

#include <cstdlib>

namespace zt::crypto {

ScratchMemory::ScratchMemory(std::size_t bytes) : size_(bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) std::abort();
  data_ = static_cast<std::uint8_t*>(p);
}

ScratchMemory::~ScratchMemory() { munmap(data_, size_); }

}  // namespace zt::crypto
