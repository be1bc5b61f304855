// publish: concurrent publishers of unique ~2 KB reports with 10 indicators each, as a
// trusted organisation's principal (alice) so that every report is published at once:
// validation, anonymiser, indicator index, audit entry and stream event in one transaction.
// With --rate R the publishes follow a fixed schedule (one every 1/R s, shared by the
// connections) and each latency is measured from its scheduled time, so a slow answer
// that delays the next ones counts against them too (no coordinated omission).
#include <atomic>
#include <memory>

#include "paced_run.hpp"
#include "report_maker.hpp"
#include "scenarios.hpp"
#include "stats.hpp"

namespace varde::bench {

namespace {

void publish_loop(options const& o, report_maker const& maker, std::atomic<std::uint64_t>& next, work_budget& budget,
                  fixed_schedule* fixed, samples& out, std::uint64_t& late) {
    auto tls = credentials(o, principal_or(o, "alice"));
    std::unique_ptr<client::connection> c;
    try {
        c = std::make_unique<client::connection>(o.node, tls);  // before the first timed publish
    } catch (std::exception const&) {
        ++out.errors;
    }
    while (budget.take()) {
        auto body = maker.make(next.fetch_add(1));  // made before the clock starts
        auto start = fixed ? fixed->wait_for_slot(late) : clock::now();
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
    auto budget = budget_for(o.duration_s, o.count, o.rate);
    auto run = run_paced(o, [&](std::size_t, fixed_schedule* schedule, samples& out, std::uint64_t& late) {
        publish_loop(o, maker, next, budget, schedule, out, late);
    });
    nlohmann::json extra{{"publishers", o.connections}, {"report_bytes", maker.make(0).size()}, {"indicators", 10}};
    describe_pace(extra, o, run);
    return summarise("publish", run.per_connection, run.clock, extra);
}

}  // namespace varde::bench
