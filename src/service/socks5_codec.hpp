#pragma once
// SOCKS5 (RFC 1928) with username/password authentication (RFC 1929): the
// messages and the handshake as a pure state machine. The server feeds it
// the bytes a client sent and does what it says: send these bytes, act on
// this request, close. It takes only whole messages and says how many bytes
// each used, so data a client sends right after its request stays in the
// socket for the relay. Also the UDP ASSOCIATE datagram header.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "proto/inet_address.hpp"

namespace zt::service::socks5 {

constexpr std::uint8_t kVersion = 5;
constexpr std::uint8_t kAuthVersion = 1;  // RFC 1929's sub-negotiation
constexpr std::uint8_t kMethodNoAuth = 0x00;
constexpr std::uint8_t kMethodUserPassword = 0x02;
constexpr std::uint8_t kMethodNoneAcceptable = 0xff;
constexpr std::uint8_t kCommandConnect = 1;
constexpr std::uint8_t kCommandBind = 2;
constexpr std::uint8_t kCommandUdpAssociate = 3;
constexpr std::uint8_t kAtypIpv4 = 1;
constexpr std::uint8_t kAtypDomain = 3;
constexpr std::uint8_t kAtypIpv6 = 4;

// RFC 1928 section 6.
enum class ReplyCode : std::uint8_t {
  kSucceeded = 0x00,
  kGeneralFailure = 0x01,
  kNotAllowed = 0x02,
  kNetworkUnreachable = 0x03,
  kHostUnreachable = 0x04,
  kConnectionRefused = 0x05,
  kTtlExpired = 0x06,
  kCommandNotSupported = 0x07,
  kAddressTypeNotSupported = 0x08,
};
// The reply for a failed connect's errno (ETIMEDOUT: no answer within the
// connect timeout, reported as TTL expired as other servers do).
ReplyCode reply_code_for(int error);

// A destination: an address, or a name still to resolve.
struct Destination {
  InetAddress ip;  // nil when `name` is set; port in `port`
  std::string name;
  std::uint16_t port = 0;
};

struct Request {
  std::uint8_t command = 0;
  Destination destination;
};

struct Credentials {
  std::string user;
  std::string password;
};

class Handshake {
 public:
  // Without credentials: no authentication (method 0); with: RFC 1929 only.
  explicit Handshake(std::optional<Credentials> required);

  struct Step {
    std::size_t consumed = 0;         // bytes of the input used
    std::vector<std::uint8_t> send;   // to write to the client now
    std::optional<Request> request;   // the client's request, complete
    bool close = false;               // close once `send` is written
  };
  // Looks at the bytes received so far (from the first unconsumed one); a
  // step with nothing consumed and nothing to do means "wait for more".
  Step feed(std::span<const std::uint8_t> input);
  bool done() const { return state_ == State::kDone; }

  // Longest message a client may send (a request with a 255-byte name; a
  // username/password message is at most 513 bytes).
  static constexpr std::size_t kMaxMessage = 513;

 private:
  enum class State { kGreeting, kAuth, kRequest, kDone };
  Step greeting(std::span<const std::uint8_t> input);
  Step auth(std::span<const std::uint8_t> input);
  Step request(std::span<const std::uint8_t> input);

  std::optional<Credentials> required_;
  State state_ = State::kGreeting;
};

// VER REP RSV ATYP BND.ADDR BND.PORT. A nil address is sent as 0.0.0.0:0.
std::vector<std::uint8_t> encode_reply(ReplyCode code, const InetAddress& bound);

// A UDP ASSOCIATE datagram: RSV(2) FRAG ATYP DST.ADDR DST.PORT DATA.
struct UdpDatagram {
  std::uint8_t fragment = 0;
  Destination destination;
  std::span<const std::uint8_t> payload;
};
std::optional<UdpDatagram> parse_udp(std::span<const std::uint8_t> datagram);
std::vector<std::uint8_t> encode_udp(const InetAddress& from, std::span<const std::uint8_t> payload);

}  // namespace zt::service::socks5
