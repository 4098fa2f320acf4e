// Atomic whole-file writes and bounded reads.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "io/atomic_file.hpp"
#include "temp_dir.hpp"

namespace zt::io {
namespace {

namespace fs = std::filesystem;

Bytes bytes(const std::string& s) { return {s.begin(), s.end()}; }

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  return names;
}

// Sets the umask for one scope.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t m) : old_(umask(m)) {}
  ~ScopedUmask() { umask(old_); }

 private:
  mode_t old_;
};

TEST(AtomicFile, WriteReplacesContentAndLeavesNoTempFiles) {
  test::TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const fs::path file = dir.path() / "planet";
  std::string error;
  ASSERT_TRUE(write_file_atomic(file, bytes("first version, longer"), 0644, &error)) << error;
  EXPECT_EQ(read_file(file, 1024), bytes("first version, longer"));
  ASSERT_TRUE(write_file_atomic(file, bytes("second"), 0644, &error)) << error;
  EXPECT_EQ(read_file(file, 1024), bytes("second"));
  ASSERT_TRUE(write_file_atomic(file, {}, 0644, &error)) << error;
  EXPECT_EQ(read_file(file, 1024), Bytes{});
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"planet"});
}

TEST(AtomicFile, SecretModeHoldsWhateverTheUmask) {
  test::TempDir dir;
  std::string error;
  {
    ScopedUmask open_umask(0);
    ASSERT_TRUE(write_file_atomic(dir.path() / "a.secret", bytes("s"), 0600, &error)) << error;
  }
  EXPECT_EQ(mode_of(dir.path() / "a.secret"), 0600u);
  {
    // A strict umask must not narrow a public file either.
    ScopedUmask strict_umask(077);
    ASSERT_TRUE(write_file_atomic(dir.path() / "b.public", bytes("p"), 0644, &error)) << error;
  }
  EXPECT_EQ(mode_of(dir.path() / "b.public"), 0644u);
  // Replacing a 0644 file with a secret one leaves it 0600.
  ASSERT_TRUE(write_file_atomic(dir.path() / "b.public", bytes("now secret"), 0600, &error));
  EXPECT_EQ(mode_of(dir.path() / "b.public"), 0600u);
}

TEST(AtomicFile, FailsCleanlyWhenTheDirectoryIsMissing) {
  test::TempDir dir;
  std::string error;
  EXPECT_FALSE(write_file_atomic(dir.path() / "nope" / "file", bytes("x"), 0600, &error));
  EXPECT_NE(error.find("nope"), std::string::npos) << error;
  EXPECT_TRUE(entries(dir.path()).empty());
}

TEST(AtomicFile, ReadIsBounded) {
  test::TempDir dir;
  const fs::path file = dir.path() / "hundred";
  ASSERT_TRUE(write_file_atomic(file, Bytes(100, 7), 0644));
  auto exact = read_file(file, 100);
  ASSERT_TRUE(exact.has_value());
  EXPECT_EQ(exact->size(), 100u);
  std::string error;
  bool missing = true;
  EXPECT_FALSE(read_file(file, 99, &error, &missing).has_value());
  EXPECT_FALSE(missing);
  EXPECT_NE(error.find("larger than 99 bytes"), std::string::npos) << error;
}

TEST(AtomicFile, ReadReportsMissingAndNonRegularFiles) {
  test::TempDir dir;
  std::string error;
  bool missing = false;
  EXPECT_FALSE(read_file(dir.path() / "absent", 10, &error, &missing).has_value());
  EXPECT_TRUE(missing);
  EXPECT_NE(error.find("does not exist"), std::string::npos) << error;

  missing = true;
  EXPECT_FALSE(read_file(dir.path(), 10, &error, &missing).has_value());
  EXPECT_FALSE(missing);
  EXPECT_NE(error.find("not a regular file"), std::string::npos) << error;

  ASSERT_EQ(mkfifo((dir.path() / "fifo").c_str(), 0600), 0);
  EXPECT_FALSE(read_file(dir.path() / "fifo", 10, &error).has_value());  // must not block
  EXPECT_NE(error.find("not a regular file"), std::string::npos) << error;
}

}  // namespace
}  // namespace zt::io
