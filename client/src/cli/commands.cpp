#include <algorithm>
#include <istream>
#include <ostream>

#include "cli/command.hpp"

namespace varde::cli {

namespace {

constexpr char const* version = "0.1.0";

std::vector<command> const& all_commands() {
    static std::vector<command> const commands = [] {
        std::vector<command> all;
        for (auto group : {identity_commands, publish_commands, report_commands, change_commands,
                           moderation_commands, admin_commands, audit_commands, follow_commands})
            for (auto& c : group()) all.push_back(std::move(c));
        return all;
    }();
    return commands;
}

// The command named by the first one or two words (the longer name wins: "org add").
command const* find_command(std::vector<std::string> const& words, std::size_t& used) {
    for (std::size_t n : {2u, 1u}) {
        if (words.size() < n) continue;
        std::string name = n == 2 ? words[0] + " " + words[1] : words[0];
        for (auto const& c : all_commands())
            if (c.name == name) {
                used = n;
                return &c;
            }
    }
    return nullptr;
}

void print_options(std::ostream& out, std::vector<option_spec> const& options) {
    for (auto const& o : options) {
        std::string left = "  --" + o.name + (o.value_name.empty() ? "" : " " + o.value_name);
        out << left << std::string(left.size() < 28 ? 28 - left.size() : 1, ' ') << o.help
            << (o.repeatable ? " (repeatable)" : "") << '\n';
    }
}

void print_command_help(std::ostream& out, command const& c) {
    out << "usage: varde " << c.name << (c.options.empty() ? "" : " [options]") << (c.usage.empty() ? "" : " " + c.usage)
        << "\n\n" << c.summary << "\n";
    if (!c.details.empty()) out << "\n" << c.details << "\n";
    if (!c.options.empty()) {
        out << "\noptions:\n";
        print_options(out, c.options);
    }
    out << "\nconnection options (every command):\n";
    print_options(out, global_options());
}

void print_overview(std::ostream& out) {
    out << "usage: varde COMMAND [options] [arguments]\n\n"
           "The command-line client of a Varde exchange node (mutual-TLS HTTPS).\n\ncommands:\n";
    for (auto const& c : all_commands()) {
        std::string left = "  " + c.name + (c.usage.empty() ? "" : " " + c.usage);
        out << left << std::string(left.size() < 34 ? 34 - left.size() : 1, ' ') << c.summary << '\n';
    }
    out << "\n`varde COMMAND --help` tells more. Settings: flags, then VARDE_URL, VARDE_CERT, VARDE_KEY,\n"
           "VARDE_CA, then ~/.config/varde/config (`key = value` lines).\n"
           "Exit codes: 0 ok, 1 failure, 2 usage, 3 configuration or file, 4 node unreachable or TLS,\n"
           "5 certificate not accepted, 6 not found, 7 input refused, 8 node error, 9 not allowed.\n";
}

// Leading global options may come before the command (`varde --url U whoami`).
std::size_t command_start(std::vector<std::string> const& words) {
    std::size_t i = 0;
    while (i < words.size() && words[i].starts_with("--") && words[i] != "--help") {
        bool takes_value = words[i].find('=') == std::string::npos;
        i += takes_value ? 2 : 1;
    }
    return std::min(i, words.size());  // `varde --url` with no value: parse_args says so
}

// `varde org` alone: the commands of that group.
bool print_group(std::ostream& out, std::string const& group) {
    bool any = false;
    for (auto const& c : all_commands())
        if (c.name.starts_with(group + " ")) {
            if (!any) out << "usage: varde " << group << " SUBCOMMAND ...\n\n";
            out << "  varde " << c.name << (c.usage.empty() ? "" : " " + c.usage) << "  —  " << c.summary << '\n';
            any = true;
        }
    return any;
}

exit_code run_command(command const& c, std::vector<std::string> const& words, env_lookup const& env,
                      std::istream& in, std::ostream& out, std::ostream& err) {
    auto args = parse_args(words, c.options);
    if (args.help) {
        print_command_help(out, c);
        return exit_code::ok;
    }
    auto n = args.positionals.size();
    if (n < c.min_positionals || n > c.max_positionals)
        throw cli_error(exit_code::usage, "usage: varde " + c.name + " [options] " + c.usage + " (see --help)");
    invocation inv(std::move(args), env, in, out, err);
    return c.run(inv);
}

exit_code run_words(std::vector<std::string> const& words, env_lookup const& env, std::istream& in,
                    std::ostream& out, std::ostream& err) {
    auto start = command_start(words);
    std::vector<std::string> rest(words.begin() + static_cast<std::ptrdiff_t>(start), words.end());
    if (rest.empty() || rest[0] == "--help" || rest[0] == "-h" || rest[0] == "help") {
        std::size_t used = 0;
        command const* c = rest.size() > 1 ? find_command({rest.begin() + 1, rest.end()}, used) : nullptr;
        if (c) print_command_help(out, *c);
        else print_overview(rest.empty() ? err : out);
        return rest.empty() ? exit_code::usage : exit_code::ok;
    }
    if (rest[0] == "--version" || rest[0] == "version") {
        out << "varde " << version << '\n';
        return exit_code::ok;
    }
    std::size_t used = 0;
    auto const* c = find_command(rest, used);
    if (!c && print_group(err, rest[0])) return exit_code::usage;
    if (!c) throw cli_error(exit_code::usage, "unknown command `" + rest[0] + "` (see varde --help)");
    std::vector<std::string> command_words(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(start));
    command_words.insert(command_words.end(), rest.begin() + static_cast<std::ptrdiff_t>(used), rest.end());
    return run_command(*c, command_words, env, in, out, err);
}

}  // namespace

option_spec json_option() { return {"json", "", "print the node's JSON instead of a table"}; }

option_spec recipients_option() {
    return {"recipients", "LIST", "org:SLUG or sector:NAME (AMBER only), comma-separated", true};
}

settings const& invocation::config() {
    if (!settings_) settings_ = resolve_settings(args, env);
    return *settings_;
}

node_api& invocation::api() {
    if (!api_) api_ = std::make_unique<node_api>(config());
    return *api_;
}

int run_cli(std::vector<std::string> const& words, env_lookup const& env, std::istream& in, std::ostream& out,
            std::ostream& err) {
    try {
        auto code = run_words(words, env, in, out, err);
        out.flush();
        return as_int(code);
    } catch (cli_error const& e) {
        out.flush();
        err << "varde: " << e.what() << '\n';
        return as_int(e.code());
    } catch (std::exception const& e) {
        out.flush();
        err << "varde: " << e.what() << '\n';
        return as_int(exit_code::failure);
    }
}

}  // namespace varde::cli
