#include "proto/dictionary.hpp"

#include <algorithm>
#include <limits>

namespace zt {
namespace {

// Upstream reads numbers through a 128-byte buffer, so only this much of a
// value is ever parsed.
constexpr std::size_t kNumberTextMax = 127;

bool is_line_end(std::uint8_t c) { return c == '\r' || c == '\n'; }

bool key_is_valid(std::string_view key) {
  if (key.empty()) return false;
  return std::none_of(key.begin(), key.end(),
                      [](char c) { return c == '\0' || c == '\r' || c == '\n' || c == '='; });
}

// Bytes the escaped form of `c` takes.
std::size_t escaped_size(std::uint8_t c) {
  switch (c) {
    case 0x00: case 0x0d: case 0x0a: case '\\': case '=': return 2;
    default: return 1;
  }
}

void append_escaped(Bytes& out, std::uint8_t c) {
  char escape = 0;
  switch (c) {
    case 0x00: escape = '0'; break;
    case 0x0d: escape = 'r'; break;
    case 0x0a: escape = 'n'; break;
    case '\\': escape = '\\'; break;
    case '=': escape = 'e'; break;
    default: out.push_back(c); return;
  }
  out.push_back('\\');
  out.push_back(static_cast<std::uint8_t>(escape));
}

std::uint8_t unescape(std::uint8_t c) {
  switch (c) {
    case 'r': return 0x0d;
    case 'n': return 0x0a;
    case '0': return 0x00;
    case 'e': return '=';
    default: return c;
  }
}

int hex_digit(std::uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_c_space(std::uint8_t c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

struct HexNumber {
  bool negative = false;
  bool overflow = false;
  std::uint64_t magnitude = 0;
};

// The shared front half of strtoull/strtoll with base 16.
HexNumber scan_hex_number(std::span<const std::uint8_t> text) {
  text = text.first(std::min(text.size(), kNumberTextMax));
  HexNumber n;
  std::size_t i = 0;
  while (i < text.size() && is_c_space(text[i])) ++i;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) n.negative = text[i++] == '-';
  // "0x" is a prefix only when a hex digit follows; otherwise the '0' is the number.
  if (text.size() - i >= 3 && text[i] == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X') &&
      hex_digit(text[i + 2]) >= 0)
    i += 2;
  for (; i < text.size(); ++i) {
    const int d = hex_digit(text[i]);
    if (d < 0) break;
    if (n.magnitude >> 60) n.overflow = true;
    n.magnitude = (n.magnitude << 4) | static_cast<std::uint64_t>(d);
  }
  return n;
}

}  // namespace

bool DictionaryWriter::add(std::string_view key, std::span<const std::uint8_t> value) {
  if (!key_is_valid(key)) return false;
  std::size_t needed = (out_.empty() ? 0 : 1) + key.size() + 1;
  for (std::uint8_t c : value) needed += escaped_size(c);
  // Strictly below capacity: upstream keeps a terminating NUL in its buffer.
  if (capacity_ == 0 || needed > capacity_ - 1 - out_.size()) return false;
  out_.reserve(out_.size() + needed);
  if (!out_.empty()) out_.push_back('\n');
  out_.insert(out_.end(), key.begin(), key.end());
  out_.push_back('=');
  for (std::uint8_t c : value) append_escaped(out_, c);
  return true;
}

bool DictionaryWriter::add(std::string_view key, std::string_view value) {
  return add(key, std::span<const std::uint8_t>(
                      reinterpret_cast<const std::uint8_t*>(value.data()), value.size()));
}

bool DictionaryWriter::add_u64(std::string_view key, std::uint64_t value) {
  return add(key, to_hex_u64(value, 16));
}

bool DictionaryWriter::add_i64(std::string_view key, std::int64_t value) {
  // Unsigned negation: well defined even for INT64_MIN.
  const auto bits = static_cast<std::uint64_t>(value);
  return add_u64(key, value < 0 ? ~bits + 1 : bits);
}

bool DictionaryWriter::add_bool(std::string_view key, bool value) {
  return add(key, value ? std::string_view("1") : std::string_view("0"));
}

bool DictionaryWriter::add_address(std::string_view key, Address value) {
  return add(key, value.to_string());
}

std::optional<DictionaryReader> DictionaryReader::parse(std::span<const std::uint8_t> data,
                                                        std::size_t capacity) {
  if (data.size() >= capacity) return std::nullopt;
  const auto nul = std::find(data.begin(), data.end(), std::uint8_t{0});
  return DictionaryReader(data.first(static_cast<std::size_t>(nul - data.begin())));
}

std::optional<Bytes> DictionaryReader::get(std::string_view key) const {
  const std::size_t n = data_.size();
  std::size_t i = 0;
  while (i < n) {
    // The key is every byte up to the line's first '='.
    std::size_t matched = 0;
    bool same = true;
    while (i < n && data_[i] != '=' && !is_line_end(data_[i])) {
      if (same && matched < key.size() && data_[i] == static_cast<std::uint8_t>(key[matched]))
        ++matched;
      else
        same = false;
      ++i;
    }
    if (i < n && data_[i] == '=' && same && matched == key.size()) {
      Bytes value;
      bool escaped = false;
      for (++i; i < n && !is_line_end(data_[i]); ++i) {
        if (escaped) {
          value.push_back(unescape(data_[i]));
          escaped = false;
        } else if (data_[i] == '\\') {
          escaped = true;
        } else {
          value.push_back(data_[i]);
        }
      }
      return value;
    }
    while (i < n && !is_line_end(data_[i])) ++i;
    while (i < n && is_line_end(data_[i])) ++i;
  }
  return std::nullopt;
}

std::optional<std::string> DictionaryReader::get_string(std::string_view key,
                                                        std::size_t max_length) const {
  auto value = get(key);
  if (!value) return std::nullopt;
  auto end = std::find(value->begin(), value->end(), std::uint8_t{0});
  const auto length = std::min(static_cast<std::size_t>(end - value->begin()), max_length);
  return std::string(value->begin(), value->begin() + static_cast<std::ptrdiff_t>(length));
}

std::uint64_t DictionaryReader::get_u64(std::string_view key, std::uint64_t fallback) const {
  auto value = get(key);
  if (!value || value->empty()) return fallback;
  const HexNumber n = scan_hex_number(*value);
  if (n.overflow) return std::numeric_limits<std::uint64_t>::max();
  return n.negative ? ~n.magnitude + 1 : n.magnitude;
}

std::int64_t DictionaryReader::get_i64(std::string_view key, std::int64_t fallback) const {
  auto value = get(key);
  if (!value || value->empty()) return fallback;
  const HexNumber n = scan_hex_number(*value);
  constexpr std::uint64_t kMaxPositive = std::numeric_limits<std::int64_t>::max();
  if (!n.negative) {
    return n.overflow || n.magnitude > kMaxPositive ? std::numeric_limits<std::int64_t>::max()
                                                    : static_cast<std::int64_t>(n.magnitude);
  }
  if (n.overflow || n.magnitude > kMaxPositive + 1) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(~n.magnitude + 1);
}

bool DictionaryReader::get_bool(std::string_view key, bool fallback) const {
  auto value = get(key);
  if (!value || value->empty()) return fallback;
  const std::uint8_t c = value->front();
  return c == '1' || c == 't' || c == 'T';
}

}  // namespace zt
