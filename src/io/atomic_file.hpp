#pragma once
// Whole-file writes that a crash cannot leave half done, and bounded reads.
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include "proto/hex.hpp"

namespace zt::io {

// Writes a temp file beside `path`, fsyncs it, renames it over `path` and
// fsyncs the directory: readers see the old content or the new, never a mix.
// The file gets exactly `mode` whatever the umask, and is never readable
// with wider permissions, even for a moment. The directory must exist.
bool write_file_atomic(const std::filesystem::path& path, std::span<const std::uint8_t> bytes,
                       mode_t mode, std::string* error = nullptr);

// A regular file of at most max_bytes. nullopt with *error otherwise; if the
// file does not exist, *missing (when given) is set to true.
std::optional<Bytes> read_file(const std::filesystem::path& path, std::size_t max_bytes,
                               std::string* error = nullptr, bool* missing = nullptr);

}  // namespace zt::io
