#include "api/event_dispatcher.hpp"

#include <algorithm>

#include "zts.h"

namespace zt::api {
namespace {

// What an application waits for before it can use a network: dropped last.
bool is_readiness(int code) {
  switch (code) {
    case ZTS_EVENT_NODE_UP:
    case ZTS_EVENT_NODE_ONLINE:
    case ZTS_EVENT_NETWORK_OK:
    case ZTS_EVENT_NETWORK_READY_IP4:
    case ZTS_EVENT_NETWORK_READY_IP6:
    case ZTS_EVENT_NETWORK_READY_IP4_IP6:
    case ZTS_EVENT_ADDR_ADDED_IP4:
    case ZTS_EVENT_ADDR_ADDED_IP6:
      return true;
    default:
      return false;
  }
}

}  // namespace

EventDispatcher::~EventDispatcher() {
  shutdown();
  // A thread detached by a shutdown() from inside the handler may still be
  // finishing; it must be done with our members first.
  std::unique_lock lock(mutex_);
  ended_.wait(lock, [this] { return running_ == 0; });
}

void EventDispatcher::set_handler(Handler handler, std::vector<ApiEvent> first) {
  std::lock_guard lock(mutex_);
  handler_ = handler;
  queue_.clear();
  if (handler_ == nullptr) return;
  for (ApiEvent& e : first) {
    if (queue_.size() >= kCapacity && !drop_one()) break;
    queue_.push_back(std::move(e));
  }
  if (!thread_.joinable()) {
    drain_ = false;  // a thread left over from shutdown() inside the handler stops
    thread_ = std::thread([this, epoch = epoch_] { run(epoch); });
    ++running_;
  }
  wake_.notify_one();
}

bool EventDispatcher::has_handler() const {
  std::lock_guard lock(mutex_);
  return handler_ != nullptr;
}

void EventDispatcher::push(ApiEvent event) {
  std::lock_guard lock(mutex_);
  if (handler_ == nullptr || !thread_.joinable()) return;
  if (queue_.size() >= kCapacity) drop_one();
  queue_.push_back(std::move(event));
  wake_.notify_one();
}

bool EventDispatcher::drop_one() {
  if (queue_.empty()) return false;
  auto victim = std::find_if(queue_.begin(), queue_.end(),
                             [](const ApiEvent& e) { return !is_readiness(e.code); });
  queue_.erase(victim != queue_.end() ? victim : queue_.begin());
  ++dropped_;
  return true;
}

std::uint64_t EventDispatcher::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void EventDispatcher::run(std::uint64_t epoch) {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return epoch_ != epoch || !queue_.empty(); });
    if (epoch_ != epoch && (queue_.empty() || !drain_)) break;
    if (queue_.empty() || handler_ == nullptr) {
      queue_.clear();
      continue;
    }
    ApiEvent event = std::move(queue_.front());
    queue_.pop_front();
    const Handler handler = handler_;
    lock.unlock();
    deliver_event(event, handler);
    lock.lock();
  }
  if (!thread_.joinable()) handler_ = nullptr;  // no newer thread took over
  --running_;
  ended_.notify_all();
}

void EventDispatcher::shutdown() {
  std::thread thread;
  {
    std::lock_guard lock(mutex_);
    ++epoch_;
    drain_ = true;
    thread = std::move(thread_);
    wake_.notify_all();
  }
  if (thread.joinable() && thread.get_id() == std::this_thread::get_id()) {
    thread.detach();  // called from the handler: the thread drains and ends once it returns
    return;
  }
  if (thread.joinable()) thread.join();
  std::lock_guard lock(mutex_);
  queue_.clear();
  handler_ = nullptr;
  drain_ = false;
}

}  // namespace zt::api
