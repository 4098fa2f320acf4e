#pragma once
// The intercept's wire formats, shared by libztintercept.so (inside a
// program) and the ztsdk service:
//
// - control messages on the service's unix socket <home>/intercept.sock
//   (SOCK_SEQPACKET: one message per record; a file descriptor, when one
//   goes along, rides as SCM_RIGHTS beside the message, never in it);
// - accept notices, one per accepted connection, on a virtual listener's
//   channel (the program's listening fd), each carrying the new fd;
// - the fixed header in front of every datagram of a virtual UDP socket
//   (the peer address travels there, so payloads are never inspected).
//
// Pure: no I/O and no allocation, and nothing of the C++ runtime beyond
// headers, because the preload library links this without libstdc++.
// Integers are big-endian. docs/intercept_socks.md describes the design.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace zt::intercept {

constexpr std::uint8_t kProtocolVersion = 1;
// Largest control message either side sends or accepts.
constexpr std::size_t kMaxMessage = 4096;
// The control socket's file name inside the service's home directory.
constexpr char kSocketFileName[] = "intercept.sock";
// Bounds on lists in replies (a node is on a handful of networks).
constexpr std::size_t kMaxPrefixes = 64;
constexpr std::size_t kMaxAddresses = 32;
constexpr std::size_t kMaxResolved = 16;
constexpr std::size_t kMaxHostName = 253;  // RFC 1035 text form

// An IP endpoint as the protocol carries it. family 0 means "none".
struct Endpoint {
  std::uint8_t family = 0;  // 0, 4 or 6
  std::uint8_t ip[16] = {};
  std::uint16_t port = 0;
  std::uint32_t scope = 0;  // IPv6 zone index, else 0
  bool none() const { return family == 0; }
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

struct Prefix {
  Endpoint address;  // port unused
  std::uint8_t bits = 0;
};

enum class Op : std::uint8_t {
  kNetworks = 1,    // the virtual prefixes and this node's own addresses
  kTcpBind = 2,     // bind to a virtual address -> a placeholder fd holding the port
  kTcpConnect = 3,  // -> a stream fd, not writable until the connect completes
  kTcpListen = 4,   // (+ the kernel listener for wildcard binds) -> a listener channel fd
  kUdpOpen = 5,     // (+ the kernel UDP socket for wildcard binds) -> a datagram fd
  kUdpConnect = 6,  // set (remote) or clear (remote none) a virtual UDP socket's peer
  kStatus = 7,      // a virtual socket's addresses, state and pending error
  kSetOption = 8,   // an integer socket option for the virtual side
  kGetOption = 9,
  kResolve = 10,    // a name in a joined network's DNS domain -> addresses
};
constexpr std::uint8_t kReplyBit = 0x80;
bool valid_op(std::uint8_t op);

// What a virtual socket is; also the kind letter in its name.
enum class SocketKind : std::uint8_t {
  kStream = 't',    // a TCP connection (connecting, connected or closing)
  kBound = 'b',     // a TCP socket bound to a virtual address, not yet used
  kListener = 'l',  // a TCP listener's channel
  kDatagram = 'u',  // a UDP socket
};
bool valid_kind(std::uint8_t kind);

// Request and reply flags.
enum : std::uint32_t {
  kFlagV6Only = 1u << 0,     // IPV6_V6ONLY was set on the program's socket
  kFlagTakeError = 1u << 1,  // kStatus: clear the pending error (SO_ERROR reads it once)
  kFlagNoDelay = 1u << 2,    // TCP_NODELAY carried over at connect/listen
  kFlagKeepAlive = 1u << 3,  // SO_KEEPALIVE carried over
  kFlagReuseAddr = 1u << 4,
  kFlagBroadcast = 1u << 5,  // SO_BROADCAST carried over
  kFlagStrict = 1u << 6,     // kNetworks reply: the service refuses pass-through
};

// kStatus reply: where a virtual socket is.
enum class SocketState : std::uint8_t {
  kUnknown = 0,     // no such socket (the service restarted, or it was never ours)
  kConnecting = 1,
  kConnected = 2,
  kClosed = 3,      // finished; `so_error` says how
  kBound = 4,
  kListening = 5,
  kOpen = 6,        // a UDP socket
};

struct Request {
  Op op = Op::kNetworks;
  std::uint32_t id = 0;
  std::uint64_t socket = 0;  // the virtual socket concerned, 0 if none
  std::uint8_t domain = 4;   // the program socket's family; replies use its address form
  Endpoint local;
  Endpoint remote;
  std::uint32_t backlog = 0;
  std::uint32_t flags = 0;
  std::int32_t level = 0;  // options
  std::int32_t name = 0;
  std::int32_t value = 0;
  std::uint8_t host_length = 0;  // kResolve
  char host[kMaxHostName] = {};
};

struct Reply {
  Op op = Op::kNetworks;
  std::uint32_t id = 0;
  std::int32_t error = 0;  // an errno value; 0 = success
  std::uint64_t socket = 0;
  SocketKind kind = SocketKind::kStream;
  SocketState state = SocketState::kUnknown;
  std::int32_t so_error = 0;
  std::int32_t value = 0;
  std::uint32_t flags = 0;
  Endpoint local;
  Endpoint remote;
  std::uint8_t prefix_count = 0;
  Prefix prefixes[kMaxPrefixes];
  std::uint8_t address_count = 0;  // kNetworks: own addresses; kResolve: the answer
  Endpoint addresses[kMaxAddresses];
};

// Encoders return the message length, 0 if `out` is too small or a field
// is out of range. Decoders return nullopt on anything malformed.
std::size_t encode_request(const Request& request, std::span<std::uint8_t> out);
std::optional<Request> decode_request(std::span<const std::uint8_t> in);
std::size_t encode_reply(const Reply& reply, std::span<std::uint8_t> out);
std::optional<Reply> decode_reply(std::span<const std::uint8_t> in);

// One accepted connection on a listener channel; the fd rides with it.
struct AcceptNotice {
  bool is_virtual = true;  // else a kernel socket from the wildcard listener's kernel half
  std::uint64_t socket = 0;
  Endpoint peer;
  Endpoint local;
};
std::size_t encode_accept(const AcceptNotice& notice, std::span<std::uint8_t> out);
std::optional<AcceptNotice> decode_accept(std::span<const std::uint8_t> in);

// In front of every datagram on a virtual UDP socket's fd: the destination
// (program -> service; family 0 = the connected peer) or the source
// (service -> program). Fixed size, so the library reads it into its own
// buffer with one iovec and the payload straight into the program's.
constexpr std::size_t kDatagramHeaderSize = 24;
void encode_datagram_header(const Endpoint& peer, std::uint8_t out[kDatagramHeaderSize]);
std::optional<Endpoint> decode_datagram_header(std::span<const std::uint8_t> in);

// A virtual socket's fd end is bound to an abstract unix name that says
// which service instance made it, what it is and its id, so the library
// recognizes it after dup, fork or exec with one getsockname().
struct SocketName {
  std::uint64_t instance = 0;
  SocketKind kind = SocketKind::kStream;
  std::uint64_t socket = 0;
};
// "\0ztsdk-ic-<16 hex>-<kind><16 hex>": 1 + 9 + 16 + 1 + 1 + 16 bytes.
constexpr std::size_t kSocketNameLength = 44;
void format_socket_name(const SocketName& name, char out[kSocketNameLength]);
// `path` is sun_path as getsockname returned it (leading NUL included).
std::optional<SocketName> parse_socket_name(std::span<const char> path);

}  // namespace zt::intercept
