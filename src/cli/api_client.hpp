#pragma once
// The CLI's side of the local HTTP API: finds the service of a home
// directory (its auth token and port file) and makes one request at a time.
// Failures a user can fix (service not running, wrong token) become one
// clear CommandError.
#include <chrono>
#include <cstdint>
#include <string>

namespace zt::cli {

struct ApiResponse {
  int status = 0;
  std::string body;

  // The "error" the service put in the body, else the body itself.
  std::string error() const;
};

class ApiClient {
 public:
  static constexpr std::uint16_t kDefaultPort = 9993;

  // Reads HOME/authtoken.secret and, unless port_override is non-zero,
  // HOME/zerotier-one.port (9993 when there is none).
  static ApiClient for_home(const std::string& home, std::uint16_t port_override);

  // Any status the service answered with comes back; 401 and 503 fail.
  ApiResponse get(const std::string& path) const;
  ApiResponse post(const std::string& path, std::chrono::milliseconds wait) const;
  ApiResponse del(const std::string& path) const;
  // POST with a JSON body.
  ApiResponse post_json(const std::string& path, const std::string& body) const;

  std::uint16_t port() const { return port_; }

 private:
  ApiClient(std::string home, std::string token, std::uint16_t port)
      : home_(std::move(home)), token_(std::move(token)), port_(port) {}
  enum class Method { kGet, kPost, kDelete };
  ApiResponse request(Method method, const std::string& path, std::chrono::milliseconds wait,
                      const std::string& body = std::string()) const;

  std::string home_;
  std::string token_;
  std::uint16_t port_;
};

}  // namespace zt::cli
