#include "api/app_storage.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "crypto/c25519.hpp"
#include "io/atomic_file.hpp"
#include "io/home_dir.hpp"

namespace zt::api {
namespace {

namespace fs = std::filesystem;

constexpr char kIdentitySecret[] = "identity.secret";
constexpr char kIdentityPublic[] = "identity.public";
constexpr std::size_t kMaxIdentityFile = 4096;
constexpr mode_t kSecretMode = 0600;
constexpr mode_t kPublicMode = 0644;

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

bool make_dir(const fs::path& dir, std::string* error) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return true;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    if (error) *error = "cannot create directory " + dir.string() + ": " + ec.message();
    return false;
  }
  chmod(dir.c_str(), 0700);
  return true;
}

bool starts_folder(std::string_view name, std::string_view folder) {
  return name.size() > folder.size() && name.starts_with(folder) && name[folder.size()] == '/';
}

// Configs carry the network's certificates: private, as upstream keeps them.
mode_t mode_for(std::string_view name) {
  return name.ends_with(".secret") || starts_folder(name, "networks.d") ? kSecretMode : kPublicMode;
}

void log_error(const std::string& line) { std::fprintf(stderr, "ztsdk: %s\n", line.c_str()); }

}  // namespace

std::unique_ptr<AppStorage> AppStorage::open(const std::optional<fs::path>& path, CacheFlags flags,
                                             std::string* error) {
  if (path) {
    if (path->empty()) {
      if (error) *error = "the storage path is empty";
      return nullptr;
    }
    if (!make_dir(*path, error)) return nullptr;
  }
  return std::unique_ptr<AppStorage>(new AppStorage(path, flags));
}

bool AppStorage::on_disk(std::string_view name) const {
  if (!path_ || !io::HomeDir::valid_name(name)) return false;
  if (name == "planet" || starts_folder(name, "moons.d")) return flags_.roots;
  if (starts_folder(name, "networks.d")) return flags_.networks;
  if (starts_folder(name, "peers.d")) return flags_.peers;
  return true;
}

void AppStorage::store(std::string_view name, std::span<const std::uint8_t> bytes) {
  if (!on_disk(name)) {
    memory_.store(name, bytes);
    return;
  }
  const fs::path file = *path_ / fs::path(std::string(name));
  std::string why;
  if (!make_dir(file.parent_path(), &why) ||
      !io::write_file_atomic(file, bytes, mode_for(name), &why))
    log_error("cannot store " + file.string() + ": " + why);
}

std::optional<Bytes> AppStorage::load(std::string_view name) {
  if (!on_disk(name)) return memory_.load(name);
  const fs::path file = *path_ / fs::path(std::string(name));
  std::string why;
  bool missing = false;
  std::optional<Bytes> bytes = io::read_file(file, io::HomeDir::kMaxObjectBytes, &why, &missing);
  if (!bytes && !missing) log_error("cannot load " + file.string() + ": " + why);
  return bytes;
}

void AppStorage::remove(std::string_view name) {
  if (!on_disk(name)) {
    memory_.remove(name);
    return;
  }
  const fs::path file = *path_ / fs::path(std::string(name));
  if (unlink(file.c_str()) != 0 && errno != ENOENT)
    log_error("cannot remove " + file.string() + ": " + std::strerror(errno));
}

std::vector<std::string> AppStorage::list(std::string_view folder) {
  if (!on_disk(std::string(folder) + "/x")) return memory_.list(folder);
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(*path_ / folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file(ec) && io::HomeDir::valid_name(std::string(folder) + "/" + name))
      names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<Identity> AppStorage::load_identity(bool* missing, std::string* error) const {
  *missing = true;
  if (!path_) return std::nullopt;
  const fs::path file = *path_ / kIdentitySecret;
  std::string why;
  std::optional<Bytes> text = io::read_file(file, kMaxIdentityFile, &why, missing);
  if (!text) {
    if (!*missing && error) *error = why;
    return std::nullopt;
  }
  const std::string refuse = file.string() + " is not a usable identity (";
  const std::string advice = "); restore it, or move it away to have a new one generated";
  std::optional<Identity> id = Identity::from_string(
      trim({reinterpret_cast<const char*>(text->data()), text->size()}), &why);
  if (id && !id->has_private())
    why = "it has no secret key";
  else if (id && crypto::c25519_public_from_private(id->private_key()) != id->public_key())
    why = "its secret key does not match its public key";
  else if (id && !id->locally_validate())
    why = "its address does not match its key";
  else if (id)
    return id;
  if (error) *error = refuse + why + advice;
  return std::nullopt;
}

bool AppStorage::save_identity(const Identity& identity, std::string* error) const {
  if (!path_ || !flags_.identity) return true;
  return io::write_file_atomic(*path_ / kIdentitySecret, as_bytes(identity.to_string(true)),
                               kSecretMode, error) &&
         io::write_file_atomic(*path_ / kIdentityPublic, as_bytes(identity.to_string(false)),
                               kPublicMode, error);
}

}  // namespace zt::api
