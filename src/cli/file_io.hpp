#pragma once
// Whole-file reads with a size cap, and atomic writes (temp file, fsync,
// rename) so a crash never leaves a half-written identity or world.
#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "proto/hex.hpp"

namespace zt::cli {

// Nullopt with `error` set when the file cannot be read or exceeds max_size.
std::optional<Bytes> read_whole_file(const std::string& path, std::size_t max_size,
                                     std::string& error);

// Secret files are created 0600, others 0644. False with `error` set on failure,
// leaving any existing file untouched.
bool write_file_atomic(const std::string& path, std::span<const std::uint8_t> data, bool secret,
                       std::string& error);

}  // namespace zt::cli
