#pragma once
// The vl2 vector identities (with secrets) and constants the credential
// tests share.
#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "proto/identity.hpp"
#include "vectors.hpp"

namespace zt::test {

inline constexpr std::uint64_t kVectorNwid = 0xe08309ce1e000001ULL;
inline constexpr std::int64_t kVectorTs = 1700000000000LL;

// "controller", "memberA" or "memberB", with its private key.
inline Identity vl2_identity(const std::string& name) {
  auto id = Identity::from_string(vl2()["identities"][name]["secret"].get<std::string>());
  EXPECT_TRUE(id && id->has_private()) << name;
  return id ? *id : Identity();
}

inline const nlohmann::json& credential_vectors() { return vl2()["credentials"]; }

}  // namespace zt::test
