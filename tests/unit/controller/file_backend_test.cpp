// The file backend through the RecordBackend interface: records written
// come back after a restart, removes take the files, and a write that
// fails leaves the old file whole.
#include "controller/file_backend.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <fstream>

#include "controller/records.hpp"
#include "controller/store.hpp"
#include "io/temp_dir.hpp"

namespace zt::controller {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kNwid = 0xe08309ce1e000001ULL;
constexpr std::int64_t kNow = 1700000000000LL;
const Address kMember(0x6362cd6fdaULL);

// While it lives, no file of this process grows past `bytes` (writes fail
// with EFBIG, SIGXFSZ ignored): a failure that permissions cannot give a
// test running as root.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) : old_handler_(std::signal(SIGXFSZ, SIG_IGN)) {
    getrlimit(RLIMIT_FSIZE, &old_);
    rlimit limit = old_;
    limit.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &old_);
    std::signal(SIGXFSZ, old_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit old_{};
  void (*old_handler_)(int);
};

// The stored network record, null when absent (so a failure is a
// failed expectation, not a crash).
json network_of(const Store& store) {
  const json* n = store.network(kNwid);
  return n ? *n : json();
}

class FileBackendTest : public ::testing::Test {
 protected:
  fs::path root() const { return dir_.path() / "controller.d"; }
  std::unique_ptr<FileBackend> open() {
    std::string error;
    auto backend = FileBackend::open(
        root(), [this](std::string_view line) { log_.emplace_back(line); }, &error);
    EXPECT_TRUE(backend) << error;
    return backend;
  }
  static std::string read(const fs::path& file) {
    std::ifstream in(file);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static json network(const std::string& name) {
    json n = network_from_post(json(), {{"name", name}}, kNwid, kNow);
    n["revision"] = 1;
    return n;
  }

  test::TempDir dir_;
  std::vector<std::string> log_;
};

TEST_F(FileBackendTest, RecordsComeBackAfterARestart) {
  {
    std::unique_ptr<FileBackend> files = open();
    RecordBackend& backend = *files;
    ASSERT_TRUE(backend.write_network(kNwid, network("kept")));
    ASSERT_TRUE(backend.write_member(
        kNwid, kMember, member_from_post(json(), {{"authorized", true}}, kNwid, kMember, kNow)));
  }
  EXPECT_EQ(read(root() / "network" / "e08309ce1e000001.json").find('\n'), std::string::npos);

  std::unique_ptr<FileBackend> files = open();
  RecordBackend& backend = *files;
  const StoredRecords all = backend.load_all();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all.at(kNwid).record["name"], "kept");
  ASSERT_EQ(all.at(kNwid).members.size(), 1u);
  EXPECT_EQ(all.at(kNwid).members.at(kMember)["authorized"], true);
  EXPECT_TRUE(log_.empty());
}

TEST_F(FileBackendTest, RemovesTakeTheFiles) {
  std::unique_ptr<FileBackend> files = open();
  RecordBackend& backend = *files;
  backend.write_network(kNwid, network("x"));
  backend.write_member(kNwid, kMember, member_from_post(json(), {}, kNwid, kMember, kNow));
  ASSERT_TRUE(fs::exists(files->member_file(kNwid, kMember)));

  EXPECT_TRUE(backend.remove_member(kNwid, kMember));
  EXPECT_FALSE(fs::exists(files->member_file(kNwid, kMember)));
  backend.write_member(kNwid, kMember, member_from_post(json(), {}, kNwid, kMember, kNow));
  EXPECT_TRUE(backend.remove_network(kNwid));
  EXPECT_FALSE(fs::exists(files->network_file(kNwid)));
  EXPECT_FALSE(fs::exists(root() / "network" / "e08309ce1e000001"));
  EXPECT_TRUE(backend.load_all().empty());
}

TEST_F(FileBackendTest, AFailedWriteLeavesTheOldFile) {
  std::unique_ptr<FileBackend> files = open();
  RecordBackend& backend = *files;
  ASSERT_TRUE(backend.write_network(kNwid, network("old")));
  const std::string before = read(files->network_file(kNwid));
  {
    FileSizeLimit limit(64);  // every record is longer
    EXPECT_FALSE(backend.write_network(kNwid, network(std::string(200, 'n'))));
  }
  EXPECT_EQ(read(files->network_file(kNwid)), before);
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_NE(log_[0].find("cannot write"), std::string::npos) << log_[0];
  // No temp file left behind.
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(root() / "network")) entries += !e.is_directory();
  EXPECT_EQ(entries, 1u);
  const StoredRecords all = backend.load_all();
  ASSERT_EQ(all.count(kNwid), 1u);
  EXPECT_EQ(all.at(kNwid).record["name"], "old");
}

TEST_F(FileBackendTest, AStoreServesAChangeItCouldNotWriteUntilRestarted) {
  {
    Store store(open());
    json n = network_from_post(json(), {{"name", "old"}}, kNwid, kNow);
    ASSERT_TRUE(store.save_network(n));
    json renamed = network_from_post(network_of(store), {{"name", "new"}}, kNwid, kNow + 1);
    {
      FileSizeLimit limit(64);
      ASSERT_TRUE(store.save_network(renamed));
    }
    EXPECT_EQ(field(network_of(store), "name"), "new");
    EXPECT_EQ(store.persist_failures(), 1u);
  }
  Store again(open());
  EXPECT_EQ(field(network_of(again), "name"), "old");
  EXPECT_EQ(field(network_of(again), "revision"), 1);
}

}  // namespace
}  // namespace zt::controller
