// idle: N idle mTLS WebSocket subscribers (GET /v1/stream; bob, carol, havn-feed, oscar in
// turn) on one thread, held open for --hold seconds, while the node's resident memory
// (VmRSS, /proc/<node-pid>/status) is sampled. Measures the node's memory per idle
// subscriber (target: at most 20 KiB). The node pings an idle stream at half its idle
// timeout and closes it without a pong: the readers stay pending so Beast answers.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <thread>

#include "async_subscribers.hpp"
#include "scenarios.hpp"
#include "stats.hpp"

namespace varde::bench {

namespace {

std::vector<std::string> idle_principals(options const& o) {
    if (!o.cert.empty() || !o.as.empty()) return {principal_or(o, "bob")};
    return {"bob", "carol", "havn-feed", "oscar"};
}

double round1(double v) { return std::round(v * 10) / 10; }

}  // namespace

nlohmann::json run_idle(options const& o) {
    auto hold = o.hold_s.value_or(o.duration_s);
    // Let the node settle (a restart, or the previous scenario's connections closing).
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto rss_before = resident_kib(o.node_pid);

    async_subscribers subs(o, idle_principals(o), o.connections, "", "idle");
    auto connect_start = clock::now();
    // Allow ~200 set-ups a second at worst, and two minutes at least.
    subs.start(std::chrono::seconds(std::max(120u, o.connections / 200)));
    double connect_s = std::chrono::duration<double>(clock::now() - connect_start).count();
    auto rss_connected = resident_kib(o.node_pid);

    // Hold, sampling the node's memory once a second; the run clock covers the hold only.
    run_clock rc(o.node_pid, o.db_pid);
    long rss_max = rss_connected.value_or(0);
    auto end = clock::now() + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(hold));
    while (clock::now() < end) {
        std::this_thread::sleep_until(std::min(end, clock::now() + std::chrono::seconds(1)));
        rss_max = std::max(rss_max, resident_kib(o.node_pid).value_or(0));
    }
    auto rss_open = resident_kib(o.node_pid);
    auto bench_rss = resident_kib(static_cast<int>(getpid()));
    auto open_now = subs.connected() - subs.closed_early();
    rc.stop();
    subs.stop();

    // One "op" is one subscriber that stayed open for the whole hold.
    samples s;
    s.latency_ns.assign(open_now, 0);
    s.errors = subs.failed() + subs.closed_early();
    auto j = summarise("idle", {s}, rc,
                       {{"connections", o.connections},
                        {"connected", subs.connected()},
                        {"subscribers_failed", subs.failed()},
                        {"closed_early", subs.closed_early()},
                        {"open_at_end", open_now},
                        {"hold_s", hold},
                        {"connect_s", std::round(connect_s * 1000) / 1000},
                        {"connects_per_s", connect_s > 0 ? round1(subs.connected() / connect_s) : 0.0},
                        {"frames", subs.frames()},
                        {"pings_answered", subs.pings()},
                        {"op", "one idle WebSocket subscriber held open; ops/s is meaningless here"}});
    for (auto k : {"p50_ms", "p90_ms", "p99_ms", "max_ms", "ops_per_s", "node_cpu_ms_per_op"}) j.erase(k);
    if (rss_before && rss_open) {
        j["node_rss_before_kib"] = *rss_before;
        j["node_rss_connected_kib"] = rss_connected.value_or(0);
        j["node_rss_open_kib"] = *rss_open;
        j["node_rss_max_kib"] = rss_max;
        j["node_rss_delta_kib"] = *rss_open - *rss_before;
        j["kib_per_connection"] = open_now ? round1(static_cast<double>(*rss_open - *rss_before) / open_now) : 0.0;
    } else {
        j["kib_per_connection"] = nullptr;
    }
    if (bench_rss) j["bench_rss_kib"] = *bench_rss;
    return j;
}

}  // namespace varde::bench
