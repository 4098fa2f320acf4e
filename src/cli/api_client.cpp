#include "cli/api_client.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <charconv>

#include "cli/command_support.hpp"
#include "io/atomic_file.hpp"

namespace zt::cli {
namespace {

constexpr std::size_t kMaxSmallFile = 4096;
constexpr time_t kConnectTimeoutSeconds = 2;
// Plain requests are answered at once; this only bounds a wedged service.
constexpr std::chrono::milliseconds kRequestTimeout{5000};

std::string join(const std::string& dir, const char* name) {
  return dir.empty() || dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string read_trimmed(const std::string& path, std::string& error) {
  std::optional<Bytes> data = io::read_file(path, kMaxSmallFile, &error);
  if (!data) return {};
  return std::string(trim(std::string_view(reinterpret_cast<const char*>(data->data()), data->size())));
}

}  // namespace

std::string ApiResponse::error() const {
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_object() && doc.contains("error") && doc["error"].is_string())
    return doc["error"].get<std::string>();
  return body;
}

ApiClient ApiClient::for_home(const std::string& home, std::uint16_t port_override) {
  std::string error;
  const std::string token_path = join(home, "authtoken.secret");
  const std::string token = read_trimmed(token_path, error);
  if (token.empty())
    fail(error.empty() ? "'" + token_path + "' is empty"
                       : error + " (has `ztsdk service --home " + home + "` been started?)");
  std::uint16_t port = kDefaultPort;
  if (port_override != 0) {
    port = port_override;
  } else {
    error.clear();
    const std::string port_path = join(home, "zerotier-one.port");
    const std::string text = read_trimmed(port_path, error);
    if (!text.empty()) {
      unsigned value = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535)
        fail("'" + port_path + "' does not hold a port number");
      port = static_cast<std::uint16_t>(value);
    }
  }
  return ApiClient(home, token, port);
}

ApiResponse ApiClient::get(const std::string& path) const {
  return request(Method::kGet, path, kRequestTimeout);
}

ApiResponse ApiClient::del(const std::string& path) const {
  return request(Method::kDelete, path, kRequestTimeout);
}

ApiResponse ApiClient::post_json(const std::string& path, const std::string& body) const {
  return request(Method::kPost, path, kRequestTimeout, body);
}

ApiResponse ApiClient::post(const std::string& path, std::chrono::milliseconds wait) const {
  return request(Method::kPost, path, wait + kRequestTimeout);
}

ApiResponse ApiClient::request(Method method, const std::string& path,
                               std::chrono::milliseconds wait, const std::string& body) const {
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(kConnectTimeoutSeconds, 0);
  client.set_read_timeout(wait);
  const httplib::Headers headers = {{"X-ZT1-Auth", token_}};
  httplib::Result res = method == Method::kPost
                            ? client.Post(path, headers, body, "application/json")
                        : method == Method::kDelete ? client.Delete(path, headers)
                                                    : client.Get(path, headers);
  const std::string where = "127.0.0.1:" + std::to_string(port_);
  if (!res) {
    if (res.error() == httplib::Error::Read)
      fail("the ztsdk service on " + where + " did not answer in time");
    fail("no ztsdk service answering on " + where + " \u2014 is it running?");
  }
  if (res->status == 401)
    fail("the service on " + where + " refused the token in " + join(home_, "authtoken.secret") +
         " (is that port another node's service?)");
  if (res->status == 503) fail("the service on " + where + ": " + ApiResponse{503, res->body}.error());
  return {res->status, res->body};
}

}  // namespace zt::cli
