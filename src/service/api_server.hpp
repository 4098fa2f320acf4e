#pragma once
// The local HTTP API (controller.md §6) on 127.0.0.1, served by cpp-httplib
// on its own threads. Every request needs the home directory's auth token;
// the handlers only talk to an ApiBackend, never to the Node.
#include <cstdint>
#include <memory>
#include <string>

#include "service/api_backend.hpp"

namespace zt::service {

class ApiServer {
 public:
  // Longest ping wait a request may ask for.
  static constexpr std::int64_t kMaxPingTimeoutMs = 60000;
  static constexpr std::int64_t kDefaultPingTimeoutMs = 5000;

  // Listens on 127.0.0.1:port (0: any free port) and serves from a thread
  // of its own until stop(). nullptr with *error if the port cannot be had.
  static std::unique_ptr<ApiServer> start(std::uint16_t port, std::string auth_token,
                                          ApiBackend& backend, std::string* error = nullptr);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  std::uint16_t port() const;
  // Stops listening and waits for requests in progress; idempotent.
  void stop();

 private:
  struct Impl;
  explicit ApiServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace zt::service
