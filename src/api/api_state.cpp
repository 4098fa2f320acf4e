#include "api/api_state.hpp"

#include "zts.h"

namespace zt::api {

ApiState& ApiState::get() {
  static ApiState* state = new ApiState();
  return *state;
}

int ApiState::configure(const std::function<int(StartOptions&)>& fn) {
  std::lock_guard lock(mutex_);
  if (stopping_ || (session_ && !session_->finished())) return ZTS_ERR_SERVICE;
  return fn(options_);
}

int ApiState::set_event_handler(EventDispatcher::Handler handler) {
  if (handler == nullptr) return ZTS_ERR_ARG;
  std::shared_ptr<NodeSession> s = session();
  // A running node replays its state to the new handler, on the loop
  // thread so that no live event slips between the replay and the switch.
  if (s && s->call([&] { events_.set_handler(handler, s->current_state()); })) return ZTS_ERR_OK;
  events_.set_handler(handler);
  return ZTS_ERR_OK;
}

int ApiState::start() {
  std::lock_guard lock(mutex_);
  if (stopping_ || (session_ && !session_->finished())) return ZTS_ERR_SERVICE;
  if (thread_.joinable()) thread_.join();  // a session that ended by itself
  session_ = std::make_shared<NodeSession>(options_, events_);
  try {
    thread_ = std::thread([s = session_] { s->run(); });
  } catch (const std::system_error&) {
    session_.reset();
    return ZTS_ERR_GENERAL;
  }
  return ZTS_ERR_OK;
}

std::pair<std::shared_ptr<NodeSession>, std::thread> ApiState::take_session() {
  stopping_ = true;
  return {std::move(session_), std::move(thread_)};
}

void ApiState::end_session(std::shared_ptr<NodeSession> session, std::thread thread) {
  if (session) session->stop();
  if (thread.joinable()) thread.join();
}

int ApiState::stop() {
  std::unique_lock lock(mutex_);
  if (stopping_ || !session_) return ZTS_ERR_SERVICE;
  auto [session, thread] = take_session();
  // Without the mutex: the event handler may call us while we wait.
  lock.unlock();
  end_session(std::move(session), std::move(thread));
  lock.lock();
  stopping_ = false;
  return ZTS_ERR_OK;
}

int ApiState::free_all() {
  std::unique_lock lock(mutex_);
  if (stopping_) return ZTS_ERR_SERVICE;
  auto [session, thread] = take_session();
  lock.unlock();
  end_session(std::move(session), std::move(thread));
  events_.shutdown();  // delivers NODE_DOWN and what else is queued
  lock.lock();
  options_ = StartOptions{};
  stopping_ = false;
  return ZTS_ERR_OK;
}

std::shared_ptr<NodeSession> ApiState::session() {
  std::shared_ptr<NodeSession> s;
  {
    std::lock_guard lock(mutex_);
    s = session_;
  }
  if (!s || !s->wait_running(kStartWait)) return nullptr;
  return s;
}

}  // namespace zt::api
