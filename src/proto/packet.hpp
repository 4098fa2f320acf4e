#pragma once
// A VL1 packet (vl1.md §7): the 28-byte header and the verb payload in one
// fixed-capacity buffer, so building or receiving a packet never allocates.
// The size is always between kMinPacketLength and kMaxPacketLength, so the
// header accessors need no checks.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "proto/address.hpp"
#include "proto/constants.hpp"

namespace zt {

enum class Verb : std::uint8_t {
  kNop = 0x00,
  kHello = 0x01,
  kError = 0x02,
  kOk = 0x03,
  kWhois = 0x04,
  kRendezvous = 0x05,
  kFrame = 0x06,
  kExtFrame = 0x07,
  kEcho = 0x08,
  kMulticastLike = 0x09,
  kNetworkCredentials = 0x0a,
  kNetworkConfigRequest = 0x0b,
  kNetworkConfig = 0x0c,
  kMulticastGather = 0x0d,
  kMulticastFrame = 0x0e,
  // 0x0f is unused and 0x11 deprecated; both are treated as unknown verbs.
  kPushDirectPaths = 0x10,
  kAck = 0x12,
  kQosMeasurement = 0x13,
  kUserMessage = 0x14,
  kRemoteTrace = 0x15,
  kPathNegotiationRequest = 0x16,
};

// "HELLO", "OK", ...; "UNKNOWN" for values outside the table.
const char* verb_name(Verb verb);

// The 3-bit cipher field of the flags byte. Values 4..7 are invalid on the
// wire but can appear in received packets, so the enum is not exhaustive.
enum class CipherSuite : std::uint8_t {
  kPoly1305None = 0,       // MAC only (HELLO; ACK/QOS/PATH_NEGOTIATION)
  kPoly1305Salsa2012 = 1,  // Salsa20/12 + Poly1305
  kTrustedPath = 2,        // no crypto; MAC field holds the trusted path ID
  kAesGmacSiv = 3,         // AES-GMAC-SIV, toward peers with protocol >= 12
};

class Packet {
 public:
  // An all-zero 28-byte header (NOP from 0 to 0).
  Packet();
  // A new packet with flags 0, an empty MAC field and no payload.
  Packet(std::uint64_t packet_id, Address destination, Address source, Verb verb);

  Packet(const Packet& other);
  Packet& operator=(const Packet& other);

  // A received datagram (or assembled packet); nullopt when it is shorter
  // than a header or longer than kMaxPacketLength.
  static std::optional<Packet> from_bytes(std::span<const std::uint8_t> bytes);

  std::size_t size() const { return size_; }
  std::span<const std::uint8_t> bytes() const { return {buf_.data(), size_}; }
  std::span<std::uint8_t> bytes() { return {buf_.data(), size_}; }
  // The whole buffer; bytes past size() are scratch space (see set_size).
  std::uint8_t* data() { return buf_.data(); }
  const std::uint8_t* data() const { return buf_.data(); }
  static constexpr std::size_t capacity() { return kMaxPacketLength; }
  // Truncates or extends (with whatever the buffer holds) to `n`, which must
  // lie in [kMinPacketLength, kMaxPacketLength]; false otherwise.
  bool set_size(std::size_t n);

  std::uint64_t packet_id() const;
  void set_packet_id(std::uint64_t id);
  Address destination() const;
  void set_destination(Address a);
  Address source() const;
  void set_source(Address a);

  std::uint8_t flags() const { return buf_[kFlagsOffset]; }
  void set_flags(std::uint8_t f) { buf_[kFlagsOffset] = f; }
  CipherSuite cipher() const;
  void set_cipher(CipherSuite suite);
  std::uint8_t hops() const { return buf_[kFlagsOffset] & kFlagHopsMask; }
  // Values above kMaxHops wrap into the 3-bit field.
  void set_hops(std::uint8_t hops);
  bool fragmented() const { return (buf_[kFlagsOffset] & kFlagFragmented) != 0; }
  void set_fragmented(bool on);

  // Bytes 19..26 as a big-endian integer: MAC, or the trusted-path ID.
  std::uint64_t mac() const;
  void set_mac(std::uint64_t mac);

  Verb verb() const { return static_cast<Verb>(buf_[kVerbOffset] & kVerbMask); }
  void set_verb(Verb v);
  bool compressed() const { return (buf_[kVerbOffset] & kVerbFlagCompressed) != 0; }
  void set_compressed(bool on);

  // Everything after the verb byte.
  std::span<const std::uint8_t> payload() const;
  std::span<std::uint8_t> payload();

  // Appends big-endian fields to the payload; false (and nothing written)
  // when the packet would exceed kMaxPacketLength.
  bool append_u8(std::uint8_t v);
  bool append_u16(std::uint16_t v);
  bool append_u32(std::uint32_t v);
  bool append_u64(std::uint64_t v);
  bool append_address(Address a);
  bool append_bytes(std::span<const std::uint8_t> b);

 private:
  bool append_be(std::uint64_t v, std::size_t n);

  std::size_t size_ = kMinPacketLength;
  // Deliberately not value-initialised: only the first size_ bytes are used.
  std::array<std::uint8_t, kMaxPacketLength> buf_;
};

}  // namespace zt
