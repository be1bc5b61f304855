#pragma once
// The connections of a request scenario (publish, list): one thread each, either as fast as
// each can go (a closed loop) or on one fixed schedule they share (--rate), timed so that a
// fixed-rate run's clock starts with its schedule, not while the connections are being made.
#include <cstdint>
#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

#include "options.hpp"
#include "stats.hpp"

namespace varde::bench {

struct paced_result {
    run_clock clock;
    std::vector<samples> per_connection;
    std::uint64_t late_starts = 0;  // slots taken over 1 ms late (fixed_schedule::wait_for_slot)
};

// Runs connection i's loop, given the schedule (nullptr in a closed loop), its samples and its
// count of late starts, for each of o.connections, and returns once every loop has ended.
using connection_loop = std::function<void(std::size_t i, fixed_schedule* schedule, samples& out, std::uint64_t& late)>;
paced_result run_paced(options const& o, connection_loop const& loop);

// A fixed-rate run's fields in a scenario's JSON line; nothing for a closed loop.
void describe_pace(nlohmann::json& extra, options const& o, paced_result const& run);

}  // namespace varde::bench
