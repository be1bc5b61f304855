// fanout: S WebSocket subscribers (bob, carol, havn-feed, oscar in turn) and one publisher
// (alice) sending GREEN reports at a fixed rate whose title carries the send time. Measures
// publish-to-delivery latency (POST sent -> frame read at a subscriber, both on this
// machine's steady clock) and deliveries per second.
#include <cmath>
#include <iostream>
#include <sstream>
#include <thread>

#include "async_subscribers.hpp"
#include "report_maker.hpp"
#include "scenarios.hpp"
#include "stats.hpp"

namespace varde::bench {

namespace {

std::int64_t steady_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now().time_since_epoch()).count();
}

struct publish_result {
    std::uint64_t published = 0, errors = 0;
};

// Sends at a fixed rate from a schedule, so a slow answer is not followed by a burst. With
// several publishers (--publishers) the schedule is dealt out in turn: publisher k sends
// reports k, k + N, k + 2N, ..., so the rate is kept even while one waits for its answer, as
// during a campaign, when many members publish at once and the node commits them together.
publish_result publish_share(options const& o, report_maker const& maker, std::string const& marker,
                             unsigned first, unsigned step, std::ostream& err) {
    publish_result out;
    client::connection c(o.node, credentials(o, "alice"));
    auto interval = std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(1.0 / o.rate.value_or(10)));
    auto start = clock::now();
    auto end = start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(o.duration_s));
    for (std::uint64_t n = first;; n += step) {
        auto due = start + interval * static_cast<long>(n - 1);
        if (due >= end) break;
        std::this_thread::sleep_until(due);
        auto title = "Fanout probe " + maker.run_tag() + "-" + std::to_string(n) + " " + marker + std::to_string(steady_ns());
        try {
            auto r = c.request("POST", "/v1/reports", maker.make(n, title));
            if (r.status != 201) throw std::runtime_error("HTTP " + std::to_string(r.status));
            ++out.published;
        } catch (std::exception const& e) {
            err << "varde-bench fanout: publish failed: " << e.what() << "\n";
            ++out.errors;
        }
    }
    return out;
}

publish_result publish_at_rate(options const& o, report_maker const& maker, std::string const& marker) {
    if (o.publishers == 1) return publish_share(o, maker, marker, 1, 1, std::cerr);
    std::vector<publish_result> results(o.publishers);
    std::vector<std::ostringstream> errors(o.publishers);
    {
        std::vector<std::jthread> threads;
        for (unsigned k = 0; k < o.publishers; ++k)
            threads.emplace_back([&, k] { results[k] = publish_share(o, maker, marker, k + 1, o.publishers, errors[k]); });
    }
    publish_result total;
    for (unsigned k = 0; k < o.publishers; ++k) {
        total.published += results[k].published;
        total.errors += results[k].errors;
        std::cerr << errors[k].str();
    }
    return total;
}

std::vector<std::string> subscriber_principals(options const& o) {
    if (!o.cert.empty() || !o.as.empty()) return {principal_or(o, "bob")};
    return {"bob", "carol", "havn-feed", "oscar"};
}

}  // namespace

nlohmann::json run_fanout(options const& o) {
    report_maker maker(o.example);
    auto marker = "sent" + maker.run_tag() + "t";  // letters around the digits: one token
    async_subscribers subs(o, subscriber_principals(o), o.connections, marker, "fanout");
    auto connect_start = clock::now();
    subs.start(std::chrono::seconds(120));
    double connect_s = std::chrono::duration<double>(clock::now() - connect_start).count();

    run_clock rc(o.node_pid, o.db_pid);
    auto pub = publish_at_rate(o, maker, marker);
    // Drain: wait until every expected frame arrived, or give up after 10 s.
    auto expected = pub.published * subs.connected();
    auto drain_end = clock::now() + std::chrono::seconds(10);
    while (subs.deliveries() < expected && clock::now() < drain_end)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    rc.stop();
    subs.stop();

    samples all;
    all.latency_ns = subs.latencies_ns();
    auto missing = expected > subs.deliveries() ? expected - subs.deliveries() : 0;
    all.errors = pub.errors + subs.failed() + subs.closed_early() + missing;
    return summarise("fanout", {all}, rc,
                     {{"subscribers", subs.connected()}, {"subscribers_failed", subs.failed()},
                      {"streams_closed", subs.closed_early()}, {"rate_per_s", o.rate.value_or(10)}, {"publishers", o.publishers},
                      {"published", pub.published}, {"publish_errors", pub.errors},
                      {"deliveries_expected", expected}, {"deliveries_missing", missing},
                      {"connect_s", std::round(connect_s * 1000) / 1000},
                      {"op", "one report delivered to one subscriber; ops/s = deliveries/s"}});
}

}  // namespace varde::bench
