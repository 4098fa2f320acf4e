#pragma once
// Shared checks for the verb codec tests: vector payloads, truncation, and
// garbage inputs.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string>

#include "proto/byte_io.hpp"
#include "proto/hex.hpp"
#include "vectors.hpp"

namespace zt::test {

inline constexpr std::size_t kPayloadOffset = 28;

// The vl1.json packets[] entry with this name.
inline const nlohmann::json& vl1_packet(const std::string& name) {
  for (const auto& p : vl1()["packets"])
    if (p["name"] == name) return p;
  ADD_FAILURE() << "no vl1 packet named " << name;
  static const nlohmann::json empty = nlohmann::json::object();
  return empty;
}

// The verb payload (from packet byte 28) of a packets[] entry's plaintext.
inline Bytes vl1_payload(const std::string& name, const char* field = "plaintext_hex") {
  Bytes packet = hex(vl1_packet(name).value(field, ""));
  if (packet.size() < kPayloadOffset) {
    ADD_FAILURE() << name << ": packet shorter than its header";
    return {};
  }
  return Bytes(packet.begin() + kPayloadOffset, packet.end());
}

// What a writer produces for `value`.
template <class T, class Write>
Bytes written(Write write, const T& value) {
  Bytes out;
  ByteWriter w(out);
  write(w, value);
  return out;
}

// Every prefix of `full` shorter than `full` is rejected.
template <class Parse>
void expect_every_truncation_fails(Parse parse, std::span<const std::uint8_t> full) {
  for (std::size_t n = 0; n < full.size(); ++n)
    EXPECT_FALSE(parse(full.first(n)).has_value()) << "accepted a prefix of " << n << " bytes";
}

// Whatever a parser accepts must survive a write/parse/write round trip
// unchanged.
template <class Parse, class Write>
bool expect_stable_round_trip(Parse parse, Write write, std::span<const std::uint8_t> input) {
  auto first = parse(input);
  if (!first) return false;
  const Bytes once = written(write, *first);
  auto second = parse(std::span<const std::uint8_t>(once));
  EXPECT_TRUE(second.has_value()) << "own output rejected, input " << to_hex(input);
  if (second) {
    EXPECT_EQ(to_hex(written(write, *second)), to_hex(once)) << "input " << to_hex(input);
  }
  return true;
}

// Random buffers must never crash the parser (the sanitizer build checks
// memory) and what it accepts must round-trip. Returns how many parsed.
template <class Parse, class Write>
std::size_t run_garbage(Parse parse, Write write, std::size_t max_size = 200) {
  std::mt19937 rng(12345);
  std::size_t accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    Bytes buf(rng() % (max_size + 1));
    for (auto& b : buf) b = static_cast<std::uint8_t>(rng());
    if (expect_stable_round_trip(parse, write, buf)) ++accepted;
  }
  return accepted;
}

// The same, for valid `seed` with a byte flipped and the tail cut at random.
template <class Parse, class Write>
std::size_t run_mutations(Parse parse, Write write, std::span<const std::uint8_t> seed) {
  std::mt19937 rng(54321);
  std::size_t accepted = 0;
  for (int round = 0; round < 3000 && !seed.empty(); ++round) {
    Bytes m(seed.begin(), seed.end());
    m[rng() % m.size()] ^= static_cast<std::uint8_t>(1 + rng() % 255);
    if (round % 2) m.resize(rng() % (m.size() + 1));
    if (expect_stable_round_trip(parse, write, m)) ++accepted;
  }
  return accepted;
}

}  // namespace zt::test
