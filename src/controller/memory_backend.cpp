#include "controller/memory_backend.hpp"

namespace zt::controller {

StoredRecords MemoryBackend::load_all() {
  StoredRecords all;
  for (const auto& [nwid, record] : db_->networks) all[nwid].record = record;
  for (const auto& [key, record] : db_->members) {
    auto network = all.find(key.first);
    if (network != all.end()) network->second.members[key.second] = record;
  }
  return all;
}

bool MemoryBackend::write_network(std::uint64_t nwid, const json& record) {
  if (!change()) return false;
  db_->networks[nwid] = record;
  return true;
}

bool MemoryBackend::write_member(std::uint64_t nwid, Address id, const json& record) {
  if (!change()) return false;
  db_->members[{nwid, id}] = record;
  return true;
}

bool MemoryBackend::remove_network(std::uint64_t nwid) {
  if (!change()) return false;
  db_->networks.erase(nwid);
  std::erase_if(db_->members, [nwid](const auto& entry) { return entry.first.first == nwid; });
  return true;
}

bool MemoryBackend::remove_member(std::uint64_t nwid, Address id) {
  if (!change()) return false;
  db_->members.erase({nwid, id});
  return true;
}

bool MemoryBackend::change() {
  if (db_->failing) return false;
  ++db_->writes;
  return true;
}

}  // namespace zt::controller
