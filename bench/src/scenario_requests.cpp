// requests: keep-alive mutual-TLS reads, alternating GET /v1/whoami and GET /v1/reports/{id},
// one connection per thread. Measures the node's per-request cost without handshakes.
#include <memory>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "report_maker.hpp"
#include "scenarios.hpp"
#include "stats.hpp"

namespace varde::bench {

std::string publish_one(options const& o, std::string const& principal) {
    report_maker maker(o.example);
    client::connection c(o.node, credentials(o, principal));
    auto r = c.request("POST", "/v1/reports", maker.make(0));
    if (r.status != 201) throw std::runtime_error("setup publish failed: HTTP " + std::to_string(r.status) + " " + r.body);
    return nlohmann::json::parse(r.body).at("id").get<std::string>();
}

namespace {

// One thread: reconnects after a failure so that one error does not end its share of the run.
void read_loop(options const& o, std::string const& report_path, work_budget& budget, samples& out) {
    auto tls = credentials(o, principal_or(o, "bob"));
    std::unique_ptr<client::connection> c;
    for (std::uint64_t i = 0; budget.take(); ++i) {
        auto const& path = i % 2 ? report_path : std::string("/v1/whoami");
        auto start = clock::now();
        try {
            if (!c) c = std::make_unique<client::connection>(o.node, tls);
            auto r = c->request("GET", path);
            if (r.status != 200) throw std::runtime_error("HTTP " + std::to_string(r.status));
            out.add(clock::now() - start);
        } catch (std::exception const&) {
            ++out.errors;
            c.reset();
        }
    }
}

}  // namespace

nlohmann::json run_requests(options const& o) {
    // The report is alice's (trusted, published at once); bob reads the member view of it.
    auto id = publish_one(o, o.cert.empty() ? "alice" : principal_or(o, "bob"));
    auto path = "/v1/reports/" + id;
    std::vector<samples> per_thread(o.connections);
    work_budget budget(o.duration_s, o.count);
    run_clock rc(o.node_pid);
    std::vector<std::jthread> threads;
    for (auto& s : per_thread) threads.emplace_back([&] { read_loop(o, path, budget, s); });
    threads.clear();  // joins
    rc.stop();
    return summarise("requests", per_thread, rc,
                     {{"connections", o.connections}, {"mix", "GET /v1/whoami, GET /v1/reports/{id} alternately"}});
}

}  // namespace varde::bench
