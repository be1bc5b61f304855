#pragma once
#include <optional>

#include "app/args.hpp"
#include "app/node_config.hpp"

namespace varde::app {

// Loads the configuration from --config, VARDE_* and the remaining --flags; prints every
// error (naming its key) and returns nullopt if any.
std::optional<node_config> configure(args const& a);

// Runs the node in the foreground until SIGINT or SIGTERM; returns the exit code.
int serve(node_config const& config);

}  // namespace varde::app
