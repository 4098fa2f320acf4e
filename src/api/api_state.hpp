#pragma once
// The process's one zts_ node as the C API sees it: the zts_init_*
// settings, the event dispatcher, and the current NodeSession with its
// thread. Everything here may be called from any application thread (and
// from the event handler).
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "api/event_dispatcher.hpp"
#include "api/node_session.hpp"

namespace zt::api {

class ApiState {
 public:
  // How long a call made while the node starts waits for it: generating a
  // new identity is the slow part.
  static constexpr std::chrono::seconds kStartWait{30};

  // Never destroyed: the node's threads may outlive main().
  static ApiState& get();

  // Applies fn to the settings if no node runs; ZTS_ERR_SERVICE otherwise.
  // fn returns a ZTS_ERR_* code.
  int configure(const std::function<int(StartOptions&)>& fn);
  int set_event_handler(EventDispatcher::Handler handler);
  int start();
  int stop();
  int free_all();

  // The running node (waiting while it starts), or nullptr.
  std::shared_ptr<NodeSession> session();
  EventDispatcher& events() { return events_; }

 private:
  ApiState() = default;
  // Moves the session and its thread out for stopping (mutex held).
  std::pair<std::shared_ptr<NodeSession>, std::thread> take_session();
  static void end_session(std::shared_ptr<NodeSession> session, std::thread thread);

  std::mutex mutex_;
  StartOptions options_;
  EventDispatcher events_;
  std::shared_ptr<NodeSession> session_;
  std::thread thread_;
  bool stopping_ = false;  // stop() or free_all() at work without the mutex
};

}  // namespace zt::api
