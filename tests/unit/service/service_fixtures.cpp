#include "service/service_fixtures.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "io/atomic_file.hpp"
#include "vectors.hpp"

namespace zt::test {

void seed_identity(const std::filesystem::path& home, int index) {
  std::filesystem::create_directories(home);
  std::filesystem::permissions(home, std::filesystem::perms::owner_all);
  const std::string secret = vl1()["identities"][index]["secret_string"].get<std::string>();
  ASSERT_TRUE(io::write_file_atomic(
      home / "identity.secret",
      {reinterpret_cast<const std::uint8_t*>(secret.data()), secret.size()}, 0600));
}

}  // namespace zt::test
