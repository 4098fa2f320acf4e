#pragma once
// Controller records held in memory, for the simulator and tests. The
// records live in a MemoryDatabase that backends share, so a Store opened
// later over the same database (a restarted controller) finds what an
// earlier one wrote, and a test can seed records or look at what was kept.
#include <cstddef>
#include <map>
#include <memory>
#include <utility>

#include "controller/record_backend.hpp"

namespace zt::controller {

struct MemoryDatabase {
  std::map<std::uint64_t, json> networks;
  // A member is loaded only while its network is held, as a member file is
  // only read from its network's directory.
  std::map<std::pair<std::uint64_t, Address>, json> members;
  // While set, every write and remove fails and changes nothing (a full
  // disk, a lost database connection).
  bool failing = false;
  std::size_t writes = 0;  // successful writes and removes
};

class MemoryBackend final : public RecordBackend {
 public:
  explicit MemoryBackend(std::shared_ptr<MemoryDatabase> db = std::make_shared<MemoryDatabase>())
      : db_(std::move(db)) {}

  const std::shared_ptr<MemoryDatabase>& database() const { return db_; }

  StoredRecords load_all() override;
  bool write_network(std::uint64_t nwid, const json& record) override;
  bool write_member(std::uint64_t nwid, Address id, const json& record) override;
  bool remove_network(std::uint64_t nwid) override;
  bool remove_member(std::uint64_t nwid, Address id) override;

 private:
  bool change();  // false while failing; else counts the write

  std::shared_ptr<MemoryDatabase> db_;
};

}  // namespace zt::controller
