#pragma once
// Access to the golden vectors produced by upstream ZeroTierOne.
#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

#include "proto/hex.hpp"

namespace zt::test {

// ../shared/protocol/<relative>, as a path string.
std::string protocol_path(const std::string& relative);

// The parsed vl1.json / vl2.json (loaded once, aborts the test if missing).
const nlohmann::json& vl1();
const nlohmann::json& vl2();

// Hex text to bytes; fails the current test on malformed hex.
Bytes hex(const std::string& text);

std::vector<std::uint8_t> read_file(const std::string& path);

}  // namespace zt::test
