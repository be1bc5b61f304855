#pragma once
// One command of `varde`: its name (one or two words, "org add"), its usage and help, its
// options, and the function that runs it. The table of all commands is in commands.cpp.
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/config.hpp"
#include "cli/exit_code.hpp"
#include "cli/node_api.hpp"

namespace varde::cli {

// What a running command has: its arguments, where to print, and the node (connected on
// first use, so commands that fail on their arguments never touch the network).
class invocation {
public:
    invocation(parsed_args a, env_lookup e, std::istream& input, std::ostream& output, std::ostream& errors)
        : args(std::move(a)), env(std::move(e)), in(input), out(output), err(errors) {}

    parsed_args args;
    env_lookup env;
    std::istream& in;
    std::ostream& out;
    std::ostream& err;

    node_api& api();
    settings const& config();
    bool json_output() const { return args.has("json"); }
    std::string const& arg(std::size_t i) const { return args.positionals.at(i); }

private:
    std::optional<settings> settings_;
    std::unique_ptr<node_api> api_;
};

struct command {
    std::string name;   // "publish", "org add"
    std::string usage;  // the positionals, e.g. "FILE|DIR|-"
    std::string summary;
    std::string details;  // more help text (may be empty)
    std::vector<option_spec> options;
    std::size_t min_positionals = 0;
    std::size_t max_positionals = 0;
    std::function<exit_code(invocation&)> run;
};

// Options shared by several commands: JSON output, and TLP recipients (tlp, approve).
option_spec json_option();
option_spec recipients_option();

// Every command, grouped by area (each defined in its own commands_*.cpp).
std::vector<command> identity_commands();
std::vector<command> report_commands();
std::vector<command> publish_commands();
std::vector<command> change_commands();
std::vector<command> moderation_commands();
std::vector<command> admin_commands();
std::vector<command> audit_commands();
std::vector<command> follow_commands();

// Runs `varde` with the words after the program name; returns the exit code.
int run_cli(std::vector<std::string> const& words, env_lookup const& env, std::istream& in, std::ostream& out,
            std::ostream& err);

}  // namespace varde::cli
