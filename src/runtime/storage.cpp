#include "runtime/storage.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace zt::runtime {

void HomeStorage::store(std::string_view name, std::span<const std::uint8_t> bytes) {
  std::string error;
  if (!home_.store(name, bytes, &error) && log_) log_("cannot store " + std::string(name) + ": " + error);
}

std::optional<Bytes> HomeStorage::load(std::string_view name) {
  std::string error;
  bool missing = false;
  std::optional<Bytes> bytes = home_.load(name, &error, &missing);
  if (!bytes && !missing && log_) log_("cannot load " + std::string(name) + ": " + error);
  return bytes;
}

void HomeStorage::remove(std::string_view name) {
  std::string error;
  if (!home_.erase(name, &error) && log_) log_("cannot remove " + std::string(name) + ": " + error);
}

std::vector<std::string> HomeStorage::list(std::string_view folder) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(home_.path() / folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file(ec) && io::HomeDir::valid_name(std::string(folder) + "/" + name))
      names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> MemoryStorage::list(std::string_view folder) {
  std::vector<std::string> names;
  const std::string prefix = std::string(folder) + "/";
  for (const auto& [name, bytes] : objects_) {
    if (!name.starts_with(prefix)) continue;
    const std::string rest = name.substr(prefix.size());
    if (rest.find('/') == std::string::npos) names.push_back(rest);
  }
  return names;
}

}  // namespace zt::runtime
