// The `ztsdk` command: builds the app, lets each subcommand group register
// itself, and turns every failure into one line on stderr and a non-zero exit.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <new>

#include "cli/command_support.hpp"
#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"ztsdk: ZeroTier SDK tools (identities, worlds, the service, networks and the controller)", "ztsdk"};
  app.require_subcommand(1);
  zt::cli::register_id_commands(app);
  zt::cli::register_world_commands(app);
  zt::cli::register_service_commands(app);
  zt::cli::register_controller_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const zt::cli::CommandError& e) {
    std::fprintf(stderr, "ztsdk: %s\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "ztsdk: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ztsdk: unexpected error: %s\n", e.what());
    return 1;
  }
  return 0;
}
