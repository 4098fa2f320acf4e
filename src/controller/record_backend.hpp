#pragma once
// Where the controller's records persist. The Store (store.hpp) keeps every
// record in memory and decides what changed and which revision it gets; a
// RecordBackend only reads everything once at start and then mirrors each
// change the Store makes. Implementations: FileBackend (controller.d/, the
// embedded default, upstream's FileDB layout) and MemoryBackend (simulator
// and tests).
//
// The seam for a database backend (upstream also has PostgreSQL): load_all
// becomes SELECTs of the network and member tables, the writes become
// upserts and the removes DELETEs, one record per call, as upstream's
// PostgreSQL backend commits them. Two things this interface does not yet
// carry and such a backend would add: calls are synchronous on the node's
// loop thread, so a networked database should queue writes to a worker of
// its own and answer at once (the Store already serves from memory); and
// records changed by another controller sharing the database would need a
// way into the Store (upstream's change listeners), which today only reads
// at start.
#include <cstdint>
#include <functional>
#include <map>
#include <string_view>

#include "controller/json_fields.hpp"
#include "proto/address.hpp"

namespace zt::controller {

using LogFn = std::function<void(std::string_view)>;

// One network record and its members' records, by address.
struct StoredNetwork {
  json record;
  std::map<Address, json> members;
};
using StoredRecords = std::map<std::uint64_t, StoredNetwork>;

class RecordBackend {
 public:
  virtual ~RecordBackend() = default;

  // Everything held, read once when a Store opens. What the backend cannot
  // read or make sense of is left out (and reported through its own log).
  virtual StoredRecords load_all() = 0;

  // Each returns false when the change could not be made durable; what was
  // held before stays as it was. The Store serves from memory either way,
  // as upstream does, so a failure costs the change at the next restart.
  virtual bool write_network(std::uint64_t nwid, const json& record) = 0;
  virtual bool write_member(std::uint64_t nwid, Address id, const json& record) = 0;
  // The network's record and every member's.
  virtual bool remove_network(std::uint64_t nwid) = 0;
  virtual bool remove_member(std::uint64_t nwid, Address id) = 0;
};

}  // namespace zt::controller
