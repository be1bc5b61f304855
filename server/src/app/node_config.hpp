#pragma once
// The node's whole configuration: one validated struct, built from defaults, then a JSON
// file (--config), then VARDE_* environment variables, then --flags (later wins).
// Every key, its meaning and default: docs/configuration.md.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "net/limits.hpp"
#include "net/tls_context.hpp"

namespace varde::app {

struct node_config {
    std::string listen_address = "127.0.0.1";
    unsigned short port = 8443;
    std::string database_url = "postgresql://postgres@127.0.0.1:55432/varde";
    net::tls_files tls{"certs/dev/server.pem", "certs/dev/server.key", "certs/dev/member-ca.pem"};
    net::limits limits;
    net::stream_limits stream;            // WebSocket subscribers
    std::size_t stream_memory_events = 2048;  // latest events kept in memory for live streams
    std::chrono::milliseconds stream_poll_interval{1000};  // reads the events even without a NOTIFY
    int event_retention_days = 30;        // the event history a cursor can resume from
    std::size_t io_threads = 2;
    std::size_t db_connections = 4;
    // Threads that run requests. More than db_connections: a publish waits for its group
    // commit on its thread, and the more publishes wait together, the larger the batch.
    std::size_t worker_threads = 64;
    std::chrono::seconds shutdown_grace{10};
    std::string log_level = "info";
    // Key of the HMAC behind pseudonymous sources; at least 32 characters, kept secret and
    // stable (changing it changes every pseudonym). Required to serve.
    std::string pseudonym_secret;
    int original_retention_days = 30;  // unscrubbed submissions are purged after this
    std::size_t max_indicators = 1000;  // per report
    std::size_t rate_per_s = 50;        // requests per second per principal; 0: no limit
    std::size_t rate_burst = 100;       // requests a principal may send at once
    // The audit chain's head (seq, hash) is logged at start and then this often, so a copy
    // can be kept outside the database; 0 logs it at start only.
    std::chrono::seconds audit_head_interval{3600};
};

struct config_result {
    std::optional<node_config> config;
    std::vector<std::string> errors;  // each names the key at fault
};

// file: path of a JSON config file, or empty. env: the process environment (VARDE_* read).
// flags: --key=value options from the command line (keys as in the file, '-' or '_').
config_result load_node_config(std::string const& file, std::map<std::string, std::string> const& env,
                               std::map<std::string, std::string> const& flags);

// The environment of this process, for load_node_config.
std::map<std::string, std::string> process_environment();

}  // namespace varde::app
