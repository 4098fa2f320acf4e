#pragma once
// The controller's file database (controller.md §5), upstream's FileDB:
// <root>/network/<nwid>.json and <root>/network/<nwid>/member/<id>.json,
// each one line of JSON, loaded at start and kept in memory; every save
// that changes a record bumps its revision and rewrites its file
// atomically. Used from one thread (the node's loop thread).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/json_fields.hpp"
#include "proto/address.hpp"
#include "proto/inet_address.hpp"

namespace zt::controller {

using LogFn = std::function<void(std::string_view)>;

// What the config builder needs to know about a network's other members.
struct NetworkSummary {
  std::vector<Address> active_bridges;     // sorted
  std::vector<InetAddress> allocated_ips;  // every member's ipAssignments, port 0, sorted
  std::size_t authorized_members = 0;
  std::size_t total_members = 0;
  bool is_allocated(const InetAddress& ip) const;
};

class Store {
 public:
  // A record file larger than this is skipped (a network with the maximum
  // 16384 rules is about 2 MiB).
  static constexpr std::size_t kMaxRecordBytes = 16 * 1024 * 1024;

  // Creates <root>, network/ and trace/ if missing (0700), then loads every
  // network/<16 hex>.json and its member/<10 hex>.json files. A file that
  // cannot be read or parsed, or lacks a proper "id", is skipped with a
  // line to `log`. nullopt with *error when <root> cannot be made.
  static std::optional<Store> open(const std::filesystem::path& root, LogFn log,
                                   std::string* error = nullptr);

  const std::filesystem::path& root() const { return root_; }

  std::vector<std::uint64_t> network_ids() const;  // ascending
  bool has_network(std::uint64_t nwid) const { return networks_.count(nwid) != 0; }
  // nullptr when absent.
  const json* network(std::uint64_t nwid) const;
  const json* member(std::uint64_t nwid, Address id) const;
  // Members by address; nullptr when the network is absent.
  const std::map<Address, json>* members(std::uint64_t nwid) const;
  NetworkSummary summary(std::uint64_t nwid) const;

  // FileDB::save: when `record` differs from the stored one apart from its
  // revision (or is new), its revision becomes the stored one's + 1 (1 for
  // a new record), it is stored and its file rewritten, and the previous
  // record (null if none) is returned. nullopt when nothing changed, or the
  // record has no usable id (a member also needs its network to exist).
  std::optional<json> save_network(json& record);
  std::optional<json> save_member(json& record);

  // Removes the record and its files (a network's members with it);
  // returns what was stored, nullopt if nothing was.
  std::optional<json> erase_network(std::uint64_t nwid);
  std::optional<json> erase_member(std::uint64_t nwid, Address id);

 private:
  struct Network {
    json record;
    std::map<Address, json> members;
  };

  Store(std::filesystem::path root, LogFn log) : root_(std::move(root)), log_(std::move(log)) {}
  void load_all();
  void load_members(std::uint64_t nwid, Network& network);
  std::filesystem::path network_file(std::uint64_t nwid) const;
  std::filesystem::path network_dir(std::uint64_t nwid) const;
  std::filesystem::path member_file(std::uint64_t nwid, Address id) const;
  void write(const std::filesystem::path& file, const json& record);
  void log(const std::string& line) const;

  std::filesystem::path root_;
  LogFn log_;
  std::map<std::uint64_t, Network> networks_;
};

}  // namespace zt::controller
