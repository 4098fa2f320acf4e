#pragma once
// `ztsdk status`, `ztsdk peers` and `ztsdk ping`: clients of a running
// service's local API.
namespace CLI {
class App;
}

namespace zt::cli {

void register_api_commands(CLI::App& app);

}  // namespace zt::cli
