#pragma once
// How upstream's controller reads JSON fields (its OSUtils::json* helpers
// and InetAddress text form), so records behave the same whatever types an
// API client sends: numbers also come as strings or booleans, booleans as
// numbers or "true"/"1" strings. Plus bounded parsing and safe dumping.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "proto/inet_address.hpp"

namespace zt::controller {

using json = nlohmann::json;

// Deeper documents are refused: nlohmann's dump and compare recurse, and
// no record needs more than a handful of levels.
inline constexpr std::size_t kMaxJsonDepth = 64;

// `object[key]` without inserting: null when absent or not an object.
const json& field(const json& object, const char* key);

// OSUtils::jsonInt: numbers (cast as C++ does, without its undefined
// cases), decimal strings (strtoull), booleans; `fallback` otherwise.
std::uint64_t json_uint(const json& v, std::uint64_t fallback);
// OSUtils::jsonBool: booleans, numbers > 0, strings starting t/T/1.
bool json_bool(const json& v, bool fallback);
// OSUtils::jsonString: strings, numbers as unsigned decimal, booleans "1"/"0".
std::string json_string(const json& v, const char* fallback);
// Utils::hexStrToU64: strtoull base 16 ("0x" allowed, stops at junk).
std::uint64_t hex_u64(const std::string& text);
// A double converted to uint64 as the C++ cast would on x86-64.
std::uint64_t from_double(double d);

// InetAddress::fromString: "ip[/port]" at most 63 characters; a ':' makes
// it IPv6, else a '.' IPv4 (an unparseable address of that family reads as
// all zeros); anything else is nil.
InetAddress inet_from_text(std::string_view text);
// InetAddress::toIpString / toString ("" for nil).
std::string inet_ip_text(const InetAddress& a);
std::string inet_text(const InetAddress& a);

// A JSON document of at most kMaxJsonDepth levels; nullopt otherwise.
std::optional<json> parse_json(std::string_view text);
// Compact, as upstream writes records; invalid UTF-8 is replaced, never thrown.
std::string dump_json(const json& v);

}  // namespace zt::controller
