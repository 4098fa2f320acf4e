#include "controller/file_backend.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <optional>
#include <system_error>
#include <vector>

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
  std::optional<Bytes> bytes = io::read_file(file, FileBackend::kMaxRecordBytes, why);
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

std::unique_ptr<FileBackend> FileBackend::open(const fs::path& root, LogFn log,
                                               std::string* error) {
  if (!make_private_dir(root / "network", error) || !make_private_dir(root / "trace", error))
    return nullptr;
  ::chmod(root.c_str(), 0700);
  return std::unique_ptr<FileBackend>(new FileBackend(root, std::move(log)));
}

StoredRecords FileBackend::load_all() {
  StoredRecords all;
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
    StoredNetwork& network = all[*nwid];
    network.record = std::move(*record);
    load_members(*nwid, network);
  }
  return all;
}

void FileBackend::load_members(std::uint64_t nwid, StoredNetwork& network) {
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

bool FileBackend::write_network(std::uint64_t nwid, const json& record) {
  return write(network_file(nwid), record);
}

bool FileBackend::write_member(std::uint64_t nwid, Address id, const json& record) {
  std::string why;
  if (!make_private_dir(network_dir(nwid) / "member", &why)) {
    log("controller: " + why);
    return false;
  }
  return write(member_file(nwid, id), record);
}

bool FileBackend::remove_network(std::uint64_t nwid) {
  bool ok = true;
  std::error_code ec;
  fs::remove(network_file(nwid), ec);
  if (ec) {
    log("controller: cannot remove " + network_file(nwid).string() + ": " + ec.message());
    ok = false;
  }
  fs::remove_all(network_dir(nwid), ec);
  if (ec) {
    log("controller: cannot remove " + network_dir(nwid).string() + ": " + ec.message());
    ok = false;
  }
  return ok;
}

bool FileBackend::remove_member(std::uint64_t nwid, Address id) {
  std::error_code ec;
  fs::remove(member_file(nwid, id), ec);
  if (!ec) return true;
  log("controller: cannot remove " + member_file(nwid, id).string() + ": " + ec.message());
  return false;
}

fs::path FileBackend::network_file(std::uint64_t nwid) const {
  return root_ / "network" / (to_hex_u64(nwid, 16) + ".json");
}

fs::path FileBackend::network_dir(std::uint64_t nwid) const {
  return root_ / "network" / to_hex_u64(nwid, 16);
}

fs::path FileBackend::member_file(std::uint64_t nwid, Address id) const {
  return network_dir(nwid) / "member" / (id.to_string() + ".json");
}

bool FileBackend::write(const fs::path& file, const json& record) {
  const std::string text = dump_json(record);
  std::string why;
  if (io::write_file_atomic(
          file, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, kFileMode, &why))
    return true;
  log("controller: cannot write " + file.string() + ": " + why);
  return false;
}

void FileBackend::log(const std::string& line) const {
  if (log_) log_(line);
}

}  // namespace zt::controller
