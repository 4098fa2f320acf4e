// The zts_ C API for the node: zts_init_*, zts_id_*, zts_node_*, zts_moon_*
// and the ztsdk extensions around them.
#include <cstring>
#include <string>

#include "api/api_state.hpp"
#include "proto/byte_io.hpp"
#include "zts.h"

using zt::api::ApiState;
using zt::api::StartOptions;

namespace {

std::optional<zt::Identity> identity_with_secret(const char* key, unsigned int len) {
  if (key == nullptr || len == 0) return std::nullopt;
  std::string_view text(key, strnlen(key, len));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.remove_suffix(1);
  std::optional<zt::Identity> id = zt::Identity::from_string(text);
  if (!id || !id->has_private() || !id->locally_validate()) return std::nullopt;
  return id;
}

int copy_identity(const zt::Identity& id, char* key, unsigned int* len) {
  if (key == nullptr || len == nullptr || *len < ZTS_ID_STR_BUF_LEN) return ZTS_ERR_ARG;
  const std::string text = id.to_string(true);
  std::memcpy(key, text.c_str(), text.size() + 1);
  *len = static_cast<unsigned int>(text.size());
  return ZTS_ERR_OK;
}

int set_flag(bool StartOptions::*field, unsigned int allowed) {
  return ApiState::get().configure([&](StartOptions& o) {
    o.*field = allowed != 0;
    return ZTS_ERR_OK;
  });
}

int set_cache_flag(bool zt::api::CacheFlags::*field, unsigned int allowed) {
  return ApiState::get().configure([&](StartOptions& o) {
    o.cache.*field = allowed != 0;
    return ZTS_ERR_OK;
  });
}

// Settings libzt has for features ztsdk does not have: accepted before the
// start like the others, and otherwise without effect.
int accept_ignored() {
  return ApiState::get().configure([](StartOptions&) { return ZTS_ERR_OK; });
}

std::chrono::milliseconds wait_time(int timeout_ms) {
  return std::chrono::milliseconds(timeout_ms);
}

}  // namespace

extern "C" {

int zts_init_from_storage(const char* path) {
  if (path == nullptr || *path == '\0') return ZTS_ERR_ARG;
  return ApiState::get().configure([&](StartOptions& o) {
    o.storage_path = std::filesystem::path(path);
    return ZTS_ERR_OK;
  });
}

int zts_init_from_memory(const char* key, unsigned int len) {
  std::optional<zt::Identity> id = identity_with_secret(key, len);
  if (!id) return ZTS_ERR_ARG;
  return ApiState::get().configure([&](StartOptions& o) {
    o.identity = *id;
    return ZTS_ERR_OK;
  });
}

int zts_init_set_event_handler(void (*callback)(void*)) {
  return ApiState::get().set_event_handler(callback);
}

int zts_init_set_port(unsigned short port) {
  return ApiState::get().configure([&](StartOptions& o) {
    o.port = port;
    return ZTS_ERR_OK;
  });
}

int zts_init_set_random_port_range(unsigned short start_port, unsigned short end_port) {
  if (start_port == 0 || end_port < start_port) return ZTS_ERR_ARG;
  return ApiState::get().configure([&](StartOptions& o) {
    o.random_port_first = start_port;
    o.random_port_last = end_port;
    return ZTS_ERR_OK;
  });
}

int zts_init_allow_secondary_port(unsigned int allowed) {
  return set_flag(&StartOptions::secondary_port, allowed);
}

int zts_init_set_roots(const void* roots_data, unsigned int len) {
  if (roots_data == nullptr || len == 0 || len > zt::World::kMaxSerializedSize) return ZTS_ERR_ARG;
  zt::ByteReader r(
      std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(roots_data), len));
  std::optional<zt::World> world = zt::World::deserialize(r);
  if (!world || !r.at_end() || world->type != zt::World::Type::kPlanet) return ZTS_ERR_ARG;
  return ApiState::get().configure([&](StartOptions& o) {
    o.roots = *world;
    return ZTS_ERR_OK;
  });
}

int zts_init_allow_net_cache(unsigned int allowed) {
  return set_cache_flag(&zt::api::CacheFlags::networks, allowed);
}
int zts_init_allow_peer_cache(unsigned int allowed) {
  return set_cache_flag(&zt::api::CacheFlags::peers, allowed);
}
int zts_init_allow_roots_cache(unsigned int allowed) {
  return set_cache_flag(&zt::api::CacheFlags::roots, allowed);
}
int zts_init_allow_id_cache(unsigned int allowed) {
  return set_cache_flag(&zt::api::CacheFlags::identity, allowed);
}

