#pragma once
#include <cstddef>

namespace zt::crypto {

// Equality whose running time does not depend on where the inputs differ,
// for comparing MACs and signatures.
bool constant_time_equal(const void* a, const void* b, std::size_t len);

// Overwrites memory in a way the compiler will not optimise away.
void secure_zero(void* p, std::size_t len);

}  // namespace zt::crypto
