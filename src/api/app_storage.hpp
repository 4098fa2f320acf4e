#pragma once
// Where a zts_ node keeps what it stores: files under the path given to
// zts_init_from_storage for the kinds of object its cache flags allow, and
// memory for the rest (everything, when there is no path). Upstream's file
// names, so a ZeroTierOne home directory's identity can be reused.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proto/identity.hpp"
#include "runtime/storage.hpp"

namespace zt::api {

// libzt's zts_init_allow_*_cache flags; all on by default, as there.
struct CacheFlags {
  bool networks = true;  // networks.d/
  bool peers = true;     // peers.d/
  bool roots = true;     // planet, moons.d/
  bool identity = true;  // identity.secret, identity.public
};

class AppStorage final : public runtime::Storage {
 public:
  // With a path, creates the directory (0700) if missing; nullptr with
  // *error if it cannot. Without one, everything stays in memory.
  static std::unique_ptr<AppStorage> open(const std::optional<std::filesystem::path>& path,
                                          CacheFlags flags, std::string* error);

  void store(std::string_view name, std::span<const std::uint8_t> bytes) override;
  std::optional<Bytes> load(std::string_view name) override;
  void remove(std::string_view name) override;
  std::vector<std::string> list(std::string_view folder) override;

  // identity.secret from the path. nullopt with *missing when there is none
  // (or no path), nullopt with *error when it is unusable: a broken
  // identity is never silently replaced.
  std::optional<Identity> load_identity(bool* missing, std::string* error) const;
  // Writes identity.secret (0600) and identity.public if the flags allow.
  bool save_identity(const Identity& identity, std::string* error) const;

 private:
  AppStorage(std::optional<std::filesystem::path> path, CacheFlags flags)
      : path_(std::move(path)), flags_(flags) {}
  bool on_disk(std::string_view name) const;

  std::optional<std::filesystem::path> path_;
  CacheFlags flags_;
  runtime::MemoryStorage memory_;
};

}  // namespace zt::api
