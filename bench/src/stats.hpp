#pragma once
// Latency samples, the node's CPU time, and the one JSON line every scenario prints.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

namespace varde::bench {

using clock = std::chrono::steady_clock;

// Samples of one thread; merged once at the end so threads never share a lock while timing.
struct samples {
    std::vector<std::int64_t> latency_ns;
    std::uint64_t errors = 0;
    void add(clock::duration d) { latency_ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()); }
};

// The node's utime+stime from /proc/<pid>/stat, in seconds; nullopt without a pid.
std::optional<double> node_cpu_seconds(std::optional<int> pid);

// CPU seconds of a PostgreSQL cluster: its postmaster, every live process it started (backends,
// WAL writer, checkpointer...) and those it has reaped (its cutime+cstime); nullopt without a pid.
std::optional<double> cluster_cpu_seconds(std::optional<int> postmaster_pid);

// Busy CPU seconds of the whole machine, all CPUs (/proc/stat: everything but idle and iowait).
std::optional<double> machine_busy_seconds();

// VmRSS of a process from /proc/<pid>/status, in KiB; nullopt without a pid or on failure.
std::optional<long> resident_kib(std::optional<int> pid);

// Wall time and CPU of one run, started at construction: the node's, the database's, our own and
// the machine's, so that a result shows whether the two cores, not the node, were the limit.
class run_clock {
public:
    explicit run_clock(std::optional<int> node_pid, std::optional<int> db_pid = std::nullopt);
    void stop();
    double seconds() const { return seconds_; }
    std::optional<double> node_cpu() const { return cpu_; }
    std::optional<double> db_cpu() const { return db_cpu_; }
    std::optional<double> machine_busy() const { return busy_; }
    double own_cpu() const { return own_cpu_; }  // varde-bench's CPU: is the load generator the limit?

private:
    std::optional<int> pid_, db_pid_;
    clock::time_point start_;
    std::optional<double> cpu_start_, cpu_, db_start_, db_cpu_, busy_start_, busy_;
    double own_start_ = 0, own_cpu_ = 0;
    double seconds_ = 0;
};

// ops, seconds, ops/s, latency percentiles (ms), errors, node CPU per op; `extra` is merged in.
nlohmann::json summarise(char const* scenario, std::vector<samples> const& per_thread, run_clock const& rc,
                         nlohmann::json extra = nlohmann::json::object());

// Keeps worker threads going until a deadline or an operation count is reached.
class work_budget {
public:
    work_budget(double seconds, std::optional<unsigned long> count);
    bool take();  // true: do one more operation

private:
    clock::time_point deadline_;
    std::optional<unsigned long> count_;
    std::atomic<unsigned long> taken_{0};
};

// The budget of a scenario: with a fixed rate, a fixed number of operations (duration x rate,
// or count); otherwise until the duration has passed (or count operations are done).
work_budget budget_for(double duration_s, std::optional<unsigned long> count, std::optional<double> rate);

// A fixed-rate schedule shared by a scenario's connections: operation k is due at
// start + k / rate. Each latency is measured from the due time, so a slow answer that delays
// the next operations counts against them too (no coordinated omission).
class fixed_schedule {
public:
    fixed_schedule(double rate_per_s, clock::time_point start);
    clock::time_point start() const { return start_; }
    // Takes the next slot and sleeps until it is due; returns its due time. Counts in `late`
    // a slot already over 1 ms overdue when taken (every connection was busy when it was due).
    clock::time_point wait_for_slot(std::uint64_t& late);

private:
    clock::time_point start_;
    clock::duration interval_;
    std::atomic<std::uint64_t> slot_{0};
};

}  // namespace varde::bench