int zts_init_allow_port_mapping(unsigned int) { return accept_ignored(); }
int zts_init_allow_tcp_relay(int) { return accept_ignored(); }
int zts_init_force_tcp_relay(int) { return accept_ignored(); }
int zts_init_set_tcp_relay(const char* tcp_relay_addr, unsigned short) {
  return tcp_relay_addr == nullptr ? ZTS_ERR_ARG : accept_ignored();
}
int zts_init_blacklist_if(const char* prefix, unsigned int len) {
  return prefix == nullptr || len == 0 ? ZTS_ERR_ARG : accept_ignored();
}
int zts_init_set_low_bandwidth_mode(int) { return accept_ignored(); }

int zts_id_new(char* key, unsigned int* key_buf_len) {
  if (key == nullptr || key_buf_len == nullptr || *key_buf_len < ZTS_ID_STR_BUF_LEN)
    return ZTS_ERR_ARG;
  return copy_identity(zt::Identity::generate(), key, key_buf_len);
}

int zts_id_pair_is_valid(const char* key, unsigned int len) {
  return identity_with_secret(key, len) ? 1 : 0;
}

int zts_node_start(void) { return ApiState::get().start(); }
int zts_node_stop(void) { return ApiState::get().stop(); }
int zts_node_free(void) { return ApiState::get().free_all(); }

int zts_node_is_online(void) {
  auto s = ApiState::get().session();
  if (!s) return 0;
  const std::optional<bool> online = s->call([&] { return s->online(); });
  return online.value_or(false) ? 1 : 0;
}

uint64_t zts_node_get_id(void) {
  auto s = ApiState::get().session();
  return s ? s->identity().address().value() : 0;
}

int zts_node_get_port(void) {
  auto s = ApiState::get().session();
  return s ? static_cast<int>(s->primary_port()) : static_cast<int>(ZTS_ERR_SERVICE);
}

int zts_node_get_id_pair(char* key, unsigned int* key_dst_len) {
  if (key == nullptr || key_dst_len == nullptr) return ZTS_ERR_ARG;
  auto s = ApiState::get().session();
  if (!s) return ZTS_ERR_SERVICE;
  return copy_identity(s->identity(), key, key_dst_len);
}

// Upstream fetches a moon from its seed node and can drop one while
// running; the engine here can do neither, so say so rather than pretend.
int zts_moon_orbit(uint64_t moon_roots_id, uint64_t moon_seed) {
  if (moon_roots_id == 0 || moon_seed == 0) return ZTS_ERR_ARG;
  return ApiState::get().session() ? ZTS_ERR_GENERAL : ZTS_ERR_SERVICE;
}

int zts_moon_deorbit(uint64_t moon_roots_id) {
  if (moon_roots_id == 0) return ZTS_ERR_ARG;
  return ApiState::get().session() ? ZTS_ERR_GENERAL : ZTS_ERR_SERVICE;
}

int zts_node_wait_online(int timeout_ms) {
  auto s = ApiState::get().session();
  if (!s) return ZTS_ERR_SERVICE;
  switch (s->wait_online(wait_time(timeout_ms))) {
    case zt::api::NodeSession::Wait::kDone:
      return ZTS_ERR_OK;
    case zt::api::NodeSession::Wait::kTimeout:
      return ZTS_ERR_NO_RESULT;
    case zt::api::NodeSession::Wait::kStopped:
      return ZTS_ERR_SERVICE;
  }
  return ZTS_ERR_GENERAL;
}

int zts_net_wait_ready(uint64_t net_id, int family, int timeout_ms) {
  if (net_id == 0 || (family != ZTS_AF_UNSPEC && family != ZTS_AF_INET && family != ZTS_AF_INET6))
    return ZTS_ERR_ARG;
  auto s = ApiState::get().session();
  if (!s) return ZTS_ERR_SERVICE;
  switch (s->wait_ready(net_id, family, wait_time(timeout_ms))) {
    case zt::api::NodeSession::Wait::kDone:
      return ZTS_ERR_OK;
    case zt::api::NodeSession::Wait::kTimeout:
      return ZTS_ERR_NO_RESULT;
    case zt::api::NodeSession::Wait::kStopped:
      return ZTS_ERR_SERVICE;
  }
  return ZTS_ERR_GENERAL;
}

uint64_t zts_util_get_dropped_events(void) { return ApiState::get().events().dropped(); }

}  // extern "C"
