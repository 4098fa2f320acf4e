// `ztsdk service`: runs a node in the foreground until SIGINT/SIGTERM, and
// registers the commands that talk to a running one.
#include <CLI/CLI.hpp>

#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/api_commands.hpp"
#include "cli/command_support.hpp"
#include "cli/commands.hpp"
#include "service/service.hpp"

namespace zt::cli {
namespace {

struct ServiceArgs {
  std::string home;
  int port = 9993;
  int secondary_port = -1;
  int api_port = -1;
  std::string planet;
  std::vector<std::string> moons;
  bool allow_loopback = true;
  bool no_ipv6 = false;
  std::string stack = "lwip";
  bool intercept = true;
  int socks_port = 1080;
  std::string socks_address = "127.0.0.1";
  bool socks_allow_remote = false;
  bool socks_pass_through = false;
  std::string socks_user;
  std::string socks_password;
  std::string socks_password_file;
  int socks_connect_timeout = 20;
};

// The SOCKS5 credentials: --socks-user with --socks-password, or a file
// holding "user:password" on its first line (kept out of the process list).
std::optional<service::socks5::Credentials> socks_credentials(const ServiceArgs& a) {
  if (a.socks_user.empty() && a.socks_password.empty() && a.socks_password_file.empty())
    return std::nullopt;
  service::socks5::Credentials c{a.socks_user, a.socks_password};
  if (!a.socks_password_file.empty()) {
    std::ifstream in(a.socks_password_file);
    std::string line;
    if (!in || !std::getline(in, line))
      fail("cannot read --socks-password-file " + a.socks_password_file);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) {
      if (c.user.empty()) fail("--socks-password-file must hold user:password (or give --socks-user)");
      c.password = line;
    } else {
      c.user = line.substr(0, colon);
      c.password = line.substr(colon + 1);
    }
  }
  if (c.user.empty() || c.user.size() > 255 || c.password.size() > 255)
    fail("SOCKS5 credentials need a user name (1-255 bytes) and a password of at most 255 bytes");
  return c;
}

void run_service(const ServiceArgs& a) {
  service::ServiceOptions options;
  options.home = a.home;
  options.port = static_cast<std::uint16_t>(a.port);
  if (a.secondary_port >= 0) options.secondary_port = static_cast<std::uint16_t>(a.secondary_port);
  if (a.api_port >= 0) options.api_port = static_cast<std::uint16_t>(a.api_port);
  if (!a.planet.empty()) options.planet_file = a.planet;
  for (const std::string& m : a.moons) options.moon_files.emplace_back(m);
  options.allow_loopback_paths = a.allow_loopback;
  options.ipv6 = !a.no_ipv6;
  options.stack = a.stack;
  options.intercept = a.intercept;
  options.socks.port = static_cast<std::uint16_t>(a.socks_port);
  options.socks.address = a.socks_address;
  options.socks.allow_remote = a.socks_allow_remote;
  options.socks.pass_through = a.socks_pass_through;
  options.socks.credentials = socks_credentials(a);
  options.socks.connect_timeout_ms = static_cast<std::int64_t>(a.socks_connect_timeout) * 1000;

  std::string error;
  std::unique_ptr<service::Service> service = service::Service::open(options, &error);
  if (!service) fail(error);
  if (!service->run())
    fail("stopped: a root reports that another node holds this identity's address");
}

}  // namespace

void register_service_commands(CLI::App& app) {
  auto args = std::make_shared<ServiceArgs>();
  CLI::App* svc = app.add_subcommand(
      "service", "Run a node in the foreground (UDP transport, networks, controller, local HTTP API) until Ctrl-C");
  svc->add_option("--home", args->home,
                  "Home directory: identity, auth token, planet, moons (created if missing)")
      ->required();
  svc->add_option("--port", args->port, "UDP port (default 9993; 0 picks a free one)")
      ->check(CLI::Range(0, 65535));
  svc->add_option("--secondary-port", args->secondary_port, "Also listen on this UDP port (0: any)")
      ->check(CLI::Range(0, 65535));
  svc->add_option("--planet", args->planet,
                  "Planet file (default: HOME/planet; without one the world is empty)");
  svc->add_option("--moon", args->moons, "Moon file to orbit (repeatable; kept in HOME/moons.d)");
  svc->add_option("--api-port", args->api_port,
                  "TCP port of the local API on 127.0.0.1 (default: the UDP port; 0: no API)")
      ->check(CLI::Range(0, 65535));
  svc->add_flag("--allow-loopback,!--no-loopback-paths", args->allow_loopback,
                "Whether paths to 127.0.0.0/8 and ::1 may be used (default: allowed)");
  svc->add_flag("--no-ipv6", args->no_ipv6, "Do not open IPv6 sockets");
  svc->add_option("--stack", args->stack,
                  "What serves joined networks: lwip (a user-space TCP/IP stack in the service; "
                  "the default), tap (a kernel tap device per network; needs CAP_NET_ADMIN) or none");
  svc->add_flag("--intercept,!--no-intercept", args->intercept,
                "Whether programs may reach the networks through libztintercept.so (control "
                "socket HOME/intercept.sock; default: on, with the lwip stack)");
  svc->add_option("--socks-port", args->socks_port,
                  "SOCKS5 proxy port (default 1080; 0 turns it off; if taken, the service runs "
                  "without it)")
      ->check(CLI::Range(0, 65535));
  svc->add_option("--socks-address", args->socks_address,
                  "Address SOCKS5 listens on (default 127.0.0.1)");
  svc->add_flag("--socks-allow-remote", args->socks_allow_remote,
                "Serve SOCKS5 clients that are not on loopback too");
  svc->add_flag("--socks-pass-through", args->socks_pass_through,
                "Let SOCKS5 reach addresses outside the virtual networks (refused by default)");
  svc->add_option("--socks-user", args->socks_user, "SOCKS5 user name (RFC 1929 authentication)");
  svc->add_option("--socks-password", args->socks_password, "SOCKS5 password");
  svc->add_option("--socks-password-file", args->socks_password_file,
                  "File whose first line is user:password for SOCKS5");
  svc->add_option("--socks-connect-timeout", args->socks_connect_timeout,
                  "Seconds a SOCKS5 connect may take (default 20)")
      ->check(CLI::Range(1, 600));
  svc->callback([args] { run_service(*args); });

  register_api_commands(app);
}

}  // namespace zt::cli
