#include "io/home_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "crypto/c25519.hpp"
#include "crypto/random.hpp"
#include "io/atomic_file.hpp"

namespace zt::io {
namespace {

namespace fs = std::filesystem;

constexpr char kIdentitySecret[] = "identity.secret";
constexpr char kIdentityPublic[] = "identity.public";
constexpr char kAuthToken[] = "authtoken.secret";
constexpr std::size_t kMaxSmallFile = 4096;
constexpr std::size_t kMaxNameLength = 255;
constexpr int kMaxNameDepth = 3;
constexpr mode_t kSecretMode = 0600;
constexpr mode_t kPublicMode = 0644;
constexpr mode_t kDirMode = 0700;

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n";
  const auto first = s.find_first_not_of(ws);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(ws) - first + 1);
}

std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string_view as_text(const Bytes& b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Every missing component, 0700; fails if the path exists as a non-directory.
bool make_dirs(const fs::path& dir, std::string* error) {
  fs::path current;
  for (const auto& part : dir) {
    current /= part;
    if (mkdir(current.c_str(), kDirMode) != 0 && errno != EEXIST) {
      const int err = errno;
      if (error) *error = "cannot create directory " + current.string() + ": " + std::strerror(err);
      return false;
    }
  }
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    if (error) *error = dir.string() + " exists and is not a directory";
    return false;
  }
  return true;
}

// A secret someone made group- or world-readable goes back to 0600.
void tighten(const fs::path& file) {
  struct stat st {};
  if (stat(file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) chmod(file.c_str(), kSecretMode);
}

// [a-z0-9], as upstream's tokens; rejection sampling keeps it uniform.
std::string random_token(std::size_t length) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  constexpr unsigned kLetters = sizeof kAlphabet - 1;
  constexpr unsigned kLimit = 256 - 256 % kLetters;
  std::string token;
  while (token.size() < length) {
    std::uint8_t b[32];
    crypto::secure_random(b, sizeof b);
    for (std::uint8_t v : b)
      if (v < kLimit && token.size() < length) token.push_back(kAlphabet[v % kLetters]);
  }
  return token;
}

bool valid_component(std::string_view c) {
  if (c.empty() || c.front() == '.') return false;
  for (char ch : c) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
    if (!ok) return false;
  }
  return true;
}

mode_t mode_for(std::string_view name) {
  const bool secret = name.ends_with(".secret") || name.starts_with("networks.d/");
  return secret ? kSecretMode : kPublicMode;
}

}  // namespace

bool HomeDir::valid_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  int depth = 0;
  while (true) {
    const auto slash = name.find('/');
    if (!valid_component(name.substr(0, slash)) || ++depth > kMaxNameDepth) return false;
    if (slash == std::string_view::npos) return true;
    name.remove_prefix(slash + 1);
  }
}

std::optional<HomeDir> HomeDir::open(const fs::path& dir, std::string* error) {
  if (dir.empty()) {
    if (error) *error = "the home directory path is empty";
    return std::nullopt;
  }
  if (!make_dirs(dir, error)) return std::nullopt;
  HomeDir home;
  home.path_ = dir;
  if (!home.load_or_create_identity(error) || !home.load_or_create_auth_token(error))
    return std::nullopt;
  return home;
}

bool HomeDir::load_or_create_identity(std::string* error) {
  const fs::path secret_path = path_ / kIdentitySecret;
  std::string why;
  bool missing = false;
  auto secret = read_file(secret_path, kMaxSmallFile, &why, &missing);
  if (!secret && !missing) {
    if (error) *error = why;
    return false;
  }
  if (secret) {
    const std::string refuse = secret_path.string() + " is not a valid identity (";
    const std::string advice = "); restore it, or move it away to generate a new identity";
    auto id = Identity::from_string(trim(as_text(*secret)), &why);
    if (!id) {
      if (error) *error = refuse + why + advice;
      return false;
    }
    if (!id->has_private()) {
      if (error) *error = refuse + "it has no private key" + advice;
      return false;
    }
    if (crypto::c25519_public_from_private(id->private_key()) != id->public_key()) {
      if (error) *error = refuse + "its private key does not match its public key" + advice;
      return false;
    }
    if (!id->locally_validate()) {
      if (error) *error = refuse + "its address does not match its key" + advice;
      return false;
    }
    identity_ = *id;
    tighten(secret_path);
  } else {
    identity_ = Identity::generate();
    identity_created_ = true;
    if (!write_file_atomic(secret_path, as_bytes(identity_.to_string(true)), kSecretMode, error))
      return false;
  }
  // identity.public follows identity.secret, as upstream keeps it.
  const std::string public_text = identity_.to_string(false);
  const fs::path public_path = path_ / kIdentityPublic;
  auto existing = read_file(public_path, kMaxSmallFile);
  if (!existing || trim(as_text(*existing)) != public_text)
    return write_file_atomic(public_path, as_bytes(public_text), kPublicMode, error);
  return true;
}

bool HomeDir::load_or_create_auth_token(std::string* error) {
  const fs::path token_path = path_ / kAuthToken;
  std::string why;
  bool missing = false;
  auto existing = read_file(token_path, kMaxSmallFile, &why, &missing);
  if (!existing && !missing) {
    if (error) *error = why;
    return false;
  }
  if (existing && !trim(as_text(*existing)).empty()) {
    auth_token_ = std::string(trim(as_text(*existing)));
    tighten(token_path);
    return true;
  }
  auth_token_ = random_token(kAuthTokenLength);
  return write_file_atomic(token_path, as_bytes(auth_token_), kSecretMode, error);
}

bool HomeDir::store(std::string_view name, std::span<const std::uint8_t> bytes,
                    std::string* error) const {
  if (!valid_name(name)) {
    if (error) *error = "refusing to store an object named \"" + std::string(name) + "\"";
    return false;
  }
  const fs::path file = path_ / fs::path(std::string(name));
  if (!make_dirs(file.parent_path(), error)) return false;
  return write_file_atomic(file, bytes, mode_for(name), error);
}

std::optional<Bytes> HomeDir::load(std::string_view name, std::string* error,
                                   bool* missing) const {
  if (missing) *missing = false;
  if (!valid_name(name)) {
    if (error) *error = "refusing to load an object named \"" + std::string(name) + "\"";
    return std::nullopt;
  }
  return read_file(path_ / fs::path(std::string(name)), kMaxObjectBytes, error, missing);
}

bool HomeDir::erase(std::string_view name, std::string* error) const {
  if (!valid_name(name)) {
    if (error) *error = "refusing to erase an object named \"" + std::string(name) + "\"";
    return false;
  }
  const fs::path file = path_ / fs::path(std::string(name));
  if (unlink(file.c_str()) != 0 && errno != ENOENT) {
    const int err = errno;
    if (error) *error = "cannot remove " + file.string() + ": " + std::strerror(err);
    return false;
  }
  return true;
}

}  // namespace zt::io
