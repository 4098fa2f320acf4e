#pragma once
// What every subcommand needs: a way to fail with one clear line, file
// helpers that fail that way, and reading an identity given as text or file.
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "proto/hex.hpp"
#include "proto/identity.hpp"

namespace zt::cli {

// Thrown by a command handler; main prints "ztsdk: <what>" and exits 1.
class CommandError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& message);

Bytes read_file_or_fail(const std::string& path, std::size_t max_size);
void write_file_or_fail(const std::string& path, std::span<const std::uint8_t> data, bool secret);
inline void write_file_or_fail(const std::string& path, std::string_view text, bool secret) {
  write_file_or_fail(path, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()},
                     secret);
}

std::string_view trim(std::string_view s);

// An identity given literally ("address:0:public[:private]") or as the path
// of a file holding one, told apart as upstream's idtool does. Does not run
// locally_validate (callers decide whether the 2 MiB hash is worth it).
Identity load_identity(const std::string& arg, bool need_private);

}  // namespace zt::cli
