#pragma once
// The planet and moons a service starts with (vl1.md §16.3). There is no
// built-in Earth here: a node meant to run offline is given its planet.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "io/home_dir.hpp"
#include "proto/world.hpp"

namespace zt::service {

// A serialized planet or moon of the expected type; nullopt with *error
// (naming the file) otherwise.
std::optional<World> read_world_file(const std::filesystem::path& path, World::Type expected,
                                     std::string* error);

struct StartingWorlds {
  World planet;  // null (no roots) when none was found
  std::string planet_origin;  // where it came from, for the log
  std::vector<World> moons;
  std::vector<std::string> warnings;  // unreadable cached moons, skipped
};

// The planet from `planet_file`, else the home directory's "planet", else a
// null world; a given planet is also saved as the home's "planet" if it has
// none, so the next start finds it. Moons: the given files, then the ones
// cached in moons.d/. nullopt with *error when a given file is unusable.
std::optional<StartingWorlds> gather_worlds(const io::HomeDir& home,
                                            const std::optional<std::filesystem::path>& planet_file,
                                            const std::vector<std::filesystem::path>& moon_files,
                                            std::string* error);

}  // namespace zt::service
