#include "cli/command_support.hpp"

#include "io/atomic_file.hpp"

namespace zt::cli {
namespace {

// Generous for a 270-character identity plus whitespace, small enough that a
// wrong path to some huge file fails fast.
constexpr std::size_t kMaxIdentityFileSize = 4096;

bool looks_like_literal_identity(const std::string& arg) {
  return arg.size() > 32 && arg[10] == ':';
}

}  // namespace

void fail(const std::string& message) { throw CommandError(message); }

Bytes read_file_or_fail(const std::string& path, std::size_t max_size) {
  std::string error;
  auto data = io::read_file(path, max_size, &error);
  if (!data) fail(error);
  return std::move(*data);
}

void write_file_or_fail(const std::string& path, std::span<const std::uint8_t> data, bool secret) {
  std::string error;
  if (!io::write_file_atomic(path, data, secret ? 0600 : 0644, &error)) fail(error);
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\v\f";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

Identity load_identity(const std::string& arg, bool need_private) {
  std::string text = arg;
  std::string origin = "the identity";
  if (!looks_like_literal_identity(arg)) {
    const Bytes data = read_file_or_fail(arg, kMaxIdentityFileSize);
    text.assign(data.begin(), data.end());
    origin = "'" + arg + "'";
  }
  std::string why;
  auto id = Identity::from_string(trim(text), &why);
  if (!id) fail(origin + " does not hold a valid identity: " + why);
  if (need_private && !id->has_private())
    fail(origin + " has no private key (a secret identity is needed)");
  return *id;
}

}  // namespace zt::cli
