#pragma once
// The controller's records as files (controller.md §5), upstream's FileDB
// layout: <root>/network/<nwid>.json and <root>/network/<nwid>/member/<id>.json,
// each one line of JSON written atomically (temp, fsync, rename), files
// 0600 and directories 0700.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "controller/record_backend.hpp"

namespace zt::controller {

class FileBackend final : public RecordBackend {
 public:
  // A record file larger than this is skipped (a network with the maximum
  // 16384 rules is about 2 MiB).
  static constexpr std::size_t kMaxRecordBytes = 16 * 1024 * 1024;

  // Creates <root>, network/ and trace/ if missing (0700). nullptr with
  // *error when they cannot be made. `log` hears of skipped files and
  // failed writes.
  static std::unique_ptr<FileBackend> open(const std::filesystem::path& root, LogFn log,
                                           std::string* error = nullptr);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path network_file(std::uint64_t nwid) const;
  std::filesystem::path member_file(std::uint64_t nwid, Address id) const;

  // Every network/<16 hex>.json and its member/<10 hex>.json files. A file
  // that cannot be read or parsed, or lacks a proper "id", is skipped with
  // a line to the log; the record's "id", not the file name, keys it.
  StoredRecords load_all() override;
  bool write_network(std::uint64_t nwid, const json& record) override;
  bool write_member(std::uint64_t nwid, Address id, const json& record) override;
  bool remove_network(std::uint64_t nwid) override;
  bool remove_member(std::uint64_t nwid, Address id) override;

 private:
  FileBackend(std::filesystem::path root, LogFn log)
      : root_(std::move(root)), log_(std::move(log)) {}
  void load_members(std::uint64_t nwid, StoredNetwork& network);
  std::filesystem::path network_dir(std::uint64_t nwid) const;
  bool write(const std::filesystem::path& file, const json& record);
  void log(const std::string& line) const;

  std::filesystem::path root_;
  LogFn log_;
};

}  // namespace zt::controller
