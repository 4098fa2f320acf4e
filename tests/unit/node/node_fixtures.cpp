#include "node_fixtures.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "vectors.hpp"

namespace zt::test {
namespace {

World world_from_hex(const std::string& text) {
  const Bytes bytes = hex(text);
  ByteReader r(bytes);
  std::optional<World> w = World::deserialize(r);
  EXPECT_TRUE(w.has_value());
  return w.value_or(World());
}

}  // namespace

const Identity& vector_identity(const std::string& label) {
  static std::map<std::string, Identity> cache;
  if (auto it = cache.find(label); it != cache.end()) return it->second;
  for (const auto& v : vl1()["identities"]) {
    const std::string l = v["label"].get<std::string>();
    if (l.rfind(label, 0) == 0 && (l.size() == label.size() || l[label.size()] == ' ')) {
      std::optional<Identity> id = Identity::from_string(v["secret_string"].get<std::string>());
      EXPECT_TRUE(id.has_value());
      return cache[label] = id.value_or(Identity());
    }
  }
  ADD_FAILURE() << "no vector identity " << label;
  return cache[label];
}

const World& vector_planet() {
  static const World w = world_from_hex(vl1()["world_planet"]["serialized_hex"]);
  return w;
}

const World& vector_planet_update() {
  static const World w = world_from_hex(vl1()["world_planet"]["update_ts_plus_1_serialized_hex"]);
  return w;
}

FakeHost::FakeHost(FakeNet& net, const InetAddress& address, std::uint64_t seed)
    : address(address), net_(net), rng_(seed) {}

bool FakeHost::send_datagram(LocalSocket, const InetAddress& to, std::span<const std::uint8_t> data,
                             unsigned ttl) {
  net_.in_flight.push_back({address, to, Bytes(data.begin(), data.end()), ttl});
  return true;
}

std::optional<std::vector<std::uint8_t>> FakeHost::load(std::string_view name) {
  auto it = stored.find(std::string(name));
  if (it == stored.end()) return std::nullopt;
  return it->second;
}

// splitmix64: deterministic runs, different per host.
void FakeHost::random_bytes(void* out, std::size_t len) {
  auto* p = static_cast<std::uint8_t*>(out);
  for (std::size_t i = 0; i < len; i += 8) {
    std::uint64_t z = (rng_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    for (std::size_t j = 0; j < 8 && i + j < len; ++j)
      p[i + j] = static_cast<std::uint8_t>(z >> (8 * j));
  }
}

std::size_t FakeHost::count(NodeEventType type) const {
  std::size_t n = 0;
  for (const NodeEvent& e : events) n += e.type == type;
  return n;
}

const NodeEvent* FakeHost::last(NodeEventType type) const {
  for (auto it = events.rbegin(); it != events.rend(); ++it)
    if (it->type == type) return &*it;
  return nullptr;
}

Node& FakeNet::add(const Identity& identity, const World& planet, const std::string& address,
                   NodeOptions options) {
  Member m;
  m.host = std::make_unique<FakeHost>(*this, *InetAddress::from_string(address),
                                      identity.address().value());
  m.node = std::make_unique<Node>(identity, planet, *m.host, options, now);
  members_.push_back(std::move(m));
  return *members_.back().node;
}

FakeHost& FakeNet::host(const Node& node) {
  for (Member& m : members_)
    if (m.node.get() == &node) return *m.host;
  ADD_FAILURE() << "node not in this FakeNet";
  return *members_.front().host;
}

void FakeNet::tick() {
  for (Member& m : members_) m.node->on_timer(now);
  deliver();
}

std::size_t FakeNet::deliver() {
  std::size_t n = 0;
  while (!in_flight.empty() && n < 100000) {
    Datagram d = std::move(in_flight.front());
    in_flight.pop_front();
    if (filter && !filter(d)) continue;
    for (Member& m : members_) {
      if (m.host->address != d.to) continue;
      delivered.push_back(d);
      m.node->on_datagram(now, 0, d.from, d.data);
      ++n;
    }
  }
  return n;
}

}  // namespace zt::test
