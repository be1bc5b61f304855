#pragma once
// Where the node is and which certificate to present: flags, then the environment
// (VARDE_URL, VARDE_CERT, VARDE_KEY, VARDE_CA), then a configuration file (--config, or
// $XDG_CONFIG_HOME/varde/config, or ~/.config/varde/config). The first that names a setting wins.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "lib/connection.hpp"

namespace varde::cli {

struct settings {
    std::string url;
    std::string host;  // from the URL; a name or an address
    unsigned short port = 8443;
    std::string certificate_file;
    std::string private_key_file;
    std::string ca_file;
    std::string server_name;  // verified in the node's certificate
    std::chrono::seconds timeout{10};
};

using env_lookup = std::function<std::optional<std::string>(std::string const&)>;

// The process environment, for env_lookup.
std::optional<std::string> process_env(std::string const& name);

// Resolves every setting and checks that the files can be read; throws cli_error(config)
// saying which setting is missing and the three ways to give it.
settings resolve_settings(parsed_args const& args, env_lookup const& env);

// TLS options and targets for the client library. The host name is resolved here, because
// the library connects to an address: every address of the name, in the resolver's order
// ("localhost" may be ::1 first while a node listens on 127.0.0.1 only).
client::tls_options tls_options_of(settings const& s);
std::vector<client::target> targets_of(settings const& s);

// Calls connect(target) for each address of the node until one connects; a failure other
// than "cannot connect" (TLS, refusal) is not retried on the next address.
template <typename Connect>
auto connect_first(settings const& s, Connect&& connect) {
    auto targets = targets_of(s);
    for (std::size_t i = 0;; ++i) {
        try {
            return connect(targets[i]);
        } catch (client::error const& e) {
            if (e.which() != client::error::kind::connect || i + 1 == targets.size()) throw;
        }
    }
}

}  // namespace varde::cli
