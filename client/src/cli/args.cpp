#include "cli/args.hpp"

#include <charconv>

#include "cli/exit_code.hpp"

namespace varde::cli {

namespace {

option_spec const* find_option(std::string const& name, std::vector<option_spec> const& options) {
    for (auto const* list : {&options, &global_options()})
        for (auto const& o : *list)
            if (o.name == name) return &o;
    return nullptr;
}

[[noreturn]] void usage_error(std::string const& message) {
    throw cli_error(exit_code::usage, message + " (see --help)");
}

}  // namespace

std::optional<std::string> parsed_args::get(std::string const& name) const {
    auto it = values.find(name);
    if (it == values.end() || it->second.empty()) return std::nullopt;
    return it->second.back();  // the last one wins, as with most tools
}

std::string parsed_args::get_or(std::string const& name, std::string const& fallback) const {
    return get(name).value_or(fallback);
}

std::vector<std::string> parsed_args::all(std::string const& name) const {
    auto it = values.find(name);
    return it == values.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::string> parsed_args::list(std::string const& name) const {
    std::vector<std::string> out;
    for (auto const& value : all(name)) {
        std::size_t start = 0;
        while (start <= value.size()) {
            auto comma = value.find(',', start);
            if (comma == std::string::npos) comma = value.size();
            if (comma > start) out.push_back(value.substr(start, comma - start));
            start = comma + 1;
        }
    }
    return out;
}

std::vector<option_spec> const& global_options() {
    static std::vector<option_spec> const options = {
        {"url", "URL", "the node, https://HOST[:PORT] (env VARDE_URL)"},
        {"cert", "FILE", "your client certificate, PEM (env VARDE_CERT)"},
        {"key", "FILE", "its private key, PEM (env VARDE_KEY)"},
        {"ca", "FILE", "the CA that signed the node's certificate (env VARDE_CA)"},
        {"config", "FILE", "configuration file (default ~/.config/varde/config)"},
        {"server-name", "NAME", "name to verify in the node's certificate (default: the URL's host)"},
        {"timeout", "SECONDS", "deadline of each network operation (default 10)"},
    };
    return options;
}

parsed_args parse_args(std::vector<std::string> const& words, std::vector<option_spec> const& options) {
    parsed_args out;
    bool options_ended = false;
    for (std::size_t i = 0; i < words.size(); ++i) {
        auto const& word = words[i];
        if (options_ended || word == "-" || !word.starts_with("-")) {
            out.positionals.push_back(word);
        } else if (word == "--") {
            options_ended = true;
        } else if (word == "-h" || word == "--help") {
            out.help = true;
        } else if (!word.starts_with("--")) {
            usage_error("unknown option " + word);
        } else {
            auto eq = word.find('=');
            std::string name = word.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
            auto const* spec = find_option(name, options);
            if (!spec) usage_error("unknown option --" + name);
            auto& slot = out.values[name];
            if (!slot.empty() && !spec->repeatable && spec->value_name.empty()) usage_error("--" + name + " given twice");
            if (spec->value_name.empty()) {
                if (eq != std::string::npos) usage_error("--" + name + " takes no value");
                slot.push_back("");
            } else if (eq != std::string::npos) {
                slot.push_back(word.substr(eq + 1));
            } else if (i + 1 < words.size()) {
                slot.push_back(words[++i]);
            } else {
                usage_error("--" + name + " needs a value (" + spec->value_name + ")");
            }
        }
    }
    return out;
}

long number_option(parsed_args const& a, std::string const& name, long fallback, long min, long max) {
    auto text = a.get(name);
    if (!text) return fallback;
    long v = 0;
    auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc{} || ptr != text->data() + text->size() || v < min || v > max)
        usage_error("--" + name + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    return v;
}

}  // namespace varde::cli
