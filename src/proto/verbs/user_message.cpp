#include "proto/verbs/user_message.hpp"

namespace zt {

std::optional<UserMessage> parse_user_message(std::span<const std::uint8_t> payload) {
  ByteReader r(payload);
  UserMessage m;
  m.type_id = r.u64();
  m.data = r.take(r.remaining());
  if (!r.ok()) return std::nullopt;
  return m;
}

void write_user_message(ByteWriter& w, const UserMessage& m) {
  w.u64(m.type_id);
  w.bytes(m.data);
}

}  // namespace zt
