// Hostile bytes as a Dictionary: every getter must stay in bounds, and every
// readable entry must survive being written out and read back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>

#include "proto/dictionary.hpp"

namespace {

constexpr std::size_t kCapacity = 65536;
constexpr std::size_t kMaxKeysChecked = 64;  // each get is a linear scan

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  auto reader = zt::DictionaryReader::parse(input, kCapacity);
  if (!reader) return 0;

  for (const char* key : {"", "k", "v", "nwid", "r"}) {
    (void)reader->get_u64(key);
    (void)reader->get_i64(key);
    (void)reader->get_bool(key);
    (void)reader->get_string(key, 16);
  }

  // Keys as the reader sees them: each line's bytes before its first '='.
  std::set<std::string> keys;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i <= size && keys.size() < kMaxKeysChecked; ++i) {
    if (i < size && data[i] == 0) break;
    if (i == size || data[i] == '\n' || data[i] == '\r') {
      const std::string line(data + line_start, data + i);
      if (auto eq = line.find('='); eq != std::string::npos && eq > 0)
        keys.insert(line.substr(0, eq));
      line_start = i + 1;
    }
  }

  zt::DictionaryWriter writer(kCapacity * 3);  // escaping at most doubles a value
  for (const std::string& key : keys) {
    auto value = reader->get(key);
    check(value.has_value());
    check(writer.add(key, *value));
  }
  auto again = zt::DictionaryReader::parse(writer.bytes(), kCapacity * 3);
  check(again.has_value());
  for (const std::string& key : keys) check(again->get(key) == reader->get(key));

  // Any bytes at all survive as a value.
  zt::DictionaryWriter raw(kCapacity * 3);
  check(raw.add("raw", input));
  auto raw_back = zt::DictionaryReader::parse(raw.bytes(), kCapacity * 3);
  check(raw_back.has_value() && raw_back->get("raw") == zt::Bytes(input.begin(), input.end()));
  return 0;
}
