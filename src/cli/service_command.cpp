// `ztsdk service`: runs a node in the foreground until SIGINT/SIGTERM, and
// registers the commands that talk to a running one.
#include <CLI/CLI.hpp>

#include <memory>
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
};

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
  svc->callback([args] { run_service(*args); });

  register_api_commands(app);
}

}  // namespace zt::cli
