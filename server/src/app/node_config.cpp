#include "app/node_config.hpp"

#include <charconv>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

extern char** environ;

namespace varde::app {

namespace {

using setter = std::function<std::optional<std::string>(node_config&, std::string const&)>;

std::optional<std::uint64_t> to_number(std::string const& text) {
    std::uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
    return v;
}

// A whole number within [min, max], stored by `store`; the three below say where it goes.
template <typename Store>
setter bounded(Store store, std::uint64_t min, std::uint64_t max) {
    return [=](node_config& c, std::string const& text) -> std::optional<std::string> {
        auto v = to_number(text);
        if (!v || *v < min || *v > max)
            return "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max);
        store(c, *v);
        return std::nullopt;
    };
}

template <typename T>
setter number(T node_config::*field, std::uint64_t min, std::uint64_t max) {
    return bounded([field](node_config& c, std::uint64_t v) { c.*field = T(v); }, min, max);
}

template <typename T>
setter limit(T net::limits::*field, std::uint64_t min, std::uint64_t max) {
    return bounded([field](node_config& c, std::uint64_t v) { c.limits.*field = T(v); }, min, max);
}

template <typename T>
setter stream_limit(T net::stream_limits::*field, std::uint64_t min, std::uint64_t max) {
    return bounded([field](node_config& c, std::uint64_t v) { c.stream.*field = T(v); }, min, max);
}

setter text(std::function<std::string&(node_config&)> field) {
    return [=](node_config& c, std::string const& v) -> std::optional<std::string> {
        if (v.empty()) return "must not be empty";
        field(c) = v;
        return std::nullopt;
    };
}

std::map<std::string, setter> const& keys() {
    static std::map<std::string, setter> const table{
        {"listen_address", text([](node_config& c) -> std::string& { return c.listen_address; })},
        {"port", number(&node_config::port, 0, 65535)},
        {"database_url", text([](node_config& c) -> std::string& { return c.database_url; })},
        {"tls_certificate", text([](node_config& c) -> std::string& { return c.tls.certificate; })},
        {"tls_private_key", text([](node_config& c) -> std::string& { return c.tls.private_key; })},
        {"tls_client_ca", text([](node_config& c) -> std::string& { return c.tls.client_ca; })},
        {"io_threads", number(&node_config::io_threads, 1, 64)},
        {"db_connections", number(&node_config::db_connections, 1, 256)},
        {"worker_threads", number(&node_config::worker_threads, 1, 1024)},
        {"body_limit", limit(&net::limits::body_limit, 1024, 64u << 20)},
        {"header_limit", limit(&net::limits::header_limit, 1024, 1u << 20)},
        {"handshake_timeout_s", limit(&net::limits::handshake_timeout, 1, 300)},
        {"idle_timeout_s", limit(&net::limits::idle_timeout, 1, 3600)},
        {"write_timeout_s", limit(&net::limits::write_timeout, 1, 3600)},
        {"max_connections", limit(&net::limits::max_connections, 1, 1000000)},
        {"stream_queue_events", stream_limit(&net::stream_limits::queue_events, 2, 1000000)},
        {"stream_queue_bytes", stream_limit(&net::stream_limits::queue_bytes, 4096, 1u << 30)},
        {"stream_message_max", stream_limit(&net::stream_limits::message_max, 125, 1u << 20)},
        {"stream_idle_timeout_s", stream_limit(&net::stream_limits::idle_timeout, 2, 3600)},
        {"stream_heartbeat_s", stream_limit(&net::stream_limits::heartbeat, 1, 3600)},
        {"stream_send_buffer", stream_limit(&net::stream_limits::send_buffer, 0, 64u << 20)},
        {"stream_memory_events", number(&node_config::stream_memory_events, 16, 1000000)},
        {"stream_poll_interval_ms", number(&node_config::stream_poll_interval, 10, 600000)},
        {"event_retention_days", number(&node_config::event_retention_days, 1, 3650)},
        {"shutdown_grace_s", number(&node_config::shutdown_grace, 0, 600)},
        {"pseudonym_secret", [](node_config& c, std::string const& v) -> std::optional<std::string> {
             if (v.size() < 32) return "must be at least 32 characters";
             c.pseudonym_secret = v;
             return std::nullopt;
         }},
        {"original_retention_days", number(&node_config::original_retention_days, 1, 3650)},
        {"max_indicators", number(&node_config::max_indicators, 1, 100000)},
        {"rate_per_s", number(&node_config::rate_per_s, 0, 1000000)},
        {"rate_burst", number(&node_config::rate_burst, 1, 1000000)},
        {"audit_head_interval_s", number(&node_config::audit_head_interval, 0, 604800)},
        {"log_level", [](node_config& c, std::string const& v) -> std::optional<std::string> {
             if (v != "debug" && v != "info" && v != "warn" && v != "error")
                 return "must be one of debug, info, warn, error";
             c.log_level = v;
             return std::nullopt;
         }},
    };
    return table;
}

std::string normalise_key(std::string key) {
    for (auto& ch : key) ch = ch == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return key;
}

void apply(node_config& c, std::string const& source, std::string const& key, std::string const& value,
           std::vector<std::string>& errors) {
    auto it = keys().find(key);
    if (it == keys().end()) {
        errors.push_back(source + ": unknown key '" + key + "'");
        return;
    }
    if (auto err = it->second(c, value)) errors.push_back(source + ": '" + key + "' " + *err);
}

void apply_file(node_config& c, std::string const& file, std::vector<std::string>& errors) {
    std::ifstream in(file);
    if (!in) return errors.push_back(file + ": cannot be read");
    std::stringstream text;
    text << in.rdbuf();
    auto json = nlohmann::json::parse(text.str(), nullptr, false);
    if (json.is_discarded() || !json.is_object())
        return errors.push_back(file + ": is not a JSON object");
    for (auto const& [key, value] : json.items())
        apply(c, file, key, value.is_string() ? value.get<std::string>() : value.dump(), errors);
}

}  // namespace

config_result load_node_config(std::string const& file, std::map<std::string, std::string> const& env,
                               std::map<std::string, std::string> const& flags) {
    node_config c;
    std::vector<std::string> errors;
    if (!file.empty()) apply_file(c, file, errors);
    for (auto const& [name, value] : env) {
        if (!name.starts_with("VARDE_")) continue;
        auto key = normalise_key(name.substr(6));
        if (keys().contains(key)) apply(c, "environment " + name, key, value, errors);
    }
    for (auto const& [name, value] : flags) apply(c, "--" + name, normalise_key(name), value, errors);
    if (!errors.empty()) return {std::nullopt, errors};
    return {c, {}};
}

std::map<std::string, std::string> process_environment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string entry(*e);
        auto eq = entry.find('=');
        if (eq != std::string::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
    }
    return env;
}

}  // namespace varde::app
