#pragma once
// Each subcommand group registers itself on the `ztsdk` app. CLI11 is a
// heavy header, so it stays in the .cpp files.
namespace CLI {
class App;
}

namespace zt::cli {

void register_id_commands(CLI::App& app);
void register_world_commands(CLI::App& app);
void register_service_commands(CLI::App& app);
void register_controller_commands(CLI::App& app);

}  // namespace zt::cli
