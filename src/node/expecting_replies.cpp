#include "node/expecting_replies.hpp"

#include <algorithm>

namespace zt {
namespace {

std::uint32_t tag_of(std::uint64_t packet_id) {
  return static_cast<std::uint32_t>(packet_id >> 32);
}
std::size_t bucket_of(std::uint64_t packet_id) { return tag_of(packet_id) & 0xff; }

}  // namespace

ExpectingReplies::ExpectingReplies() {
  // A zero tag would match a zeroed slot: start with slots no id maps to
  // in that bucket (bucket b only ever holds tags whose low byte is b).
  for (std::size_t b = 0; b < buckets_.size(); ++b)
    buckets_[b].ids.fill(static_cast<std::uint32_t>((b + 1) & 0xff));
}

void ExpectingReplies::expect(std::uint64_t packet_id) {
  Bucket& b = buckets_[bucket_of(packet_id)];
  b.ids[b.next] = tag_of(packet_id);
  b.next = (b.next + 1) % kExpectingRepliesBucketSize;
}

bool ExpectingReplies::expected(std::uint64_t packet_id) const {
  const Bucket& b = buckets_[bucket_of(packet_id)];
  return std::find(b.ids.begin(), b.ids.end(), tag_of(packet_id)) != b.ids.end();
}

}  // namespace zt
