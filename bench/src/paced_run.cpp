#include "paced_run.hpp"

#include <chrono>
#include <thread>

namespace varde::bench {

paced_result run_paced(options const& o, connection_loop const& loop) {
    paced_result run{run_clock(o.node_pid, o.db_pid), std::vector<samples>(o.connections), 0};
    std::vector<std::uint64_t> late(o.connections, 0);
    // Connect first, outside the timing: a fixed-rate run starts when every connection is ready.
    fixed_schedule fixed(o.rate.value_or(1), clock::now() + std::chrono::milliseconds(200 + 10 * o.connections));
    {
        std::vector<std::jthread> threads;
        for (std::size_t i = 0; i < o.connections; ++i)
            threads.emplace_back([&, i] { loop(i, o.rate ? &fixed : nullptr, run.per_connection[i], late[i]); });
        if (o.rate) {
            std::this_thread::sleep_until(fixed.start());
            run.clock = run_clock(o.node_pid, o.db_pid);
        }
    }  // joins every loop
    run.clock.stop();
    for (auto n : late) run.late_starts += n;
    return run;
}

void describe_pace(nlohmann::json& extra, options const& o, paced_result const& run) {
    if (!o.rate) return;
    extra["rate_per_s"] = *o.rate;
    extra["late_starts"] = run.late_starts;
    extra["latency_from"] = "scheduled send time";
}

}  // namespace varde::bench
