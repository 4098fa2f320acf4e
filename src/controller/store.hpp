#pragma once
// The controller's records (controller.md §2, §5): upstream's DB cache and
// save rules over a RecordBackend that persists them. Every network and
// member record is loaded from the backend at start and kept in memory;
// a save that changes a record (anything but its revision) bumps the
// revision and goes to the backend, one that changes nothing does not.
// Also the per-network summary the config builder needs. Used from one
// thread (the node's loop thread).
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "controller/json_fields.hpp"
#include "controller/record_backend.hpp"
#include "proto/address.hpp"
#include "proto/inet_address.hpp"

namespace zt::controller {

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
  // Loads every record `backend` holds (a null backend holds none and
  // keeps nothing). Records that are not JSON objects are left out.
  explicit Store(std::unique_ptr<RecordBackend> backend);

  // The embedded default, a FileBackend at <root> (usually
  // <home>/controller.d): see file_backend.hpp for what is loaded and
  // skipped. nullopt with *error when <root> cannot be made.
  static std::optional<Store> open(const std::filesystem::path& root, LogFn log,
                                   std::string* error = nullptr);

  std::vector<std::uint64_t> network_ids() const;  // ascending
  bool has_network(std::uint64_t nwid) const { return networks_.count(nwid) != 0; }
  // nullptr when absent.
  const json* network(std::uint64_t nwid) const;
  const json* member(std::uint64_t nwid, Address id) const;
  // Members by address; nullptr when the network is absent.
  const std::map<Address, json>* members(std::uint64_t nwid) const;
  NetworkSummary summary(std::uint64_t nwid) const;

  // DB::save: when `record` differs from the stored one apart from its
  // revision (or is new), its revision becomes the stored one's + 1 (1 for
  // a new record), it is stored and written to the backend, and the
  // previous record (null if none) is returned. nullopt when nothing
  // changed, or the record has no usable id (a member also needs its
  // network to exist). A failed backend write keeps the change in memory,
  // as upstream does; persist_failures() counts them.
  std::optional<json> save_network(json& record);
  std::optional<json> save_member(json& record);

  // Removes the record (a network's members with it) here and in the
  // backend; returns what was stored, nullopt if nothing was.
  std::optional<json> erase_network(std::uint64_t nwid);
  std::optional<json> erase_member(std::uint64_t nwid, Address id);

  // Backend writes and removes that failed since the Store was made.
  std::uint64_t persist_failures() const { return persist_failures_; }

 private:
  void persisted(bool ok) { persist_failures_ += ok ? 0 : 1; }

  std::unique_ptr<RecordBackend> backend_;
  StoredRecords networks_;
  std::uint64_t persist_failures_ = 0;
};

}  // namespace zt::controller
