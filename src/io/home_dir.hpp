#pragma once
// A node's home directory, laid out with ZeroTierOne's names so an existing
// identity can be reused: identity.secret, identity.public, authtoken.secret,
// and the engine's objects (planet, moons.d/, peers.d/, networks.d/).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "proto/hex.hpp"
#include "proto/identity.hpp"

namespace zt::io {

class HomeDir {
 public:
  // Objects the engine stores are small (a planet is a few KiB, a network
  // config well under this); the bound keeps a planted file from eating memory.
  static constexpr std::size_t kMaxObjectBytes = 4 * 1024 * 1024;
  static constexpr std::size_t kAuthTokenLength = 24;

  // Creates the directory (0700) if missing. Loads identity.secret, or
  // generates and saves a new identity if there is none; refuses one that
  // does not parse or validate rather than replacing it. Same for
  // authtoken.secret (created with 24 random [a-z0-9] characters).
  static std::optional<HomeDir> open(const std::filesystem::path& dir,
                                     std::string* error = nullptr);

  const std::filesystem::path& path() const { return path_; }
  const Identity& identity() const { return identity_; }
  const std::string& auth_token() const { return auth_token_; }
  // True if open() generated the identity (worth telling the user).
  bool identity_created() const { return identity_created_; }

  // The engine's named objects, e.g. "planet", "moons.d/<16 hex>.moon",
  // "peers.d/<10 hex>", "networks.d/<16 hex>.conf". Writes are atomic and
  // create subdirectories; *.secret and networks.d/ files are 0600.
  bool store(std::string_view name, std::span<const std::uint8_t> bytes,
             std::string* error = nullptr) const;
  // nullopt if absent (*missing = true) or unreadable (*error says why).
  std::optional<Bytes> load(std::string_view name, std::string* error = nullptr,
                            bool* missing = nullptr) const;
  // True if the object is gone afterwards (including if it never existed).
  bool erase(std::string_view name, std::string* error = nullptr) const;

  // Relative, '/'-separated, components of [A-Za-z0-9._-] that do not start
  // with '.', at most three deep: no "..", no absolute paths, no hidden or
  // temp files.
  static bool valid_name(std::string_view name);

 private:
  HomeDir() = default;
  bool load_or_create_identity(std::string* error);
  bool load_or_create_auth_token(std::string* error);

  std::filesystem::path path_;
  Identity identity_;
  std::string auth_token_;
  bool identity_created_ = false;
};

}  // namespace zt::io
