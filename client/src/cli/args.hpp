#pragma once
// Command-line parsing: long options (`--name VALUE`, `--name=VALUE`, flags), positional
// arguments, `--` to end options and `-` as a positional (standard input).
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace varde::cli {

struct option_spec {
    std::string name;        // without the leading "--"
    std::string value_name;  // empty: a flag that takes no value
    std::string help;
    bool repeatable = false;
};

struct parsed_args {
    std::vector<std::string> positionals;
    std::map<std::string, std::vector<std::string>> values;  // option → every value given
    bool help = false;

    bool has(std::string const& name) const { return values.contains(name); }
    std::optional<std::string> get(std::string const& name) const;
    std::string get_or(std::string const& name, std::string const& fallback) const;
    std::vector<std::string> all(std::string const& name) const;
    // The values of a repeatable option, with comma-separated lists split ("a,b" → a, b).
    std::vector<std::string> list(std::string const& name) const;
};

// Options every command takes (connection settings).
std::vector<option_spec> const& global_options();

// Parses `words` against `options` (plus the global ones); throws cli_error(usage) naming the
// offending word. `-h`/`--help` anywhere sets `help`.
parsed_args parse_args(std::vector<std::string> const& words, std::vector<option_spec> const& options);

// A whole number option within [min, max], or `fallback` when absent; throws cli_error(usage).
long number_option(parsed_args const& a, std::string const& name, long fallback, long min, long max);

}  // namespace varde::cli
