// publish: concurrent publishers of unique ~2 KB reports with 10 indicators each, as a
// trusted organisation's principal (alice) so that every report is published at once:
// validation, anonymiser, indicator index, audit entry and stream event in one transaction.
// With --rate R the publishes follow a fixed schedule (one every 1/R s, shared by the
// connections) and each latency is measured from its scheduled time, so a slow answer
// that delays the next ones counts against them too (no coordinated omission).
#include <atomic>
#include <memory>
#include <thread>

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
    std::vector<samples> per_thread(o.connections);
    std::vector<std::uint64_t> late(o.connections, 0);
    auto budget = budget_for(o.duration_s, o.count, o.rate);
    // Connect first, outside the timing: a fixed-rate run starts when every publisher is ready.
    fixed_schedule fixed(o.rate.value_or(1), clock::now() + std::chrono::milliseconds(200 + 10 * o.connections));
    run_clock rc(o.node_pid, o.db_pid);
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < per_thread.size(); ++i)
        threads.emplace_back([&, i] {
            publish_loop(o, maker, next, budget, o.rate ? &fixed : nullptr, per_thread[i], late[i]);
        });
    if (o.rate) {  // the clock of a fixed-rate run starts with the schedule
        std::this_thread::sleep_until(fixed.start());
        rc = run_clock(o.node_pid, o.db_pid);
    }
    threads.clear();
    rc.stop();
    std::uint64_t late_total = 0;
    for (auto n : late) late_total += n;
    nlohmann::json extra{{"publishers", o.connections}, {"report_bytes", maker.make(0).size()}, {"indicators", 10}};
    if (o.rate) {
        extra["rate_per_s"] = *o.rate;
        extra["late_starts"] = late_total;
        extra["latency_from"] = "scheduled send time";
    }
    return summarise("publish", per_thread, rc, extra);
}

}  // namespace varde::bench
