#pragma once
// The packets we sent that may be answered by OK or ERROR (vl1.md §12.4):
// 256 buckets x 32 ring slots of the upper 32 bits of the wire packet id,
// like upstream. Fixed size; old entries are overwritten, never freed.
#include <array>
#include <cstdint>

#include "proto/constants.hpp"

namespace zt {

class ExpectingReplies {
 public:
  ExpectingReplies();

  // `packet_id` is the id as sent on the wire (after suite-3 armor).
  void expect(std::uint64_t packet_id);
  bool expected(std::uint64_t packet_id) const;

 private:
  struct Bucket {
    std::array<std::uint32_t, kExpectingRepliesBucketSize> ids;
    std::uint32_t next = 0;
  };
  std::array<Bucket, kExpectingRepliesBucketCount> buckets_;
};

}  // namespace zt
