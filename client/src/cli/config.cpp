#include "cli/config.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include <boost/asio/ip/address.hpp>

#include "cli/exit_code.hpp"

namespace varde::cli {

namespace fs = std::filesystem;

namespace {

struct config_file {
    std::string path;  // empty: none found
    std::map<std::string, std::string> values;
};

std::string trim(std::string const& s) {
    auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r") - first + 1);
}

std::string default_config_path(env_lookup const& env) {
    if (auto xdg = env("XDG_CONFIG_HOME"); xdg && !xdg->empty()) return *xdg + "/varde/config";
    if (auto home = env("HOME"); home && !home->empty()) return *home + "/.config/varde/config";
    return {};
}

// `key = value` lines; `#` starts a comment line. Relative file names are taken relative to
// the file's own folder, so a config can sit next to its certificates.
config_file read_config(parsed_args const& args, env_lookup const& env) {
    auto given = args.get("config");
    config_file f{given ? *given : default_config_path(env), {}};
    std::ifstream in(f.path);
    if (!in) {
        if (given) throw cli_error(exit_code::config, "cannot read the configuration file " + f.path);
        return {};
    }
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        line = trim(line);
        if (line.empty() || line.starts_with("#")) continue;
        auto eq = line.find('=');
        if (eq == std::string::npos)
            throw cli_error(exit_code::config, f.path + ":" + std::to_string(number) + ": expected `key = value`");
        auto key = trim(line.substr(0, eq));
        if (key != "url" && key != "cert" && key != "key" && key != "ca" && key != "server-name" && key != "timeout")
            throw cli_error(exit_code::config, f.path + ":" + std::to_string(number) + ": unknown key `" + key +
                                                   "` (url, cert, key, ca, server-name, timeout)");
        f.values[key] = trim(line.substr(eq + 1));
    }
    return f;
}

class setting_sources {
public:
    setting_sources(parsed_args const& a, env_lookup const& e, config_file f) : args_(a), env_(e), file_(std::move(f)) {}

    std::optional<std::string> find(std::string const& key, std::string const& env_name, bool is_path) const {
        if (auto v = args_.get(key)) return v;
        if (auto v = env_name.empty() ? std::nullopt : env_(env_name); v && !v->empty()) return v;
        auto it = file_.values.find(key);
        if (it == file_.values.end()) return std::nullopt;
        if (!is_path || it->second.empty() || it->second.starts_with("/")) return it->second;
        return (fs::path(file_.path).parent_path() / it->second).string();
    }

    std::string require(std::string const& key, std::string const& env_name, std::string const& what) const {
        auto v = find(key, env_name, key != "url");
        if (v && !v->empty()) return *v;
        throw cli_error(exit_code::config, "no " + what + ": pass --" + key + ", set " + env_name + ", or put `" + key +
                                               " = ...` in " + (file_.path.empty() ? "~/.config/varde/config" : file_.path));
    }

private:
    parsed_args const& args_;
    env_lookup const& env_;
    config_file file_;
};

void parse_url(std::string const& url, settings& s) {
    constexpr std::string_view scheme = "https://";
    if (!url.starts_with(scheme))
        throw cli_error(exit_code::config, "the node URL must start with https:// (got " + url + ")");
    auto rest = url.substr(scheme.size());
    rest = rest.substr(0, rest.find('/'));
    std::string port_text;
    if (rest.starts_with("[")) {  // [IPv6]:port
        auto close = rest.find(']');
        if (close == std::string::npos) throw cli_error(exit_code::config, "bad IPv6 address in URL " + url);
        s.host = rest.substr(1, close - 1);
        if (close + 1 < rest.size() && rest[close + 1] == ':') port_text = rest.substr(close + 2);
    } else {
        auto colon = rest.find(':');
        s.host = rest.substr(0, colon);
        if (colon != std::string::npos) port_text = rest.substr(colon + 1);
    }
    if (s.host.empty()) throw cli_error(exit_code::config, "no host in URL " + url);
    if (!port_text.empty()) {
        char* end = nullptr;
        long p = std::strtol(port_text.c_str(), &end, 10);
        if (*end != '\0' || p < 1 || p > 65535) throw cli_error(exit_code::config, "bad port in URL " + url);
        s.port = static_cast<unsigned short>(p);
    }
}

void require_readable(std::string const& path, std::string const& what) {
    std::ifstream in(path);
    if (!in) throw cli_error(exit_code::config, "cannot read " + what + " " + path);
}

}  // namespace

std::optional<std::string> process_env(std::string const& name) {
    char const* v = std::getenv(name.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
}

settings resolve_settings(parsed_args const& args, env_lookup const& env) {
    setting_sources src(args, env, read_config(args, env));
    settings s;
    s.url = src.require("url", "VARDE_URL", "node URL");
    parse_url(s.url, s);
    s.certificate_file = src.require("cert", "VARDE_CERT", "client certificate");
    s.private_key_file = src.require("key", "VARDE_KEY", "private key");
    s.ca_file = src.require("ca", "VARDE_CA", "CA certificate for the node");
    s.server_name = src.find("server-name", "VARDE_SERVER_NAME", false).value_or(s.host);
    if (auto t = src.find("timeout", "VARDE_TIMEOUT", false)) {
        char* end = nullptr;
        long v = std::strtol(t->c_str(), &end, 10);
        if (*end != '\0' || v < 1 || v > 3600) throw cli_error(exit_code::config, "timeout must be 1 to 3600 seconds");
        s.timeout = std::chrono::seconds(v);
    }
    require_readable(s.certificate_file, "the client certificate");
    require_readable(s.private_key_file, "the private key");
    require_readable(s.ca_file, "the CA certificate");
    return s;
}

client::tls_options tls_options_of(settings const& s) {
    return {s.ca_file, s.certificate_file, s.private_key_file, std::nullopt, s.server_name};
}

std::vector<client::target> targets_of(settings const& s) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(s.host, ec);
    if (!ec) return {{s.host, s.port}};
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(s.host.c_str(), nullptr, &hints, &found) != 0 || !found)
        throw cli_error(exit_code::unreachable, "cannot resolve the node's host name " + s.host);
    std::vector<client::target> out;
    for (auto* a = found; a; a = a->ai_next) {
        char text[NI_MAXHOST] = {};
        if (getnameinfo(a->ai_addr, a->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST) == 0)
            out.push_back({text, s.port});
    }
    freeaddrinfo(found);
    if (out.empty()) throw cli_error(exit_code::unreachable, "cannot resolve the node's host name " + s.host);
    return out;
}

}  // namespace varde::cli
