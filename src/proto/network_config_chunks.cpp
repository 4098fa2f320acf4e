#include "proto/network_config_chunks.hpp"

#include <algorithm>
#include <tuple>

#include "proto/byte_io.hpp"
#include "proto/verbs/network_config.hpp"

namespace zt {
namespace {

// Upstream's per-chunk id: the first 16 signature bytes folded into 8. It
// only has to be unique per chunk within one update.
std::uint64_t chunk_id_from_signature(std::span<const std::uint8_t> sig) {
  std::array<std::uint8_t, 8> folded{};
  for (std::size_t i = 0; i < 16 && i < sig.size(); ++i) folded[i & 7] ^= sig[i];
  return load_be(folded.data(), folded.size());
}

}  // namespace

std::vector<Bytes> sign_config_chunks(std::span<const std::uint8_t> dictionary, std::uint64_t nwid,
                                      std::uint64_t update_id, const Identity& controller,
                                      std::uint8_t flags) {
  std::vector<Bytes> out;
  if (dictionary.empty() || dictionary.size() >= kNetworkConfigDictCapacity || update_id == 0 ||
      !controller.has_private())
    return out;
  const auto total = static_cast<std::uint32_t>(dictionary.size());
  for (std::uint32_t index = 0; index < total;) {
    const auto length =
        static_cast<std::uint32_t>(std::min<std::size_t>(total - index, kMaxConfigChunkLength));
    ConfigChunk chunk;
    chunk.network_id = nwid;
    chunk.data = dictionary.subspan(index, length);
    chunk.is_signed = true;
    chunk.flags = flags;
    chunk.update_id = update_id;
    chunk.total_length = total;
    chunk.chunk_index = index;
    chunk.signature_type = kConfigSignatureTypeC25519;
    const Bytes message = config_chunk_signing_message(chunk);
    const auto sig = controller.sign(message.data(), message.size());
    chunk.signature = sig;
    Bytes payload;
    ByteWriter w(payload);
    write_config_chunk(w, chunk);
    out.push_back(std::move(payload));
    index += length;
  }
  return out;
}

ConfigAssembler::Result ConfigAssembler::add(std::int64_t now,
                                             std::span<const std::uint8_t> payload,
                                             std::uint64_t packet_id, const Identity& controller,
                                             bool from_controller) {
  Result rejected;
  auto chunk = parse_config_chunk(payload);  // also checks index + length <= total
  if (!chunk || chunk->network_id != nwid_) return rejected;
  std::uint64_t update_id = 0, chunk_id = 0;
  std::uint32_t total_length = 0, chunk_index = 0;
  if (chunk->is_signed) {
    if (chunk->signature_type != kConfigSignatureTypeC25519 ||
        chunk->signature.size() != crypto::kC25519SignatureSize)
      return rejected;
    update_id = chunk->update_id;
    chunk_id = chunk_id_from_signature(chunk->signature);
    total_length = chunk->total_length;
    chunk_index = chunk->chunk_index;
  } else {
    // Old controllers: one whole unsigned config, trusted only from the
    // controller itself; the packet id names the update and the chunk.
    if (!from_controller) return rejected;
    update_id = chunk_id = packet_id;
    total_length = static_cast<std::uint32_t>(chunk->data.size());
  }
  // Zero marks a free slot; controllers never use it.
  if (update_id == 0 || total_length >= kNetworkConfigDictCapacity) return rejected;

  Slot* slot = find_or_reuse(update_id);
  if (slot->update_id == update_id &&
      std::find(slot->chunk_ids.begin(), slot->chunk_ids.end(), chunk_id) != slot->chunk_ids.end())
    return {Status::kDuplicate, update_id, false, {}};
  // Checked after the cheap duplicate test, as upstream does.
  if (chunk->is_signed &&
      (controller.is_nil() ||
       !controller.verify(chunk->signed_portion.data(), chunk->signed_portion.size(),
                          chunk->signature.data(), chunk->signature.size())))
    return rejected;
  Result r = place(now, *slot, update_id, chunk_id, total_length, chunk_index, chunk->data);
  // Upstream relays any verified chunk that asks for it, whether or not it
  // fit its slot.
  r.fast_propagate = chunk->is_signed && (chunk->flags & kConfigChunkFlagFastPropagate) != 0;
  return r;
}

void ConfigAssembler::clear() { slots_ = {}; }

ConfigAssembler::Slot* ConfigAssembler::find_or_reuse(std::uint64_t update_id) {
  Slot* oldest = &slots_[0];
  for (Slot& s : slots_) {
    if (s.update_id == update_id) return &s;
    if (std::tie(s.touched, s.touch_order) < std::tie(oldest->touched, oldest->touch_order))
      oldest = &s;
  }
  return oldest;
}

ConfigAssembler::Result ConfigAssembler::place(std::int64_t now, Slot& slot,
                                               std::uint64_t update_id, std::uint64_t chunk_id,
                                               std::uint32_t total_length,
                                               std::uint32_t chunk_index,
                                               std::span<const std::uint8_t> data) {
  Result rejected;
  slot.touched = now;
  slot.touch_order = ++touches_;
  if (slot.update_id != update_id) {
    slot = Slot{update_id, now, touches_, total_length, 0, false, {}, {}};
    slot.data.resize(total_length);
  }
  // All chunks of one update agree on the total; once whole, an update takes
  // no more bytes (only duplicates, caught above).
  if (slot.complete || slot.total_length != total_length ||
      slot.chunk_ids.size() >= kMaxConfigUpdateChunks)
    return rejected;
  slot.chunk_ids.push_back(chunk_id);
  std::copy(data.begin(), data.end(), slot.data.begin() + chunk_index);
  slot.have_bytes += static_cast<std::uint32_t>(data.size());
  if (slot.have_bytes != slot.total_length) return {Status::kPartial, update_id, false, {}};
  slot.complete = true;
  Result done{Status::kComplete, update_id, false, std::move(slot.data)};
  slot.data = {};
  return done;
}

}  // namespace zt
