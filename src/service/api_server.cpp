#include "service/api_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <thread>

#include "crypto/constant_time.hpp"
#include "service/api_documents.hpp"

namespace zt::service {
namespace {

constexpr char kJson[] = "application/json";
// The largest request body taken: a network with upstream's maximum of
// 16384 rules is about 2 MiB of JSON.
constexpr std::size_t kMaxBodyBytes = 8 * 1024 * 1024;
// How long start() waits for the listening thread to be up.
constexpr auto kStartupWait = std::chrono::seconds(5);

bool token_matches(const std::string& given, const std::string& token) {
  return given.size() == token.size() &&
         crypto::constant_time_equal(given.data(), token.data(), token.size());
}

std::string presented_token(const httplib::Request& req) {
  if (req.has_header("X-ZT1-Auth")) return req.get_header_value("X-ZT1-Auth");
  const std::string authorization = req.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.starts_with(kBearer)) return authorization.substr(kBearer.size());
  if (req.has_param("auth")) return req.get_param_value("auth");
  return {};
}

void reply(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, kJson);
}

void reply_error(httplib::Response& res, int status, std::string_view message) {
  reply(res, status, error_document(message));
}

void reply_unavailable(httplib::Response& res) {
  reply_error(res, 503, "the service did not answer in time (busy or stopping)");
}

// Why 127.0.0.1:port cannot be bound, found by trying it ourselves, since
// httplib only says that it failed.
std::string bind_failure(std::uint16_t port) {
  const std::string where = "TCP 127.0.0.1:" + std::to_string(port) + " (the local API)";
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return "cannot open a TCP socket for the local API: " + std::string(strerror(errno));
  const int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int err = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(fd, 1) != 0)
    err = errno;
  ::close(fd);
  if (err == EADDRINUSE)
    return where + " is already in use: is another service running on this port? "
                   "Choose another with --port or --api-port (0 disables the API)";
  if (err == EACCES) return "not allowed to listen on " + where + ": choose a port above 1023";
  if (err != 0) return "cannot listen on " + where + ": " + strerror(err);
  return "cannot listen on " + where;
}

}  // namespace

struct ApiServer::Impl {
  Impl(std::string token, ApiBackend& backend) : token_(std::move(token)), backend_(backend) {}

  void install_routes();
  void get_status(httplib::Response& res);
  void get_peers(httplib::Response& res);
  void get_peer(const std::string& text, httplib::Response& res);
  void post_ping(const httplib::Request& req, const std::string& text, httplib::Response& res);
  void get_networks(httplib::Response& res);
  void get_network(const std::string& text, httplib::Response& res);
  void post_network(const std::string& text, httplib::Response& res);
  void delete_network(const std::string& text, httplib::Response& res);
  void post_frame(const httplib::Request& req, const std::string& text, httplib::Response& res);
  void get_frames(const httplib::Request& req, const std::string& text, httplib::Response& res);
  void forward_to_controller(const httplib::Request& req, httplib::Response& res);

  std::string token_;
  ApiBackend& backend_;
  httplib::Server server_;
  std::thread thread_;
  std::uint16_t port_ = 0;
};

