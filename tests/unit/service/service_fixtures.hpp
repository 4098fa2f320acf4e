#pragma once
// Home directories seeded with an identity from the vectors: generating one
// costs seconds in a debug build, loading one a single hash.
#include <filesystem>

namespace zt::test {

// Creates `home` holding vl1.json identities[index] (0..2) as identity.secret.
void seed_identity(const std::filesystem::path& home, int index);

}  // namespace zt::test
