#include "cli/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace zt::cli {
namespace {

std::string errno_text() { return std::strerror(errno); }

bool write_all(int fd, std::span<const std::uint8_t> data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data = data.subspan(static_cast<std::size_t>(n));
  }
  return true;
}

// Makes the rename itself durable; best effort, as not every filesystem allows it.
void sync_parent_directory(const std::string& path) {
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

std::optional<Bytes> read_whole_file(const std::string& path, std::size_t max_size,
                                     std::string& error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot read '" + path + "': " + errno_text();
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    error = "cannot read '" + path + "': it is a directory";
    return std::nullopt;
  }
  Bytes out;
  std::uint8_t chunk[65536];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = "cannot read '" + path + "': " + errno_text();
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_size) {
      error = "'" + path + "' is larger than " + std::to_string(max_size) + " bytes";
      ::close(fd);
      return std::nullopt;
    }
    out.insert(out.end(), chunk, chunk + n);
  }
  ::close(fd);
  return out;
}

bool write_file_atomic(const std::string& path, std::span<const std::uint8_t> data, bool secret,
                       std::string& error) {
  std::string temp = path + ".tmp-XXXXXX";
  const int fd = ::mkstemp(temp.data());  // created 0600, so a secret is never exposed
  if (fd < 0) {
    error = "cannot write '" + path + "': " + errno_text();
    return false;
  }
  bool ok = (secret || ::fchmod(fd, 0644) == 0) && write_all(fd, data) && ::fsync(fd) == 0;
  int saved_errno = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    saved_errno = errno;
  }
  if (!ok) {
    error = "cannot write '" + path + "': " + std::strerror(saved_errno);
    ::unlink(temp.c_str());
    return false;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    error = "cannot write '" + path + "': " + errno_text();
    ::unlink(temp.c_str());
    return false;
  }
  sync_parent_directory(path);
  return true;
}

}  // namespace zt::cli