void ApiServer::Impl::install_routes() {
  server_.set_payload_max_length(kMaxBodyBytes);
  // httplib's default adds SO_REUSEPORT, which would let a second service
  // share our port and take half our requests.
  server_.set_socket_options([](socket_t fd) {
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (token_matches(presented_token(req), token_))
      return httplib::Server::HandlerResponse::Unhandled;
    reply_error(res, 401, "missing or wrong auth token: send the contents of authtoken.secret "
                          "in the X-ZT1-Auth header");
    return httplib::Server::HandlerResponse::Handled;
  });
  server_.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) reply_error(res, res.status, "no such endpoint or method");
  });
  server_.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        reply_error(res, 500, "internal error");
      });
  server_.Get("/status", [this](const httplib::Request&, httplib::Response& res) {
    get_status(res);
  });
  server_.Get("/peer", [this](const httplib::Request&, httplib::Response& res) {
    get_peers(res);
  });
  server_.Get(R"(/peer/([^/]*))", [this](const httplib::Request& req, httplib::Response& res) {
    get_peer(req.matches[1], res);
  });
  // The controller API answers for everything under its two roots,
  // including its own 404s.
  auto controller = [this](const httplib::Request& req, httplib::Response& res) {
    forward_to_controller(req, res);
  };
  for (const char* pattern : {R"(/controller(/.*)?)", R"(/unstable/controller/.*)"}) {
    server_.Get(pattern, controller);
    server_.Post(pattern, controller);
    server_.Put(pattern, controller);
    server_.Delete(pattern, controller);
  }
  server_.Get("/network", [this](const httplib::Request&, httplib::Response& res) {
    get_networks(res);
  });
  server_.Get(R"(/network/([^/]*))", [this](const httplib::Request& req, httplib::Response& res) {
    get_network(req.matches[1], res);
  });
  server_.Post(R"(/network/([^/]*))", [this](const httplib::Request& req, httplib::Response& res) {
    post_network(req.matches[1], res);
  });
  server_.Put(R"(/network/([^/]*))", [this](const httplib::Request& req, httplib::Response& res) {
    post_network(req.matches[1], res);
  });
  server_.Delete(R"(/network/([^/]*))",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   delete_network(req.matches[1], res);
                 });
  server_.Post(R"(/ztsdk/network/([^/]*)/frame)",
               [this](const httplib::Request& req, httplib::Response& res) {
                 post_frame(req, req.matches[1], res);
               });
  server_.Get(R"(/ztsdk/network/([^/]*)/frames)",
              [this](const httplib::Request& req, httplib::Response& res) {
                get_frames(req, req.matches[1], res);
              });
  server_.Get("/ztsdk/intercept", [this](const httplib::Request&, httplib::Response& res) {
    const std::optional<ProgramsSideSnapshot> p = backend_.programs_side();
    if (!p) return reply_error(res, 404, "neither the intercept nor SOCKS5 is running");
    reply(res, 200, programs_side_document(*p));
  });
  server_.Post(R"(/ztsdk/ping/([^/]*))",
               [this](const httplib::Request& req, httplib::Response& res) {
                 post_ping(req, req.matches[1], res);
               });
}

void ApiServer::Impl::get_status(httplib::Response& res) {
  const std::optional<StatusSnapshot> status = backend_.status();
  if (!status) return reply_unavailable(res);
  reply(res, 200, status_document(*status));
}

void ApiServer::Impl::get_peers(httplib::Response& res) {
  const std::optional<PeersSnapshot> peers = backend_.peers(std::nullopt);
  if (!peers) return reply_unavailable(res);
  reply(res, 200, peers_document(*peers));
}

void ApiServer::Impl::get_peer(const std::string& text, httplib::Response& res) {
  const std::optional<Address> address = Address::from_string(text);
  if (!address || text.size() != 10)
    return reply_error(res, 400, "'" + text + "' is not a 10-hex-digit ZeroTier address");
  const std::optional<PeersSnapshot> peers = backend_.peers(*address);
  if (!peers) return reply_unavailable(res);
  if (peers->peers.empty()) return reply(res, 404, "{}");
  reply(res, 200, peer_document(peers->peers.front(), peers->local_ports));
}

void ApiServer::Impl::post_ping(const httplib::Request& req, const std::string& text,
                                httplib::Response& res) {
  const std::optional<Address> address = Address::from_string(text);
  if (!address || text.size() != 10 || address->is_reserved())
    return reply_error(res, 400, "'" + text + "' is not a valid ZeroTier address");
  std::int64_t timeout_ms = kDefaultPingTimeoutMs;
  if (req.has_param("timeout_ms")) {
    const std::string value = req.get_param_value("timeout_ms");
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), timeout_ms);
    if (ec != std::errc() || end != value.data() + value.size() || timeout_ms < 1 ||
        timeout_ms > kMaxPingTimeoutMs)
      return reply_error(res, 400, "timeout_ms must be 1 to " + std::to_string(kMaxPingTimeoutMs));
  }
  const PingOutcome outcome = backend_.ping(*address, std::chrono::milliseconds(timeout_ms));
  switch (outcome.kind) {
    case PingOutcome::Kind::kReply:
      return reply(res, 200, ping_document(outcome.reply));
    case PingOutcome::Kind::kTimeout:
      return reply_error(res, 504, "no reply from " + address->to_string() + " within " +
                                       std::to_string(timeout_ms) + " ms");
    case PingOutcome::Kind::kRefused:
      return reply_error(res, 400, outcome.message);
    case PingOutcome::Kind::kUnavailable:
      return reply_unavailable(res);
  }
}

void ApiServer::Impl::forward_to_controller(const httplib::Request& req, httplib::Response& res) {
  const std::optional<ControllerReply> reply =
      backend_.controller_api({req.method, req.path, req.body});
  if (!reply) return reply_unavailable(res);
  res.status = reply->status;
  // Upstream's ?jsonp=<fn> wraps the document in a call.
  if (req.has_param("jsonp"))
    res.set_content(req.get_param_value("jsonp") + "(" + reply->body + ");",
                    "application/javascript");
  else
    res.set_content(reply->body, kJson);
}

