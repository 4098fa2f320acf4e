// zts_util_sign_root_set: a signed planet from a list of roots, for
// zts_init_set_roots (libzt's helper, with libzt's conventions).
#include <cstring>
#include <string>

#include "crypto/c25519.hpp"
#include "io/atomic_file.hpp"
#include "proto/world.hpp"
#include "zts.h"

namespace {

constexpr std::size_t kKeyPairSize = zt::crypto::kC25519PublicSize + zt::crypto::kC25519PrivateSize;

// A key pair as libzt stores it: public then private.
std::optional<zt::crypto::C25519KeyPair> key_pair_file(const char* name) {
  std::optional<zt::Bytes> bytes = zt::io::read_file(name, kKeyPairSize + 1);
  if (!bytes || bytes->size() != kKeyPairSize) return std::nullopt;
  zt::crypto::C25519KeyPair kp;
  std::memcpy(kp.pub.data(), bytes->data(), kp.pub.size());
  std::memcpy(kp.priv.data(), bytes->data() + kp.pub.size(), kp.priv.size());
  return kp;
}

void copy_key_pair(const zt::crypto::C25519KeyPair& kp, char* out, unsigned int* len) {
  std::memcpy(out, kp.pub.data(), kp.pub.size());
  std::memcpy(out + kp.pub.size(), kp.priv.data(), kp.priv.size());
  *len = kKeyPairSize;
}

}  // namespace

extern "C" int zts_util_sign_root_set(char* roots_out, unsigned int* roots_len, char* prev_key,
                                      unsigned int* prev_key_len, char* curr_key,
                                      unsigned int* curr_key_len, uint64_t id, uint64_t ts,
                                      zts_root_set_t* roots_spec) {
  if (roots_out == nullptr || roots_len == nullptr || prev_key == nullptr ||
      prev_key_len == nullptr || curr_key == nullptr || curr_key_len == nullptr ||
      roots_spec == nullptr || id == 0)
    return ZTS_ERR_ARG;
  zt::World world;
  world.type = zt::World::Type::kPlanet;
  world.id = id;
  world.timestamp = ts;
  for (int i = 0; i < ZTS_MAX_NUM_ROOTS && roots_spec->public_id_str[i] != nullptr; ++i) {
    if (roots_spec->public_id_str[i][0] == '\0') continue;
    std::optional<zt::Identity> identity = zt::Identity::from_string(roots_spec->public_id_str[i]);
    if (!identity || world.roots.size() == zt::World::kMaxRoots) return ZTS_ERR_ARG;
    zt::World::Root root{identity->public_only(), {}};
    for (int j = 0; j < ZTS_MAX_ENDPOINTS_PER_ROOT && roots_spec->endpoint_ip_str[i][j] != nullptr;
         ++j) {
      if (roots_spec->endpoint_ip_str[i][j][0] == '\0') continue;
      std::optional<zt::InetAddress> ep =
          zt::InetAddress::from_string(roots_spec->endpoint_ip_str[i][j]);
      if (!ep) return ZTS_ERR_ARG;
      root.stable_endpoints.push_back(*ep);
    }
    world.roots.push_back(std::move(root));
  }
  if (world.roots.empty()) return ZTS_ERR_ARG;
  // As libzt: the signing keys of a previous revision come from
  // previous.c25519 and current.c25519 in the working directory; without
  // them one new key pair is both.
  std::optional<zt::crypto::C25519KeyPair> previous = key_pair_file("previous.c25519");
  std::optional<zt::crypto::C25519KeyPair> current = key_pair_file("current.c25519");
  if (!previous || !current) previous = current = zt::crypto::c25519_generate();
  world.updates_must_be_signed_by = current->pub;
  world.sign(*previous);
  const zt::Bytes bytes = world.to_bytes();
  // libzt's callers give ZTS_STORE_DATA_LEN bytes and no length.
  if (!world.within_limits() || bytes.size() > ZTS_STORE_DATA_LEN) return ZTS_ERR_ARG;
  std::memcpy(roots_out, bytes.data(), bytes.size());
  *roots_len = static_cast<unsigned int>(bytes.size());
  copy_key_pair(*previous, prev_key, prev_key_len);
  copy_key_pair(*current, curr_key, curr_key_len);
  return ZTS_ERR_OK;
}
