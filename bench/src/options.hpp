#pragma once
// Command-line options shared by every varde-bench scenario.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "lib/connection.hpp"

namespace varde::bench {

struct options {
    client::target node;                 // --url https://HOST:PORT or --host/--port
    std::string ca, cert, key;           // explicit credentials (override --pki/--as)
    std::string pki;                     // --pki DIR: the dev PKI (alice, bob, carol, havn-feed, oscar)
    std::string as;                      // --as NAME: principal from --pki (each scenario has a default)
    double duration_s = 10;              // --duration S
    unsigned connections = 4;            // --connections N: threads / connections / subscribers
    std::optional<unsigned long> count;  // --count N: stop after N operations (publish)
    std::optional<double> rate;          // --rate R: per second (fanout: reports, 10; publish, list: fixed rate)
    std::string view;                    // --view V: list with view=V (e.g. summary)
    bool resume = false;                 // --resume: handshakes offer the previous session
    bool blocking = false;               // --blocking: requests with a blocking thread per connection
    std::optional<double> hold_s;        // --hold S: idle, how long the connections stay open (--duration)
    std::string report_id;               // --report-id ID: requests reads this report (no setup publish)
    unsigned publishers = 1;             // --publishers N: fanout, publishers sharing --rate
    unsigned in_flight = 16;             // --in-flight N: connections being set up at once (idle, fanout)
    std::optional<int> node_pid;         // --node-pid PID: measure the node's CPU time
    std::optional<int> db_pid;           // --db-pid PID: PostgreSQL's postmaster, to measure its CPU time
    std::string example = VARDE_BENCH_EXAMPLE;  // --example FILE: the report template
    std::string scenario;
};

// Parses argv (after the subcommand); throws std::invalid_argument with a message.
options parse_options(std::string scenario, std::vector<std::string> const& args);

// Credentials of one principal: --cert/--key if given, else <pki>/<name>.pem/.key.
client::tls_options credentials(options const& o, std::string const& principal);

// The principal a scenario acts as: --as, else the scenario's default.
std::string principal_or(options const& o, std::string const& fallback);

std::string usage();

}  // namespace varde::bench
