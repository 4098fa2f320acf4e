// Hostile bytes as every intercept message (a control request or reply, an
// accept notice, a datagram header, a socket name): decoding stays in
// bounds, and whatever decodes encodes back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "intercept/protocol.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace zt::intercept;
  const std::span<const std::uint8_t> input(data, size);
  std::uint8_t out[kMaxMessage];
  if (const auto q = decode_request(input)) {
    const std::size_t n = encode_request(*q, out);
    check(n == size && std::memcmp(out, data, size) == 0);
  }
  if (const auto r = decode_reply(input)) {
    const std::size_t n = encode_reply(*r, out);
    check(n == size && std::memcmp(out, data, size) == 0);
  }
  if (const auto a = decode_accept(input)) {
    const std::size_t n = encode_accept(*a, out);
    check(n == size && std::memcmp(out, data, size) == 0);
  }
  if (const auto h = decode_datagram_header(input)) {
    std::uint8_t header[kDatagramHeaderSize];
    encode_datagram_header(*h, header);
    check(decode_datagram_header(header) == *h);
  }
  if (const auto name = parse_socket_name({reinterpret_cast<const char*>(data), size})) {
    char again[kSocketNameLength];
    format_socket_name(*name, again);
    check(std::memcmp(again, data, kSocketNameLength) == 0);
  }
  return 0;
}
