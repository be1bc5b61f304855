// handshakes: a new mutual-TLS connection per request (GET /v1/whoami). client::connection
// makes a fresh SSL_CTX for each connection and never offers a saved session, so every one
// is a full handshake (ECDHE + ECDSA P-256 on both sides), never a resumption.
#include <thread>

#include "scenarios.hpp"
#include "stats.hpp"

namespace varde::bench {

namespace {

void handshake_loop(options const& o, work_budget& budget, samples& out) {
    auto tls = credentials(o, principal_or(o, "bob"));
    while (budget.take()) {
        auto start = clock::now();
        try {
            client::connection c(o.node, tls);
            auto r = c.request("GET", "/v1/whoami");
            if (r.status != 200) throw std::runtime_error("HTTP " + std::to_string(r.status));
            out.add(clock::now() - start);
        } catch (std::exception const&) {
            ++out.errors;
        }
    }
}

}  // namespace

nlohmann::json run_handshakes(options const& o) {
    std::vector<samples> per_thread(o.connections);
    work_budget budget(o.duration_s, o.count);
    run_clock rc(o.node_pid);
    std::vector<std::jthread> threads;
    for (auto& s : per_thread) threads.emplace_back([&] { handshake_loop(o, budget, s); });
    threads.clear();
    rc.stop();
    return summarise("handshakes", per_thread, rc,
                     {{"connections", o.connections}, {"op", "connect + full TLS handshake + GET /v1/whoami"}});
}

}  // namespace varde::bench
