// publish: concurrent publishers of unique ~2 KB reports with 10 indicators each, as a
// trusted organisation's principal (alice) so that every report is published at once:
// validation, anonymiser, indicator index, audit entry and stream event in one transaction.
#include <atomic>
#include <memory>
#include <thread>

#include "report_maker.hpp"
#include "scenarios.hpp"
#include "stats.hpp"

namespace varde::bench {

namespace {

void publish_loop(options const& o, report_maker const& maker, std::atomic<std::uint64_t>& next, work_budget& budget,
                  samples& out) {
    auto tls = credentials(o, principal_or(o, "alice"));
    std::unique_ptr<client::connection> c;
    while (budget.take()) {
        auto body = maker.make(next.fetch_add(1));  // made before the clock starts
        auto start = clock::now();
        try {
            if (!c) c = std::make_unique<client::connection>(o.node, tls);
            auto r = c->request("POST", "/v1/reports", body);
            if (r.status != 201 || r.body.find("\"status\":\"published\"") == std::string::npos)
                throw std::runtime_error("HTTP " + std::to_string(r.status));
            out.add(clock::now() - start);
        } catch (std::exception const&) {
            ++out.errors;
            c.reset();
        }
    }
}

}  // namespace

nlohmann::json run_publish(options const& o) {
    report_maker maker(o.example);
    std::atomic<std::uint64_t> next{1};
    std::vector<samples> per_thread(o.connections);
    work_budget budget(o.duration_s, o.count);
    run_clock rc(o.node_pid);
    std::vector<std::jthread> threads;
    for (auto& s : per_thread) threads.emplace_back([&] { publish_loop(o, maker, next, budget, s); });
    threads.clear();
    rc.stop();
    return summarise("publish", per_thread, rc,
                     {{"publishers", o.connections}, {"report_bytes", maker.make(0).size()}, {"indicators", 10}});
}

}  // namespace varde::bench
