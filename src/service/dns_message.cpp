#include "service/dns_message.hpp"

#include <algorithm>

#include "proto/byte_io.hpp"

namespace zt::service::dns {
namespace {

constexpr std::uint16_t kClassIn = 1;
constexpr std::uint16_t kFlagResponse = 0x8000;
constexpr std::uint16_t kFlagRecursionDesired = 0x0100;
// More would be a strange answer for one name; bounds the work per message.
constexpr std::uint16_t kMaxQuestions = 4;
constexpr std::uint16_t kMaxAnswers = 64;

// Skips an encoded name: labels up to a zero byte, or up to a compression
// pointer (which ends the name in place). The message is never followed
// through pointers, so there is no loop to guard against.
bool skip_name(ByteReader& r) {
  for (int labels = 0; labels < 128; ++labels) {
    const std::uint8_t length = r.u8();
    if (!r.ok()) return false;
    if (length == 0) return true;
    if ((length & 0xc0) == 0xc0) return r.skip(1);
    if (length & 0xc0) return false;  // reserved label types
    if (!r.skip(length)) return false;
  }
  return false;
}

}  // namespace

bool valid_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > kMaxName) return false;
  std::size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok || ++label > 63) return false;
  }
  return label > 0;
}

std::vector<std::uint8_t> build_query(std::uint16_t id, std::string_view name, std::uint16_t type) {
  std::vector<std::uint8_t> out;
  if (!valid_name(name)) return out;
  if (name.back() == '.') name.remove_suffix(1);
  ByteWriter w(out);
  w.u16(id);
  w.u16(kFlagRecursionDesired);
  w.u16(1);  // one question
  w.u16(0);
  w.u16(0);
  w.u16(0);
  std::size_t start = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      w.u8(static_cast<std::uint8_t>(i - start));
      w.bytes(name.data() + start, i - start);
      start = i + 1;
    }
  }
  w.u8(0);
  w.u16(type);
  w.u16(kClassIn);
  return out;
}

std::optional<Response> parse_response(std::span<const std::uint8_t> message, std::uint16_t type) {
  ByteReader r(message);
  Response out;
  out.id = r.u16();
  const std::uint16_t flags = r.u16();
  const std::uint16_t questions = r.u16();
  const std::uint16_t answers = r.u16();
  r.u16();  // authority and additional records are not needed
  r.u16();
  if (!r.ok() || !(flags & kFlagResponse) || questions > kMaxQuestions) return std::nullopt;
  out.rcode = static_cast<std::uint8_t>(flags & 0x0f);
  for (std::uint16_t i = 0; i < questions; ++i)
    if (!skip_name(r) || !r.skip(4)) return std::nullopt;
  for (std::uint16_t i = 0; i < std::min(answers, kMaxAnswers); ++i) {
    if (!skip_name(r)) return std::nullopt;
    const std::uint16_t rtype = r.u16();
    const std::uint16_t rclass = r.u16();
    r.u32();  // TTL: each question is asked afresh
    const std::uint16_t length = r.u16();
    const std::span<const std::uint8_t> data = r.take(length);
    if (!r.ok()) return std::nullopt;
    if (rtype != type || rclass != kClassIn) continue;  // CNAMEs and others
    if (type == kTypeA && length == 4) out.addresses.push_back(InetAddress::v4(data.data(), 0));
    if (type == kTypeAAAA && length == 16) out.addresses.push_back(InetAddress::v6(data.data(), 0));
  }
  return out;
}

}  // namespace zt::service::dns
