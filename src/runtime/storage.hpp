#pragma once
// Where a running node keeps the engine's durable objects ("planet",
// "moons.d/…", "peers.d/…", "networks.d/<nwid>.conf"): a home directory, or
// memory for a node that must leave no files behind.
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/home_dir.hpp"
#include "proto/hex.hpp"

namespace zt::runtime {

class Storage {
 public:
  virtual ~Storage() = default;
  virtual void store(std::string_view name, std::span<const std::uint8_t> bytes) = 0;
  virtual std::optional<Bytes> load(std::string_view name) = 0;
  virtual void remove(std::string_view name) = 0;
  // Names of the objects directly in `folder` ("networks.d"), sorted.
  virtual std::vector<std::string> list(std::string_view folder) = 0;
};

// Objects as files in a home directory (atomic writes). Failures are logged
// through `log` and otherwise ignored: the node carries on from memory.
class HomeStorage final : public Storage {
 public:
  using Log = std::function<void(const std::string& line)>;
  HomeStorage(const io::HomeDir& home, Log log) : home_(home), log_(std::move(log)) {}

  void store(std::string_view name, std::span<const std::uint8_t> bytes) override;
  std::optional<Bytes> load(std::string_view name) override;
  void remove(std::string_view name) override;
  std::vector<std::string> list(std::string_view folder) override;

 private:
  const io::HomeDir& home_;
  Log log_;
};

class MemoryStorage final : public Storage {
 public:
  void store(std::string_view name, std::span<const std::uint8_t> bytes) override {
    objects_[std::string(name)] = Bytes(bytes.begin(), bytes.end());
  }
  std::optional<Bytes> load(std::string_view name) override {
    auto it = objects_.find(std::string(name));
    if (it == objects_.end()) return std::nullopt;
    return it->second;
  }
  void remove(std::string_view name) override { objects_.erase(std::string(name)); }
  std::vector<std::string> list(std::string_view folder) override;

 private:
  std::map<std::string, Bytes, std::less<>> objects_;
};

}  // namespace zt::runtime
