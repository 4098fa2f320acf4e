// `ztsdk world ...`: make and inspect planets and moons the way upstream's
// `zerotier-idtool initmoon` / `genmoon` do (vl1.md §16.4).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command_support.hpp"
#include "cli/commands.hpp"
#include "crypto/c25519.hpp"
#include "proto/world.hpp"

namespace zt::cli {
namespace {

using nlohmann::json;

// A world config is a few KiB at most; this only stops absurd inputs.
constexpr std::size_t kMaxConfigFileSize = 1u << 20;

struct WorldArgs {
  std::string identity;
  std::string path;
  std::string output;
  std::string timestamp;  // parsed here: CLI11 would wrap "-5" into a huge unsigned
};

const json& field(const json& obj, const std::string& name, const std::string& where) {
  auto it = obj.find(name);
  if (it == obj.end()) fail(where + ": missing \"" + name + "\"");
  return *it;
}

std::string string_field(const json& obj, const std::string& name, const std::string& where) {
  const json& v = field(obj, name, where);
  if (!v.is_string()) fail(where + ": \"" + name + "\" must be a string");
  return v.get<std::string>();
}

template <std::size_t N>
std::array<std::uint8_t, N> key_field(const json& obj, const std::string& name,
                                      const std::string& where) {
  std::array<std::uint8_t, N> key{};
  if (!from_hex_exact(string_field(obj, name, where), key))
    fail(where + ": \"" + name + "\" must be " + std::to_string(N * 2) + " hex digits");
  return key;
}

World::Root parse_root(const json& r, const std::string& where) {
  if (!r.is_object()) fail(where + " must be an object");
  std::string why;
  auto id = Identity::from_string(trim(string_field(r, "identity", where)), &why);
  if (!id) fail(where + ": bad identity: " + why);
  if (!id->locally_validate())
    fail(where + ": identity " + id->address().to_string() + " is invalid");
  World::Root root{id->public_only(), {}};
  auto eps = r.find("stableEndpoints");
  if (eps == r.end()) return root;
  if (!eps->is_array()) fail(where + ": \"stableEndpoints\" must be an array");
  if (eps->size() > World::kMaxStableEndpoints)
    fail(where + ": more than " + std::to_string(World::kMaxStableEndpoints) + " stable endpoints");
  for (const json& e : *eps) {
    if (!e.is_string()) fail(where + ": stable endpoints must be strings like \"1.2.3.4/9993\"");
    const std::string text = e.get<std::string>();
    auto addr = InetAddress::from_string(text);
    if (!addr || text.find('/') == std::string::npos || addr->port() == 0)
      fail(where + ": bad stable endpoint \"" + text + "\" (expected ip/port, e.g. 1.2.3.4/9993)");
    root.stable_endpoints.push_back(*addr);
  }
  return root;
}

// The world and the key that signs it, from an initmoon-style JSON document.
World world_from_config(const json& cfg, const std::string& where, crypto::C25519KeyPair& signer) {
  if (!cfg.is_object()) fail(where + ": expected a JSON object");
  World w;
  const std::string id_text = string_field(cfg, "id", where);
  auto id = parse_hex_u64(id_text);
  if (!id || *id == 0) fail(where + ": \"id\" must be 1 to 16 hex digits, not zero");
  w.id = *id;
  const std::string type = string_field(cfg, "worldType", where);
  if (type == "moon")
    w.type = World::Type::kMoon;
  else if (type == "planet")
    w.type = World::Type::kPlanet;
  else
    fail(where + ": \"worldType\" must be \"moon\" or \"planet\"");

  signer.pub = key_field<crypto::kC25519PublicSize>(cfg, "signingKey", where);
  signer.priv = key_field<crypto::kC25519PrivateSize>(cfg, "signingKey_SECRET", where);
  if (crypto::c25519_public_from_private(signer.priv) != signer.pub)
    fail(where + ": \"signingKey\" is not the public half of \"signingKey_SECRET\"");
  w.updates_must_be_signed_by =
      key_field<crypto::kC25519PublicSize>(cfg, "updatesMustBeSignedBy", where);

  const json& roots = field(cfg, "roots", where);
  if (!roots.is_array() || roots.empty() || roots.size() > World::kMaxRoots)
    fail(where + ": \"roots\" must be an array of 1 to " + std::to_string(World::kMaxRoots) +
         " roots");
  for (std::size_t i = 0; i < roots.size(); ++i)
    w.roots.push_back(parse_root(roots[i], where + ": roots[" + std::to_string(i) + "]"));
  return w;
}

void init(const WorldArgs& a) {
  const Identity id = load_identity(a.identity, false);
  const crypto::C25519KeyPair signer = crypto::c25519_generate();
  const json doc = {
      {"id", id.address().to_string()},
      {"objtype", "world"},
      {"roots",
       json::array({{{"identity", id.to_string(false)}, {"stableEndpoints", json::array()}}})},
      {"signingKey", to_hex(signer.pub)},
      {"signingKey_SECRET", to_hex(signer.priv)},
      {"updatesMustBeSignedBy", to_hex(signer.pub)},
      {"worldType", "moon"},
  };
  std::printf("%s\n", doc.dump(2).c_str());
}

std::uint64_t now_ms() {
  using namespace std::chrono;
  return static_cast<std::uint64_t>(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

std::uint64_t parse_timestamp(const std::string& text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size())
    fail("--timestamp must be a non-negative integer (milliseconds since the epoch)");
  return v;
}

void make(const WorldArgs& a) {
  const std::uint64_t timestamp = a.timestamp.empty() ? now_ms() : parse_timestamp(a.timestamp);
  const Bytes text = read_file_or_fail(a.path, kMaxConfigFileSize);
  json cfg;
  try {
    cfg = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    fail("'" + a.path + "' is not valid JSON: " + e.what());
  }
  crypto::C25519KeyPair signer;
  World w = world_from_config(cfg, "'" + a.path + "'", signer);
  w.timestamp = timestamp;
  w.sort_for_signing();
  w.sign(signer);
  // Like upstream, named .moon even for a planet.
  const std::string out = a.output.empty() ? to_hex_u64(w.id, 16) + ".moon" : a.output;
  write_file_or_fail(out, w.to_bytes(), false);
  std::printf("%s\n", out.c_str());
}

const char* type_name(World::Type t) {
  switch (t) {
    case World::Type::kPlanet: return "planet";
    case World::Type::kMoon: return "moon";
    case World::Type::kNull: return "null";
  }
  return "?";
}

void show(const WorldArgs& a) {
  const Bytes data = read_file_or_fail(a.path, World::kMaxSerializedSize + 1);
  ByteReader r(data);
  auto w = World::deserialize(r);
  if (!w) fail("'" + a.path + "' is not a valid planet or moon (truncated or malformed)");
  if (!r.at_end())
    fail("'" + a.path + "' has " + std::to_string(r.remaining()) +
         " unexpected bytes after the world");
  std::printf("type: %s\n", type_name(w->type));
  std::printf("id: %s (%llu)\n", to_hex_u64(w->id, 16).c_str(),
              static_cast<unsigned long long>(w->id));
  std::printf("timestamp: %llu\n", static_cast<unsigned long long>(w->timestamp));
  std::printf("updatesMustBeSignedBy: %s\n", to_hex(w->updates_must_be_signed_by).c_str());
  std::printf("roots: %zu\n", w->roots.size());
  for (const World::Root& root : w->roots) {
    std::printf("  root %s\n", root.identity.address().to_string().c_str());
    std::printf("    identity: %s\n", root.identity.to_string(false).c_str());
    for (const InetAddress& ep : root.stable_endpoints)
      std::printf("    stable endpoint: %s\n", ep.to_string().c_str());
  }
  // Only a first revision is signed by its own key; later ones by the previous revision's.
  std::printf("signature: %s\n", w->verify_signature(w->updates_must_be_signed_by)
                                     ? "valid under its own updatesMustBeSignedBy key"
                                     : "not valid under its own updatesMustBeSignedBy key");
}

}  // namespace

void register_world_commands(CLI::App& app) {
  auto args = std::make_shared<WorldArgs>();
  CLI::App* world = app.add_subcommand("world", "Make and inspect planets and moons");
  world->require_subcommand(1);

  CLI::App* ini = world->add_subcommand(
      "init", "Print a JSON moon template with one root and a fresh signing key");
  ini->add_option("IDENTITY", args->identity, "The root's public identity, or a file holding it")
      ->required();
  ini->callback([args] { init(*args); });

  CLI::App* mk = world->add_subcommand(
      "make",
      "Sign a world from a JSON config; writes <id>.moon (or --output) and prints its name");
  mk->add_option("CONFIG", args->path, "JSON as printed by `ztsdk world init`")->required();
  mk->add_option("--timestamp", args->timestamp, "Revision timestamp in ms (default: now)");
  mk->add_option("--output,-o", args->output, "Output file (default: <16-hex-digit id>.moon)");
  mk->callback([args] { make(*args); });

  CLI::App* sh = world->add_subcommand("show", "Print a planet or moon file readably");
  sh->add_option("FILE", args->path, "A serialized planet or moon")->required();
  sh->callback([args] { show(*args); });
}

}  // namespace zt::cli
