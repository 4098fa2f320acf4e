#pragma once
// The controller's HTTP API (controller.md §4) as a function of method,
// path and body, with upstream's routes, status codes and documents; the
// service's HTTP server hands requests to it on the loop thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "controller/controller.hpp"

namespace zt::controller {

inline constexpr int kControllerApiVersion = 4;

struct HttpReply {
  int status = 200;
  std::string body = "{}";  // JSON; upstream sends {} when it has nothing
};

// `path` without the query string. An empty body reads as {}; a body that
// is not JSON is a 400 (upstream answers 500).
HttpReply handle_controller_http(Controller& controller, std::string_view method,
                                 std::string_view path, std::string_view body, std::int64_t now);

}  // namespace zt::controller
