#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace zt::io {
namespace {

bool fail(std::string* error, const std::string& what, int err) {
  if (error) *error = what + ": " + std::strerror(err);
  return false;
}

bool write_all(int fd, std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return true;
}

// Makes the rename itself durable.
bool sync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = fsync(fd) == 0;
  close(fd);
  return ok;
}

}  // namespace

bool write_file_atomic(const std::filesystem::path& path, std::span<const std::uint8_t> bytes,
                       mode_t mode, std::string* error) {
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  // mkostemp creates with 0600 and O_EXCL; a leading dot hides the temp file.
  std::string temp = (dir / ("." + path.filename().string() + ".tmp.XXXXXX")).string();
  const int fd = mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return fail(error, "cannot create a file in " + dir.string(), errno);

  int err = 0;
  std::string step;
  if (fchmod(fd, mode) != 0) {
    err = errno;
    step = "cannot set the mode of ";
  } else if (!write_all(fd, bytes)) {
    err = errno;
    step = "cannot write ";
  } else if (fsync(fd) != 0) {
    err = errno;
    step = "cannot sync ";
  }
  if (close(fd) != 0 && err == 0) {
    err = errno;
    step = "cannot write ";
  }
  if (err == 0 && rename(temp.c_str(), path.c_str()) != 0) {
    err = errno;
    step = "cannot replace ";
  }
  if (err != 0) {
    unlink(temp.c_str());
    return fail(error, step + path.string(), err);
  }
  if (!sync_directory(dir)) return fail(error, "cannot sync directory " + dir.string(), errno);
  return true;
}

std::optional<Bytes> read_file(const std::filesystem::path& path, std::size_t max_bytes,
                               std::string* error, bool* missing) {
  if (missing) *missing = false;
  // O_NONBLOCK: a FIFO planted under the name must not hang the open.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) {
      if (missing) *missing = true;
      if (error) *error = path.string() + " does not exist";
    } else {
      fail(error, "cannot open " + path.string(), err);
    }
    return std::nullopt;
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    if (error) *error = path.string() + " is not a regular file";
    return std::nullopt;
  }
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    close(fd);
    if (error)
      *error = path.string() + " is larger than " + std::to_string(max_bytes) + " bytes";
    return std::nullopt;
  }
  // Read one byte past the limit to catch a file that grew since fstat.
  Bytes out(static_cast<std::size_t>(st.st_size) + 1);
  std::size_t have = 0;
  for (;;) {
    if (have == out.size()) {
      if (out.size() > max_bytes) break;
      out.resize(std::min(out.size() * 2, max_bytes + 1));
    }
    const ssize_t n = read(fd, out.data() + have, out.size() - have);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      close(fd);
      fail(error, "cannot read " + path.string(), err);
      return std::nullopt;
    }
    if (n == 0) break;
    have += static_cast<std::size_t>(n);
  }
  close(fd);
  if (have > max_bytes) {
    if (error)
      *error = path.string() + " is larger than " + std::to_string(max_bytes) + " bytes";
    return std::nullopt;
  }
  out.resize(have);
  return out;
}

}  // namespace zt::io
