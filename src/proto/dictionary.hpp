#pragma once
// The VL2 Dictionary text format (vl2.md §4): `key=value` lines joined by
// LF, values escaped. Carries network configs, request metadata and the
// auth info in ERROR payloads.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "proto/address.hpp"
#include "proto/hex.hpp"

namespace zt {

// Upstream's buffer sizes. Each counts a terminating NUL, so a dictionary
// must stay strictly shorter than its capacity to fit a peer's buffer.
inline constexpr std::size_t kNetworkConfigDictCapacity = 484520;  // sizeof-derived, x86-64 Linux
inline constexpr std::size_t kRequestMetadataDictCapacity = 1024;
inline constexpr std::size_t kAuthInfoDictCapacity = 8192;

class DictionaryWriter {
 public:
  explicit DictionaryWriter(std::size_t capacity) : capacity_(capacity) {}

  // Each add appends one entry, or nothing and returns false when the key is
  // empty or holds NUL/CR/LF/'=', or the result would not fit the capacity.
  bool add(std::string_view key, std::span<const std::uint8_t> value);
  bool add(std::string_view key, std::string_view value);
  // 16 lowercase hex digits, zero padded.
  bool add_u64(std::string_view key, std::uint64_t value);
  // Mirrors upstream's quirk: a negative value is written as the hex of its
  // magnitude, losing the sign. Write non-negative values only.
  bool add_i64(std::string_view key, std::int64_t value);
  bool add_bool(std::string_view key, bool value);
  // 10 hex digits, as the NetworkConfig writer does.
  bool add_address(std::string_view key, Address value);

  const Bytes& bytes() const { return out_; }
  std::size_t size() const { return out_.size(); }

 private:
  std::size_t capacity_;
  Bytes out_;
};

// A non-owning view; the bytes must outlive the reader.
class DictionaryReader {
 public:
  // Nullopt when the bytes could not fit upstream's buffer of `capacity`
  // (size >= capacity). A NUL ends the dictionary, as in upstream's C string.
  static std::optional<DictionaryReader> parse(std::span<const std::uint8_t> data,
                                               std::size_t capacity);

  // The unescaped value of the first entry with this key; nullopt if absent.
  std::optional<Bytes> get(std::string_view key) const;
  bool contains(std::string_view key) const { return get(key).has_value(); }
  // The value as upstream's C-string consumers see it: cut at an embedded
  // NUL, then truncated to max_length bytes.
  std::optional<std::string> get_string(std::string_view key, std::size_t max_length) const;
  // strtoull/strtoll(value, 16) semantics: leading whitespace, a sign and
  // "0x" are accepted, parsing stops at the first non-hex digit, overflow
  // saturates. A missing key or empty value yields the fallback.
  std::uint64_t get_u64(std::string_view key, std::uint64_t fallback = 0) const;
  std::int64_t get_i64(std::string_view key, std::int64_t fallback = 0) const;
  // True iff the value starts with '1', 't' or 'T'; fallback if missing or empty.
  bool get_bool(std::string_view key, bool fallback = false) const;

 private:
  explicit DictionaryReader(std::span<const std::uint8_t> data) : data_(data) {}
  std::span<const std::uint8_t> data_;
};

}  // namespace zt
