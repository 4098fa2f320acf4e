#include "proto/packet.hpp"

#include <cstring>

#include "proto/byte_io.hpp"

namespace zt {

const char* verb_name(Verb verb) {
  switch (verb) {
    case Verb::kNop: return "NOP";
    case Verb::kHello: return "HELLO";
    case Verb::kError: return "ERROR";
    case Verb::kOk: return "OK";
    case Verb::kWhois: return "WHOIS";
    case Verb::kRendezvous: return "RENDEZVOUS";
    case Verb::kFrame: return "FRAME";
    case Verb::kExtFrame: return "EXT_FRAME";
    case Verb::kEcho: return "ECHO";
    case Verb::kMulticastLike: return "MULTICAST_LIKE";
    case Verb::kNetworkCredentials: return "NETWORK_CREDENTIALS";
    case Verb::kNetworkConfigRequest: return "NETWORK_CONFIG_REQUEST";
    case Verb::kNetworkConfig: return "NETWORK_CONFIG";
    case Verb::kMulticastGather: return "MULTICAST_GATHER";
    case Verb::kMulticastFrame: return "MULTICAST_FRAME";
    case Verb::kPushDirectPaths: return "PUSH_DIRECT_PATHS";
    case Verb::kAck: return "ACK";
    case Verb::kQosMeasurement: return "QOS_MEASUREMENT";
    case Verb::kUserMessage: return "USER_MESSAGE";
    case Verb::kRemoteTrace: return "REMOTE_TRACE";
    case Verb::kPathNegotiationRequest: return "PATH_NEGOTIATION_REQUEST";
  }
  return "UNKNOWN";
}

Packet::Packet() { std::memset(buf_.data(), 0, kMinPacketLength); }

Packet::Packet(std::uint64_t packet_id, Address destination, Address source, Verb verb)
    : Packet() {
  set_packet_id(packet_id);
  set_destination(destination);
  set_source(source);
  set_verb(verb);
}

// Copies only the used bytes: a packet is usually far smaller than its buffer.
Packet::Packet(const Packet& other) : size_(other.size_) {
  std::memcpy(buf_.data(), other.buf_.data(), size_);
}

Packet& Packet::operator=(const Packet& other) {
  if (this != &other) {
    size_ = other.size_;
    std::memcpy(buf_.data(), other.buf_.data(), size_);
  }
  return *this;
}

std::optional<Packet> Packet::from_bytes(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kMinPacketLength || bytes.size() > kMaxPacketLength) return std::nullopt;
  std::optional<Packet> p(std::in_place);
  p->size_ = bytes.size();
  std::memcpy(p->buf_.data(), bytes.data(), bytes.size());
  return p;
}

bool Packet::set_size(std::size_t n) {
  if (n < kMinPacketLength || n > kMaxPacketLength) return false;
  size_ = n;
  return true;
}

std::uint64_t Packet::packet_id() const { return load_be(&buf_[kPacketIdOffset], 8); }
void Packet::set_packet_id(std::uint64_t id) { store_be(&buf_[kPacketIdOffset], id, 8); }

Address Packet::destination() const { return Address::from_bytes(&buf_[kDestinationOffset]); }
void Packet::set_destination(Address a) { a.to_bytes(&buf_[kDestinationOffset]); }
Address Packet::source() const { return Address::from_bytes(&buf_[kSourceOffset]); }
void Packet::set_source(Address a) { a.to_bytes(&buf_[kSourceOffset]); }

CipherSuite Packet::cipher() const {
  return static_cast<CipherSuite>((buf_[kFlagsOffset] & kFlagCipherMask) >> kFlagCipherShift);
}

void Packet::set_cipher(CipherSuite suite) {
  const auto bits = static_cast<std::uint8_t>((static_cast<unsigned>(suite) << kFlagCipherShift) &
                                              kFlagCipherMask);
  buf_[kFlagsOffset] = static_cast<std::uint8_t>((buf_[kFlagsOffset] & ~kFlagCipherMask) | bits);
}

void Packet::set_hops(std::uint8_t hops) {
  buf_[kFlagsOffset] =
      static_cast<std::uint8_t>((buf_[kFlagsOffset] & ~kFlagHopsMask) | (hops & kFlagHopsMask));
}

void Packet::set_fragmented(bool on) {
  if (on) buf_[kFlagsOffset] |= kFlagFragmented;
  else buf_[kFlagsOffset] &= static_cast<std::uint8_t>(~kFlagFragmented);
}

std::uint64_t Packet::mac() const { return load_be(&buf_[kMacOffset], kMacLength); }
void Packet::set_mac(std::uint64_t mac) { store_be(&buf_[kMacOffset], mac, kMacLength); }

void Packet::set_verb(Verb v) {
  buf_[kVerbOffset] = static_cast<std::uint8_t>((buf_[kVerbOffset] & kVerbFlagCompressed) |
                                                (static_cast<std::uint8_t>(v) & kVerbMask));
}

void Packet::set_compressed(bool on) {
  if (on) buf_[kVerbOffset] |= kVerbFlagCompressed;
  else buf_[kVerbOffset] &= static_cast<std::uint8_t>(~kVerbFlagCompressed);
}

std::span<const std::uint8_t> Packet::payload() const {
  return {buf_.data() + kPayloadOffset, size_ - kPayloadOffset};
}
std::span<std::uint8_t> Packet::payload() {
  return {buf_.data() + kPayloadOffset, size_ - kPayloadOffset};
}

bool Packet::append_be(std::uint64_t v, std::size_t n) {
  if (n > kMaxPacketLength - size_) return false;
  store_be(buf_.data() + size_, v, n);
  size_ += n;
  return true;
}

bool Packet::append_u8(std::uint8_t v) { return append_be(v, 1); }
bool Packet::append_u16(std::uint16_t v) { return append_be(v, 2); }
bool Packet::append_u32(std::uint32_t v) { return append_be(v, 4); }
bool Packet::append_u64(std::uint64_t v) { return append_be(v, 8); }
bool Packet::append_address(Address a) { return append_be(a.value(), kAddressLength); }

bool Packet::append_bytes(std::span<const std::uint8_t> b) {
  if (b.size() > kMaxPacketLength - size_) return false;
  if (!b.empty()) std::memcpy(buf_.data() + size_, b.data(), b.size());
  size_ += b.size();
  return true;
}

}  // namespace zt
