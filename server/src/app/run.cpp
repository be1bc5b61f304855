#include "app/run.hpp"

#include <algorithm>
#include <csignal>
#include <iostream>

#include "app/admin.hpp"
#include "app/node.hpp"
#include "util/log.hpp"

namespace varde::app {

namespace {
// Options that belong to subcommands, not to the node's configuration.
bool is_command_option(std::string const& name) {
    static constexpr std::string_view names[] = {"config", "slug", "name", "country", "sector",
        "alias", "domain", "ip-range", "trusted", "org", "cert", "role", "kind", "fingerprint",
        "file", "pki-dir"};
    return std::find(std::begin(names), std::end(names), name) != std::end(names);
}
}  // namespace

std::optional<node_config> configure(args const& a) {
    std::map<std::string, std::string> flags;
    for (auto const& [name, values] : a.options())
        if (!is_command_option(name)) flags[name] = values.back();
    auto result = load_node_config(a.get("config").value_or(""), process_environment(), flags);
    for (auto const& e : result.errors) std::cerr << "varde-node: configuration: " << e << "\n";
    if (result.config) log::set_min_level(log::parse_level(result.config->log_level).value_or(log::level::info));
    return result.config;
}

int serve(node_config const& config) {
    try {
        // Block the signals in every thread; this thread alone waits for them.
        sigset_t stop_signals;
        sigemptyset(&stop_signals);
        sigaddset(&stop_signals, SIGINT);
        sigaddset(&stop_signals, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
        node n(config);
        n.start();
        int received = 0;
        sigwait(&stop_signals, &received);
        log::info("node.signal", {{"signal", received == SIGINT ? "SIGINT" : "SIGTERM"}});
        n.stop();
        n.wait();
        return exit_ok;
    } catch (std::exception const& e) {
        std::cerr << "varde-node: cannot start: " << e.what() << "\n";
        return exit_failure;
    }
}

}  // namespace varde::app
