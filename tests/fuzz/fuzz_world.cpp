// Hostile bytes as a planet/moon: parse, then serialize -> parse must give
// the same world and the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "proto/world.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  zt::ByteReader r({data, size});
  auto world = zt::World::deserialize(r);
  if (!world) return 0;
  check(r.ok() && r.position() <= zt::World::kMaxSerializedSize);
  check(world->within_limits());

  const zt::Bytes bytes = world->to_bytes();
  zt::ByteReader r2(bytes);
  auto again = zt::World::deserialize(r2);
  check(again.has_value() && r2.at_end());
  check(*again == *world);
  check(again->to_bytes() == bytes);

  (void)world->verify_signature(world->updates_must_be_signed_by);
  (void)world->should_be_replaced_by(*again);

  world->sort_for_signing();
  const zt::Bytes sorted = world->to_bytes();
  zt::ByteReader r3(sorted);
  check(zt::World::deserialize(r3).has_value() && r3.at_end());
  return 0;
}
