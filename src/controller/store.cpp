#include "controller/store.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <system_error>

#include "controller/records.hpp"
#include "io/atomic_file.hpp"
#include "proto/hex.hpp"
#include "proto/network_id.hpp"

namespace zt::controller {
namespace {

namespace fs = std::filesystem;

constexpr mode_t kFileMode = 0600;
constexpr std::size_t kNetworkFileNameLength = 21;  // 16 hex + ".json"
constexpr std::size_t kMemberFileNameLength = 15;   // 10 hex + ".json"

bool make_private_dir(const fs::path& dir, std::string* error) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    if (error) *error = "cannot create " + dir.string() + ": " + ec.message();
    return false;
  }
  ::chmod(dir.c_str(), 0700);
  return true;
}

// Names in a directory, sorted so loading is deterministic; empty when the
// directory is missing or unreadable.
std::vector<std::string> list_names(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    names.push_back(it->path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<json> read_record(const fs::path& file, std::string* why) {
  std::optional<Bytes> bytes = io::read_file(file, Store::kMaxRecordBytes, why);
  if (!bytes) return std::nullopt;
  std::optional<json> record =
      parse_json(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
  if (!record || !record->is_object()) {
    *why = "not a JSON object";
    return std::nullopt;
  }
  return record;
}

}  // namespace

bool NetworkSummary::is_allocated(const InetAddress& ip) const {
  return std::binary_search(allocated_ips.begin(), allocated_ips.end(), ip);
}

std::optional<Store> Store::open(const fs::path& root, LogFn log, std::string* error) {
  if (!make_private_dir(root / "network", error) || !make_private_dir(root / "trace", error))
    return std::nullopt;
  ::chmod(root.c_str(), 0700);
  Store store(root, std::move(log));
  store.load_all();
  return store;
}

void Store::load_all() {
  for (const std::string& name : list_names(root_ / "network")) {
    if (name.size() != kNetworkFileNameLength || !name.ends_with(".json")) continue;
    const fs::path file = root_ / "network" / name;
    std::string why;
    std::optional<json> record = read_record(file, &why);
    const json& id = record ? field(*record, "id") : json();
    std::optional<std::uint64_t> nwid;
    if (record && id.is_string()) nwid = network_id_from_string(id.get_ref<const std::string&>());
    if (!record || !nwid || *nwid == 0) {
      log("controller: skipping " + file.string() + ": " +
          (record ? "no 16-hex-digit \"id\"" : why));
      continue;
    }
    Network& network = networks_[*nwid];
    network.record = std::move(*record);
    load_members(*nwid, network);
  }
}

void Store::load_members(std::uint64_t nwid, Network& network) {
  const fs::path dir = network_dir(nwid) / "member";
  for (const std::string& name : list_names(dir)) {
    if (name.size() != kMemberFileNameLength || !name.ends_with(".json")) continue;
    const fs::path file = dir / name;
    std::string why;
    std::optional<json> record = read_record(file, &why);
    const json& id = record ? field(*record, "id") : json();
    std::optional<Address> address;
    if (record && id.is_string()) address = Address::from_string(id.get_ref<const std::string&>());
    if (!record || !address || address->is_nil()) {
      log("controller: skipping " + file.string() + ": " +
          (record ? "no 10-hex-digit \"id\"" : why));
      continue;
    }
    network.members[*address] = std::move(*record);
  }
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
  write(network_file(nwid), record);
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
  std::string why;
  if (!make_private_dir(network_dir(nwid) / "member", &why)) log("controller: " + why);
  write(member_file(nwid, id), record);
  network->second.members[id] = record;
  return old;
}

std::optional<json> Store::erase_network(std::uint64_t nwid) {
  auto it = networks_.find(nwid);
  if (it == networks_.end()) return std::nullopt;
  json old = std::move(it->second.record);
  networks_.erase(it);
  std::error_code ec;
  fs::remove(network_file(nwid), ec);
  if (ec) log("controller: cannot remove " + network_file(nwid).string() + ": " + ec.message());
  fs::remove_all(network_dir(nwid), ec);
  if (ec) log("controller: cannot remove " + network_dir(nwid).string() + ": " + ec.message());
  return old;
}

std::optional<json> Store::erase_member(std::uint64_t nwid, Address id) {
  auto network = networks_.find(nwid);
  if (network == networks_.end()) return std::nullopt;
  auto it = network->second.members.find(id);
  if (it == network->second.members.end()) return std::nullopt;
  json old = std::move(it->second);
  network->second.members.erase(it);
  std::error_code ec;
  fs::remove(member_file(nwid, id), ec);
  if (ec) log("controller: cannot remove " + member_file(nwid, id).string() + ": " + ec.message());
  return old;
}

fs::path Store::network_file(std::uint64_t nwid) const {
  return root_ / "network" / (to_hex_u64(nwid, 16) + ".json");
}

fs::path Store::network_dir(std::uint64_t nwid) const {
  return root_ / "network" / to_hex_u64(nwid, 16);
}

fs::path Store::member_file(std::uint64_t nwid, Address id) const {
  return network_dir(nwid) / "member" / (id.to_string() + ".json");
}

// A failed write keeps the record in memory (as upstream does) and says so.
void Store::write(const fs::path& file, const json& record) {
  const std::string text = dump_json(record);
  std::string why;
  if (!io::write_file_atomic(
          file, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, kFileMode, &why))
    log("controller: cannot write " + file.string() + ": " + why);
}

void Store::log(const std::string& line) const {
  if (log_) log_(line);
}

}  // namespace zt::controller
