#pragma once
// DNS messages for the service's stub resolver (RFC 1035): one question
// out, A or AAAA records back. It asks the DNS servers a joined network's
// config names for names in that network's domain, for intercepted
// programs' getaddrinfo and SOCKS5 domain-name requests. Pure.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "proto/inet_address.hpp"

namespace zt::service::dns {

constexpr std::uint16_t kTypeA = 1;
constexpr std::uint16_t kTypeAAAA = 28;
constexpr std::uint8_t kRcodeNoError = 0;
constexpr std::uint8_t kRcodeNameError = 3;  // NXDOMAIN
constexpr std::size_t kMaxName = 253;

// A valid host name in text form (labels of 1..63 letters, digits, '-' or
// '_'; a trailing dot allowed).
bool valid_name(std::string_view name);

// A standard query, recursion desired; empty if the name is not valid.
std::vector<std::uint8_t> build_query(std::uint16_t id, std::string_view name, std::uint16_t type);

struct Response {
  std::uint16_t id = 0;
  std::uint8_t rcode = 0;
  std::vector<InetAddress> addresses;  // the answer section's records of the asked type
};
// nullopt if the message is not a well-formed response.
std::optional<Response> parse_response(std::span<const std::uint8_t> message, std::uint16_t type);

}  // namespace zt::service::dns
