// peers.d: the identities of peers we talk to, kept through the host so a
// restarted node (a root above all) recognizes them at once instead of
// dropping their packets until they send a HELLO again. Only validated
// identities are stored; a stored one is trusted as the local disk is.
// Peers forgotten for idleness are removed, so the folder holds the active ones.
#include <string>

#include "node/node_engine.hpp"

namespace zt {
namespace {

std::string peer_file(Address address) { return "peers.d/" + address.to_string(); }

}  // namespace

void NodeEngine::remember_identity(const Identity& identity) {
  const std::string text = identity.to_string(false);
  host_.store(peer_file(identity.address()),
              {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

Peer* NodeEngine::recall_peer(std::int64_t now, Address address) {
  if (address.is_reserved() || address == me_.address() || !recall_budget_.take(now))
    return nullptr;
  const std::optional<Bytes> bytes = host_.load(peer_file(address));
  if (!bytes || bytes->size() > Identity::kSecretStringSize) return nullptr;
  std::string text(bytes->begin(), bytes->end());
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  const std::optional<Identity> identity = Identity::from_string(text);
  if (!identity || identity->address() != address) return nullptr;
  return topology_.add(identity->public_only(), now);
}

void NodeEngine::forget_identity(Address address) { host_.remove(peer_file(address)); }

}  // namespace zt
