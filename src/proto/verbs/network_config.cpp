#include "proto/verbs/network_config.hpp"

namespace zt {
namespace {

void write_signed_portion(ByteWriter& w, const ConfigChunk& c) {
  w.u64(c.network_id);
  w.u16(static_cast<std::uint16_t>(c.data.size()));
  w.bytes(c.data);
  if (!c.is_signed) return;
  w.u8(c.flags);
  w.u64(c.update_id);
  w.u32(c.total_length);
  w.u32(c.chunk_index);
}

}  // namespace

std::optional<NetworkConfigRequest> parse_network_config_request(
    std::span<const std::uint8_t> payload) {
  ByteReader r(payload);
  NetworkConfigRequest req;
  req.network_id = r.u64();
  req.metadata = r.take(r.u16());
  req.revision = r.u64();
  req.timestamp = r.u64();
  if (!r.ok()) return std::nullopt;
  return req;
}

void write_network_config_request(ByteWriter& w, const NetworkConfigRequest& req) {
  w.u64(req.network_id);
  w.u16(static_cast<std::uint16_t>(req.metadata.size()));
  w.bytes(req.metadata);
  w.u64(req.revision);
  w.u64(req.timestamp);
}

std::optional<ConfigChunk> parse_config_chunk(std::span<const std::uint8_t> payload) {
  ByteReader r(payload);
  ConfigChunk c;
  c.network_id = r.u64();
  c.data = r.take(r.u16());
  if (!r.ok()) return std::nullopt;
  if (r.at_end()) {
    c.signed_portion = payload.first(r.position());
    return c;
  }
  c.is_signed = true;
  c.flags = r.u8();
  c.update_id = r.u64();
  c.total_length = r.u32();
  c.chunk_index = r.u32();
  c.signed_portion = payload.first(r.position());
  c.signature_type = r.u8();
  c.signature = r.take(r.u16());
  if (!r.ok()) return std::nullopt;
  if (std::uint64_t{c.chunk_index} + c.data.size() > c.total_length) return std::nullopt;
  return c;
}

void write_config_chunk(ByteWriter& w, const ConfigChunk& c) {
  write_signed_portion(w, c);
  if (!c.is_signed) return;
  w.u8(c.signature_type);
  w.u16(static_cast<std::uint16_t>(c.signature.size()));
  w.bytes(c.signature);
}

Bytes config_chunk_signing_message(const ConfigChunk& chunk) {
  Bytes out;
  ByteWriter w(out);
  write_signed_portion(w, chunk);
  return out;
}

std::optional<NetworkConfigAck> parse_network_config_ack(std::span<const std::uint8_t> body) {
  ByteReader r(body);
  NetworkConfigAck ack;
  ack.network_id = r.u64();
  ack.update_id = r.u64();
  if (!r.ok()) return std::nullopt;
  return ack;
}

void write_network_config_ack(ByteWriter& w, const NetworkConfigAck& ack) {
  w.u64(ack.network_id);
  w.u64(ack.update_id);
}

}  // namespace zt
