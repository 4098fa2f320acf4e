#include "controller/store.hpp"

#include <algorithm>

#include "controller/file_backend.hpp"
#include "controller/records.hpp"

namespace zt::controller {

bool NetworkSummary::is_allocated(const InetAddress& ip) const {
  return std::binary_search(allocated_ips.begin(), allocated_ips.end(), ip);
}

Store::Store(std::unique_ptr<RecordBackend> backend) : backend_(std::move(backend)) {
  if (!backend_) return;
  networks_ = backend_->load_all();
  std::erase_if(networks_, [](const auto& entry) { return !entry.second.record.is_object(); });
  for (auto& [nwid, network] : networks_)
    std::erase_if(network.members, [](const auto& entry) { return !entry.second.is_object(); });
}

std::optional<Store> Store::open(const std::filesystem::path& root, LogFn log,
                                 std::string* error) {
  std::unique_ptr<FileBackend> files = FileBackend::open(root, std::move(log), error);
  if (!files) return std::nullopt;
  return Store(std::move(files));
}

std::vector<std::uint64_t> Store::network_ids() const {
  std::vector<std::uint64_t> ids;
  for (const auto& [nwid, network] : networks_) ids.push_back(nwid);
  return ids;
}

const json* Store::network(std::uint64_t nwid) const {
  auto it = networks_.find(nwid);
  return it == networks_.end() ? nullptr : &it->second.record;
}

const json* Store::member(std::uint64_t nwid, Address id) const {
  auto it = networks_.find(nwid);
  if (it == networks_.end()) return nullptr;
  auto m = it->second.members.find(id);
  return m == it->second.members.end() ? nullptr : &m->second;
}

const std::map<Address, json>* Store::members(std::uint64_t nwid) const {
  auto it = networks_.find(nwid);
  return it == networks_.end() ? nullptr : &it->second.members;
}

NetworkSummary Store::summary(std::uint64_t nwid) const {
  NetworkSummary s;
  const auto* all = members(nwid);
  if (!all) return s;
  for (const auto& [id, member] : *all) {
    ++s.total_members;
    if (json_bool(field(member, "authorized"), false)) ++s.authorized_members;
    if (json_bool(field(member, "activeBridge"), false)) s.active_bridges.push_back(id);
    const json& ips = field(member, "ipAssignments");
    if (!ips.is_array()) continue;
    for (const json& ip : ips) {
      if (!ip.is_string()) continue;
      InetAddress a = inet_from_text(ip.get_ref<const std::string&>());
      a.set_port(0);
      s.allocated_ips.push_back(a);
    }
  }
  std::sort(s.active_bridges.begin(), s.active_bridges.end());
  std::sort(s.allocated_ips.begin(), s.allocated_ips.end());
  return s;
}

std::optional<json> Store::save_network(json& record) {
  const std::uint64_t nwid = record_network_id(record);
  if (nwid == 0) return std::nullopt;
  auto it = networks_.find(nwid);
  json old = it == networks_.end() ? json() : it->second.record;
  if (old.is_object() && same_record(old, record)) return std::nullopt;
  record["revision"] = json_uint(field(old, "revision"), 0) + 1;
  if (backend_) persisted(backend_->write_network(nwid, record));
  networks_[nwid].record = record;
  return old;
}

std::optional<json> Store::save_member(json& record) {
  const Address id = record_member_id(record);
  const std::uint64_t nwid = hex_u64(json_string(field(record, "nwid"), "0"));
  auto network = networks_.find(nwid);
  if (id.is_nil() || network == networks_.end()) return std::nullopt;
  auto it = network->second.members.find(id);
  json old = it == network->second.members.end() ? json() : it->second;
  if (old.is_object() && same_record(old, record)) return std::nullopt;
  record["revision"] = json_uint(field(old, "revision"), 0) + 1;
  if (backend_) persisted(backend_->write_member(nwid, id, record));
  network->second.members[id] = record;
  return old;
}

std::optional<json> Store::erase_network(std::uint64_t nwid) {
  auto it = networks_.find(nwid);
  if (it == networks_.end()) return std::nullopt;
  json old = std::move(it->second.record);
  networks_.erase(it);
  if (backend_) persisted(backend_->remove_network(nwid));
  return old;
}

std::optional<json> Store::erase_member(std::uint64_t nwid, Address id) {
  auto network = networks_.find(nwid);
  if (network == networks_.end()) return std::nullopt;
  auto it = network->second.members.find(id);
  if (it == network->second.members.end()) return std::nullopt;
  json old = std::move(it->second);
  network->second.members.erase(it);
  if (backend_) persisted(backend_->remove_member(nwid, id));
  return old;
}

}  // namespace zt::controller
