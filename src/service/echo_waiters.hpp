#pragma once
// Pings the local API is waiting for: an HTTP thread registers the id that
// Node::echo returned and waits on a future, the loop thread completes it
// when the kEchoReply event arrives. Waiting never happens on the loop thread.
#include <cstdint>
#include <future>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "proto/address.hpp"
#include "proto/inet_address.hpp"

namespace zt::service {

struct EchoReply {
  double rtt_ms = 0;  // measured by the service, finer than the event's whole ms
  bool via_relay = false;
  InetAddress endpoint;  // where the reply physically came from
  Address relay;         // the root that relayed it, when known
};

class EchoWaiters {
 public:
  // Empty optional from the future: cancelled (the service is stopping).
  using Result = std::optional<EchoReply>;

  // Registers echo `id`, sent at started_ns (monotonic), and returns what
  // the waiter waits on. An id already waited for (a 2^-64 chance) gets an
  // empty result at once.
  std::future<Result> add(std::uint64_t id, std::int64_t started_ns);
  // When echo `id` was sent, if someone is still waiting for it.
  std::optional<std::int64_t> started_ns(std::uint64_t id) const;
  // Hands the reply to the waiter; false if nobody waits for this id (late
  // or unsolicited replies are ignored).
  bool complete(std::uint64_t id, const EchoReply& reply);
  // The waiter gave up (timeout).
  void cancel(std::uint64_t id);
  // Wakes every waiter with an empty result.
  void cancel_all();
  std::size_t size() const;

 private:
  struct Waiter {
    std::int64_t started_ns;
    std::promise<Result> promise;
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, Waiter> waiters_;
};

}  // namespace zt::service
