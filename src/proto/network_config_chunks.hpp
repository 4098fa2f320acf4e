#pragma once
// Moving a config dictionary in signed chunks (vl2.md §6.2). The
// controller splits and signs; a member collects chunks per update,
// checks each signature and gets the dictionary back once all bytes are in.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "proto/hex.hpp"
#include "proto/identity.hpp"
#include "proto/vl2_constants.hpp"

namespace zt {

// The chunk payloads (as carried by OK(NETWORK_CONFIG_REQUEST) after its
// 9-byte header, or by NETWORK_CONFIG) for `dictionary`, each at most
// kMaxConfigChunkLength bytes of it and signed by `controller`. Empty when
// the dictionary is empty or too large, the update id is zero, or the
// controller has no private key.
std::vector<Bytes> sign_config_chunks(std::span<const std::uint8_t> dictionary, std::uint64_t nwid,
                                      std::uint64_t update_id, const Identity& controller,
                                      std::uint8_t flags = 0);

// One network's incoming config updates: kMaxIncomingConfigUpdates slots,
// the least recently touched one reused for a new update. Memory is bounded
// by the slots' total lengths (each < kNetworkConfigDictCapacity).
class ConfigAssembler {
 public:
  enum class Status : std::uint8_t {
    kRejected,   // malformed, wrong network, bad signature, or over a limit
    kDuplicate,  // a chunk of this update we already have
    kPartial,    // accepted; more chunks to come
    kComplete,   // accepted and the dictionary is whole
  };
  struct Result {
    Status status = Status::kRejected;
    std::uint64_t update_id = 0;
    // A newly verified chunk that asks to be re-sent to the network's other
    // members (flag 0x01).
    bool fast_propagate = false;
    Bytes dictionary;  // kComplete only
  };

  explicit ConfigAssembler(std::uint64_t nwid) : nwid_(nwid) {}

  // `payload` is one chunk (from the network id on). Signed chunks are
  // checked against `controller` (a nil identity rejects them). The old
  // unsigned single-chunk form is taken only when `from_controller` says the
  // packet came from the controller itself; its update id is `packet_id`.
  Result add(std::int64_t now, std::span<const std::uint8_t> payload, std::uint64_t packet_id,
             const Identity& controller, bool from_controller);

  // Forget every partial update (e.g. when leaving the network).
  void clear();

 private:
  struct Slot {
    std::uint64_t update_id = 0;
    std::int64_t touched = 0;
    std::uint64_t touch_order = 0;  // breaks ties between equal times
    std::uint32_t total_length = 0;
    std::uint32_t have_bytes = 0;
    bool complete = false;
    std::vector<std::uint64_t> chunk_ids;
    Bytes data;
  };

  Slot* find_or_reuse(std::uint64_t update_id);
  Result place(std::int64_t now, Slot& slot, std::uint64_t update_id, std::uint64_t chunk_id,
               std::uint32_t total_length, std::uint32_t chunk_index,
               std::span<const std::uint8_t> data);

  std::uint64_t nwid_;
  std::uint64_t touches_ = 0;
  std::array<Slot, kMaxIncomingConfigUpdates> slots_{};
};

}  // namespace zt