namespace {

std::optional<std::uint64_t> network_id_from(const std::string& text) {
  if (text.size() != 16) return std::nullopt;
  std::uint64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id, 16);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return id;
}

void reply_bad_network_id(httplib::Response& res, const std::string& text) {
  reply_error(res, 400, "'" + text + "' is not a 16-hex-digit network id");
}

}  // namespace

void ApiServer::Impl::get_networks(httplib::Response& res) {
  const auto networks = backend_.networks(std::nullopt);
  if (!networks) return reply_unavailable(res);
  reply(res, 200, networks_document(*networks));
}

void ApiServer::Impl::get_network(const std::string& text, httplib::Response& res) {
  const std::optional<std::uint64_t> id = network_id_from(text);
  if (!id) return reply_bad_network_id(res, text);
  const auto networks = backend_.networks(*id);
  if (!networks) return reply_unavailable(res);
  if (networks->empty()) return reply(res, 404, "{}");
  reply(res, 200, network_document(networks->front()));
}

void ApiServer::Impl::post_network(const std::string& text, httplib::Response& res) {
  const std::optional<std::uint64_t> id = network_id_from(text);
  if (!id || *id == 0) return reply_bad_network_id(res, text);
  const std::optional<NetworkView> joined = backend_.join(*id);
  if (!joined) return reply_unavailable(res);
  reply(res, 200, network_document(*joined));
}

void ApiServer::Impl::delete_network(const std::string& text, httplib::Response& res) {
  const std::optional<std::uint64_t> id = network_id_from(text);
  if (!id) return reply_bad_network_id(res, text);
  const std::optional<bool> left = backend_.leave(*id);
  if (!left) return reply_unavailable(res);
  if (!*left) return reply(res, 404, "{}");
  reply(res, 200, R"({"result":true})");
}

void ApiServer::Impl::post_frame(const httplib::Request& req, const std::string& text,
                                 httplib::Response& res) {
  const std::optional<std::uint64_t> id = network_id_from(text);
  if (!id) return reply_bad_network_id(res, text);
  const std::optional<Bytes> frame = frame_from_body(req.body);
  if (!frame) return reply_error(res, 400, R"(the body must be {"frame": "<hex of a whole Ethernet frame>"})");
  const std::optional<bool> sent = backend_.inject_frame(*id, *frame);
  if (!sent) return reply_unavailable(res);
  if (!*sent) return reply_error(res, 404, "not a member of that network, or the frame is too short");
  reply(res, 200, R"({"result":true})");
}

void ApiServer::Impl::get_frames(const httplib::Request& req, const std::string& text,
                                 httplib::Response& res) {
  const std::optional<std::uint64_t> id = network_id_from(text);
  if (!id) return reply_bad_network_id(res, text);
  std::uint64_t since = 0;
  if (req.has_param("since")) {
    const std::string value = req.get_param_value("since");
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), since);
    if (ec != std::errc() || end != value.data() + value.size())
      return reply_error(res, 400, "since must be a frame sequence number");
  }
  const auto frames = backend_.captured_frames(*id, since);
  if (!frames) return reply_unavailable(res);
  reply(res, 200, frames_document(*frames));
}

std::unique_ptr<ApiServer> ApiServer::start(std::uint16_t port, std::string auth_token,
                                            ApiBackend& backend, std::string* error) {
  auto impl = std::make_unique<Impl>(std::move(auth_token), backend);
  impl->install_routes();
  if (port == 0) {
    const int bound = impl->server_.bind_to_any_port("127.0.0.1");
    if (bound <= 0) {
      if (error) *error = bind_failure(0);
      return nullptr;
    }
    impl->port_ = static_cast<std::uint16_t>(bound);
  } else {
    if (!impl->server_.bind_to_port("127.0.0.1", port)) {
      if (error) *error = bind_failure(port);
      return nullptr;
    }
    impl->port_ = port;
  }
  Impl* raw = impl.get();
  impl->thread_ = std::thread([raw] { raw->server_.listen_after_bind(); });
  // stop() is lost on a server that is not running yet, so wait until it is.
  const auto give_up = std::chrono::steady_clock::now() + kStartupWait;
  while (!impl->server_.is_running() && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(impl)));
}

ApiServer::ApiServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ApiServer::~ApiServer() { stop(); }

std::uint16_t ApiServer::port() const { return impl_->port_; }

void ApiServer::stop() {
  if (!impl_->thread_.joinable()) return;
  impl_->server_.stop();
  impl_->thread_.join();
}

}  // namespace zt::service
