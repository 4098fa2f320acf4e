#include "service/worlds.hpp"

#include <algorithm>
#include <system_error>

#include "io/atomic_file.hpp"

namespace zt::service {
namespace {

namespace fs = std::filesystem;

constexpr char kPlanetName[] = "planet";
constexpr char kMoonsDir[] = "moons.d";

const char* type_word(World::Type t) { return t == World::Type::kPlanet ? "planet" : "moon"; }

std::optional<World> parse_world(const Bytes& bytes, World::Type expected, const std::string& what,
                                 std::string* error) {
  ByteReader r(bytes);
  std::optional<World> world = World::deserialize(r);
  if (!world || !r.at_end()) {
    if (error) *error = what + " is not a valid " + type_word(expected) + " (truncated or malformed)";
    return std::nullopt;
  }
  if (world->type != expected) {
    if (error)
      *error = what + " holds a " + type_word(world->type) + ", not a " + type_word(expected);
    return std::nullopt;
  }
  return world;
}

bool has_moon(const std::vector<World>& moons, std::uint64_t id) {
  return std::any_of(moons.begin(), moons.end(), [id](const World& m) { return m.id == id; });
}

// moons.d/*.moon in name order, so starts are reproducible.
std::vector<std::string> cached_moon_names(const io::HomeDir& home) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(home.path() / kMoonsDir, ec)) {
    const std::string file = entry.path().filename().string();
    const std::string name = std::string(kMoonsDir) + "/" + file;
    if (file.ends_with(".moon") && io::HomeDir::valid_name(name)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

std::optional<World> read_world_file(const fs::path& path, World::Type expected,
                                     std::string* error) {
  std::string why;
  bool missing = false;
  const std::optional<Bytes> bytes =
      io::read_file(path, World::kMaxSerializedSize + 1, &why, &missing);
  if (!bytes) {
    if (error)
      *error = missing ? "no " + std::string(type_word(expected)) + " file '" + path.string() + "'"
                       : "cannot read '" + path.string() + "': " + why;
    return std::nullopt;
  }
  return parse_world(*bytes, expected, "'" + path.string() + "'", error);
}

std::optional<StartingWorlds> gather_worlds(const io::HomeDir& home,
                                            const std::optional<fs::path>& planet_file,
                                            const std::vector<fs::path>& moon_files,
                                            std::string* error) {
  StartingWorlds out;
  if (planet_file) {
    std::optional<World> planet = read_world_file(*planet_file, World::Type::kPlanet, error);
    if (!planet) return std::nullopt;
    out.planet = *planet;
    out.planet_origin = planet_file->string();
    bool missing = false;
    if (!home.load(kPlanetName, nullptr, &missing) && missing) {
      std::string why;
      if (!home.store(kPlanetName, planet->to_bytes(), &why))
        out.warnings.push_back("cannot save the planet in the home directory: " + why);
    }
  } else {
    std::string why;
    bool missing = false;
    if (std::optional<Bytes> bytes = home.load(kPlanetName, &why, &missing)) {
      const std::string where = (home.path() / kPlanetName).string();
      std::optional<World> planet = parse_world(*bytes, World::Type::kPlanet, "'" + where + "'", error);
      if (!planet) return std::nullopt;
      out.planet = *planet;
      out.planet_origin = where;
    } else if (!missing) {
      if (error) *error = "cannot read the home directory's planet: " + why;
      return std::nullopt;
    }
  }

  for (const fs::path& file : moon_files) {
    std::optional<World> moon = read_world_file(file, World::Type::kMoon, error);
    if (!moon) return std::nullopt;
    if (!has_moon(out.moons, moon->id)) out.moons.push_back(*moon);
  }
  for (const std::string& name : cached_moon_names(home)) {
    std::string why;
    std::optional<Bytes> bytes = home.load(name, &why);
    std::optional<World> moon;
    if (bytes) moon = parse_world(*bytes, World::Type::kMoon, name, &why);
    if (!moon) {
      out.warnings.push_back("skipping " + name + ": " + why);
      continue;
    }
    if (!has_moon(out.moons, moon->id)) out.moons.push_back(*moon);
  }
  return out;
}

}  // namespace zt::service
