// Which planet and moons a service starts with, and what it refuses.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crypto/c25519.hpp"
#include "io/atomic_file.hpp"
#include "io/temp_dir.hpp"
#include "vectors.hpp"
#include "service/service_fixtures.hpp"
#include "service/worlds.hpp"

namespace zt::service {
namespace {

namespace fs = std::filesystem;

World make_world(World::Type type, std::uint64_t id, std::uint64_t timestamp) {
  static const Identity root =
      *Identity::from_string(test::vl1()["identities"][2]["public_string"].get<std::string>());
  const crypto::C25519KeyPair signer = crypto::c25519_generate();
  World w;
  w.type = type;
  w.id = id;
  w.timestamp = timestamp;
  w.updates_must_be_signed_by = signer.pub;
  w.roots.push_back({root.public_only(), {*InetAddress::from_string("127.0.0.1/9993")}});
  w.sign(signer);
  return w;
}

void write(const fs::path& path, const Bytes& bytes) {
  ASSERT_TRUE(io::write_file_atomic(path, bytes, 0644));
}

class WorldsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::seed_identity(dir_.path() / "home", 0);
    std::string error;
    home_ = io::HomeDir::open(dir_.path() / "home", &error);
    ASSERT_TRUE(home_) << error;
  }
  test::TempDir dir_;
  std::optional<io::HomeDir> home_;
};

TEST_F(WorldsTest, NoPlanetAnywhereGivesAnEmptyWorld) {
  std::string error;
  auto worlds = gather_worlds(*home_, std::nullopt, {}, &error);
  ASSERT_TRUE(worlds) << error;
  EXPECT_TRUE(worlds->planet.is_null());
  EXPECT_TRUE(worlds->planet.roots.empty());
  EXPECT_TRUE(worlds->moons.empty());
}

TEST_F(WorldsTest, AGivenPlanetIsUsedAndSavedForTheNextStart) {
  const World planet = make_world(World::Type::kPlanet, 0x499602d2, 1);
  const fs::path file = dir_.path() / "planet.bin";
  write(file, planet.to_bytes());
  std::string error;
  auto worlds = gather_worlds(*home_, file, {}, &error);
  ASSERT_TRUE(worlds) << error;
  EXPECT_EQ(worlds->planet, planet);
  EXPECT_EQ(worlds->planet_origin, file.string());

  auto again = gather_worlds(*home_, std::nullopt, {}, &error);
  ASSERT_TRUE(again) << error;
  EXPECT_EQ(again->planet, planet) << "the home directory did not keep the planet";
}

TEST_F(WorldsTest, AGivenPlanetDoesNotOverwriteTheHomeOne) {
  const World cached = make_world(World::Type::kPlanet, 1, 5);
  ASSERT_TRUE(home_->store("planet", cached.to_bytes()));
  const World given = make_world(World::Type::kPlanet, 2, 1);
  const fs::path file = dir_.path() / "given";
  write(file, given.to_bytes());
  std::string error;
  auto worlds = gather_worlds(*home_, file, {}, &error);
  ASSERT_TRUE(worlds) << error;
  EXPECT_EQ(worlds->planet, given);
  EXPECT_EQ(home_->load("planet"), cached.to_bytes());
}

TEST_F(WorldsTest, BadPlanetFilesAreClearErrors) {
  std::string error;
  EXPECT_FALSE(gather_worlds(*home_, dir_.path() / "missing", {}, &error));
  EXPECT_NE(error.find("no planet file"), std::string::npos) << error;

  const fs::path garbage = dir_.path() / "garbage";
  write(garbage, Bytes{1, 2, 3});
  EXPECT_FALSE(gather_worlds(*home_, garbage, {}, &error));
  EXPECT_NE(error.find("not a valid planet"), std::string::npos) << error;

  const fs::path moon = dir_.path() / "moon";
  write(moon, make_world(World::Type::kMoon, 7, 1).to_bytes());
  EXPECT_FALSE(gather_worlds(*home_, moon, {}, &error));
  EXPECT_NE(error.find("holds a moon, not a planet"), std::string::npos) << error;

  Bytes trailing = make_world(World::Type::kPlanet, 7, 1).to_bytes();
  trailing.push_back(0);
  write(garbage, trailing);
  EXPECT_FALSE(gather_worlds(*home_, garbage, {}, &error));
}

TEST_F(WorldsTest, BadCachedPlanetIsAnError) {
  ASSERT_TRUE(home_->store("planet", Bytes{9, 9, 9}));
  std::string error;
  EXPECT_FALSE(gather_worlds(*home_, std::nullopt, {}, &error));
  EXPECT_NE(error.find("planet"), std::string::npos) << error;
}

TEST_F(WorldsTest, MoonsFromFilesAndFromTheCache) {
  const World given = make_world(World::Type::kMoon, 0x10, 1);
  const World cached = make_world(World::Type::kMoon, 0x20, 1);
  const World cached_same_id = make_world(World::Type::kMoon, 0x10, 2);
  const fs::path file = dir_.path() / "m.moon";
  write(file, given.to_bytes());
  ASSERT_TRUE(home_->store("moons.d/0000000000000020.moon", cached.to_bytes()));
  ASSERT_TRUE(home_->store("moons.d/0000000000000010.moon", cached_same_id.to_bytes()));
  ASSERT_TRUE(home_->store("moons.d/broken.moon", Bytes{1}));
  ASSERT_TRUE(home_->store("moons.d/notes.txt", Bytes{1}));

  std::string error;
  auto worlds = gather_worlds(*home_, std::nullopt, {file}, &error);
  ASSERT_TRUE(worlds) << error;
  // The given file comes first; the engine itself prefers a newer cached revision.
  ASSERT_EQ(worlds->moons.size(), 2u);
  EXPECT_EQ(worlds->moons[0], given);
  EXPECT_EQ(worlds->moons[1], cached);
  ASSERT_EQ(worlds->warnings.size(), 1u);
  EXPECT_NE(worlds->warnings[0].find("broken.moon"), std::string::npos);
}

TEST_F(WorldsTest, APlanetGivenAsAMoonIsRefused) {
  const fs::path file = dir_.path() / "p";
  write(file, make_world(World::Type::kPlanet, 3, 1).to_bytes());
  std::string error;
  EXPECT_FALSE(gather_worlds(*home_, std::nullopt, {file}, &error));
  EXPECT_NE(error.find("holds a planet, not a moon"), std::string::npos) << error;
}

}  // namespace
}  // namespace zt::service
