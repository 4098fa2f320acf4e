#include "controller/json_fields.hpp"

#include <arpa/inet.h>

#include <cstdlib>
#include <cstring>
#include <limits>

namespace zt::controller {

const json& field(const json& object, const char* key) {
  static const json null_value;
  if (!object.is_object()) return null_value;
  auto it = object.find(key);
  return it == object.end() ? null_value : *it;
}

std::uint64_t from_double(double d) {
  if (!(d == d)) return 0;  // NaN
  if (d <= -9.2e18) return static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::min());
  if (d < 0) return static_cast<std::uint64_t>(static_cast<std::int64_t>(d));
  if (d >= 1.8e19) return std::numeric_limits<std::uint64_t>::max();
  return static_cast<std::uint64_t>(d);
}

std::uint64_t json_uint(const json& v, std::uint64_t fallback) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer()) return static_cast<std::uint64_t>(v.get<std::int64_t>());
  if (v.is_number_float()) return from_double(v.get<double>());
  if (v.is_string()) return std::strtoull(v.get_ref<const std::string&>().c_str(), nullptr, 10);
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  return fallback;
}

bool json_bool(const json& v, bool fallback) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return json_uint(v, 0) > 0;
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    return !s.empty() && (s[0] == 't' || s[0] == 'T' || s[0] == '1');
  }
  return fallback;
}

std::string json_string(const json& v, const char* fallback) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return std::to_string(json_uint(v, 0));
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  return fallback;
}

std::uint64_t hex_u64(const std::string& text) { return std::strtoull(text.c_str(), nullptr, 16); }

InetAddress inet_from_text(std::string_view text) {
  // Upstream copies into a 64-byte buffer and gives up on longer text; a
  // NUL ends it as it would a C string.
  if (auto nul = text.find('\0'); nul != std::string_view::npos) text = text.substr(0, nul);
  if (text.size() >= 64) return InetAddress();
  std::string host(text);
  unsigned long port = 0;
  if (auto slash = host.find('/'); slash != std::string::npos) {
    port = std::strtoul(host.c_str() + slash + 1, nullptr, 10) & 0xffff;
    host.resize(slash);
  }
  std::uint8_t ip[16] = {};
  if (host.find(':') != std::string::npos) {
    inet_pton(AF_INET6, host.c_str(), ip);
    return InetAddress::v6(ip, static_cast<std::uint16_t>(port));
  }
  if (host.find('.') != std::string::npos) {
    inet_pton(AF_INET, host.c_str(), ip);
    return InetAddress::v4(ip, static_cast<std::uint16_t>(port));
  }
  return InetAddress();
}

std::string inet_ip_text(const InetAddress& a) {
  return a.is_nil() ? std::string() : a.ip_string();
}

std::string inet_text(const InetAddress& a) { return a.is_nil() ? std::string() : a.to_string(); }

namespace {

// The deepest nesting of arrays and objects in `text`, stopping early once
// past `limit` (strings and their escapes are skipped).
std::size_t nesting_depth(std::string_view text, std::size_t limit) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) break;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

std::optional<json> parse_json(std::string_view text) {
  if (nesting_depth(text, kMaxJsonDepth) > kMaxJsonDepth) return std::nullopt;
  json v = json::parse(text.begin(), text.end(), nullptr, false);
  if (v.is_discarded()) return std::nullopt;
  return v;
}

std::string dump_json(const json& v) {
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace zt::controller
