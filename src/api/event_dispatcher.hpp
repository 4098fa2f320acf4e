#pragma once
// Delivers zts_ events to the application's handler from one thread of
// ours, so a slow or blocking handler never holds up the node. The queue
// is bounded: when the handler falls behind, the oldest events are dropped
// (and counted), readiness events (node up/online, network OK/ready,
// address added) only when nothing else is left to drop. With no handler
// set nothing is queued at all.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "api/api_event.hpp"

namespace zt::api {

class EventDispatcher {
 public:
  using Handler = void (*)(void*);
  static constexpr std::size_t kCapacity = 256;

  EventDispatcher() = default;
  ~EventDispatcher();
  EventDispatcher(const EventDispatcher&) = delete;
  EventDispatcher& operator=(const EventDispatcher&) = delete;

  // Sets (or with nullptr clears) the handler and replaces whatever is
  // queued with `first`: a new handler starts from a replay of the current
  // state, so it neither misses nor repeats what came before. Starts the
  // delivery thread on first use.
  void set_handler(Handler handler, std::vector<ApiEvent> first = {});
  bool has_handler() const;

  // Any thread; never blocks on the handler.
  void push(ApiEvent event);

  // Delivers what is queued, then ends the delivery thread and clears the
  // handler. From inside the handler itself it cannot wait for the thread:
  // the thread then ends after the handler returns.
  void shutdown();

  std::uint64_t dropped() const;

 private:
  void run(std::uint64_t epoch);
  bool drop_one();  // mutex held

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<ApiEvent> queue_;
  Handler handler_ = nullptr;
  // Each delivery thread serves one epoch; shutdown() starts the next. A
  // thread of an ended epoch still empties the queue while drain_ is set.
  std::uint64_t epoch_ = 0;
  bool drain_ = false;
  std::uint64_t dropped_ = 0;
  std::thread thread_;
  int running_ = 0;  // delivery threads alive, a detached one included
  std::condition_variable ended_;
};

// Turns an event into libzt's message and calls the handler with it
// (event_message.cpp). The message lives until the handler returns.
void deliver_event(const ApiEvent& event, EventDispatcher::Handler handler);

}  // namespace zt::api
