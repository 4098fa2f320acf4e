#pragma once
// Big-endian readers and writers for wire formats. The reader never reads
// past its span: an overrun latches `ok() == false` and yields zeros, so a
// parser checks once at the end instead of before every field.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace zt {

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> data) : data_(data) {}

  bool ok() const { return ok_; }
  std::size_t position() const { return pos_; }
  std::size_t remaining() const { return ok_ ? data_.size() - pos_ : 0; }
  bool at_end() const { return remaining() == 0; }

  std::uint8_t u8() { return static_cast<std::uint8_t>(uint_be(1)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(uint_be(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(uint_be(4)); }
  std::uint64_t u40() { return uint_be(5); }
  std::uint64_t u64() { return uint_be(8); }

  // The next n bytes, or an empty span (and !ok()) when fewer remain.
  std::span<const std::uint8_t> take(std::size_t n) {
    if (!ok_ || n > data_.size() - pos_) {
      ok_ = false;
      return {};
    }
    auto s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  bool copy(void* out, std::size_t n) {
    auto s = take(n);
    if (!ok_) return false;
    if (n) std::memcpy(out, s.data(), n);
    return true;
  }
  bool skip(std::size_t n) { return take(n).size() == n && ok_; }
  void fail() { ok_ = false; }

 private:
  std::uint64_t uint_be(std::size_t n) {
    auto s = take(n);
    if (!ok_) return 0;
    std::uint64_t v = 0;
    for (std::uint8_t b : s) v = (v << 8) | b;
    return v;
  }

  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

class ByteWriter {
 public:
  explicit ByteWriter(std::vector<std::uint8_t>& out) : out_(out) {}

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) { uint_be(v, 2); }
  void u32(std::uint32_t v) { uint_be(v, 4); }
  void u40(std::uint64_t v) { uint_be(v, 5); }
  void u64(std::uint64_t v) { uint_be(v, 8); }
  void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void bytes(const void* p, std::size_t n) {
    bytes(std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(p), n));
  }
  std::size_t size() const { return out_.size(); }

 private:
  void uint_be(std::uint64_t v, std::size_t n) {
    for (std::size_t i = n; i-- > 0;) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  std::vector<std::uint8_t>& out_;
};

// Fixed-position big-endian access into a buffer whose size the caller checked.
inline std::uint64_t load_be(const std::uint8_t* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}
inline void store_be(std::uint8_t* p, std::uint64_t v, std::size_t n) {
  for (std::size_t i = n; i-- > 0;) {
    p[i] = static_cast<std::uint8_t>(v);
    v >>= 8;
  }
}

}  // namespace zt
