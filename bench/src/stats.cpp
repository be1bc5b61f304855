#include "stats.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace varde::bench {

std::optional<double> node_cpu_seconds(std::optional<int> pid) {
    if (!pid) return std::nullopt;
    std::ifstream in("/proc/" + std::to_string(*pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return std::nullopt;
    // The command name (field 2) may hold spaces; fields are counted after its ')'.
    auto close = line.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    unsigned long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) utime = std::stoul(field);
        if (i == 15) stime = std::stoul(field);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::optional<long> resident_kib(std::optional<int> pid) {
    if (!pid) return std::nullopt;
    std::ifstream in("/proc/" + std::to_string(*pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));  // "VmRSS:  1234 kB"
    }
    return std::nullopt;
}

run_clock::run_clock(std::optional<int> node_pid)
    : pid_(node_pid), start_(clock::now()), cpu_start_(node_cpu_seconds(node_pid)),
      own_start_(node_cpu_seconds(getpid()).value_or(0)) {}

void run_clock::stop() {
    seconds_ = std::chrono::duration<double>(clock::now() - start_).count();
    auto end = node_cpu_seconds(pid_);
    if (end && cpu_start_) cpu_ = *end - *cpu_start_;
    own_cpu_ = node_cpu_seconds(getpid()).value_or(0) - own_start_;
}

namespace {

double percentile_ms(std::vector<std::int64_t> const& sorted, double p) {
    if (sorted.empty()) return 0;
    auto i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return static_cast<double>(sorted[std::min(i, sorted.size() - 1)]) / 1e6;
}

double round3(double v) { return static_cast<double>(static_cast<long long>(v * 1000 + 0.5)) / 1000; }

}  // namespace

nlohmann::json summarise(char const* scenario, std::vector<samples> const& per_thread, run_clock const& rc,
                         nlohmann::json extra) {
    std::vector<std::int64_t> all;
    std::uint64_t errors = 0;
    for (auto const& s : per_thread) {
        all.insert(all.end(), s.latency_ns.begin(), s.latency_ns.end());
        errors += s.errors;
    }
    std::sort(all.begin(), all.end());
    auto ops = all.size();
    nlohmann::json j{{"scenario", scenario},
                     {"ops", ops},
                     {"seconds", round3(rc.seconds())},
                     {"ops_per_s", round3(rc.seconds() > 0 ? static_cast<double>(ops) / rc.seconds() : 0)},
                     {"p50_ms", round3(percentile_ms(all, 0.50))},
                     {"p90_ms", round3(percentile_ms(all, 0.90))},
                     {"p99_ms", round3(percentile_ms(all, 0.99))},
                     {"max_ms", round3(all.empty() ? 0 : static_cast<double>(all.back()) / 1e6)},
                     {"errors", errors}};
    if (auto cpu = rc.node_cpu()) {
        j["node_cpu_s"] = round3(*cpu);
        j["node_cpu_ms_per_op"] = ops ? round3(*cpu * 1000 / static_cast<double>(ops)) : 0.0;
        j["node_cpu_util"] = round3(rc.seconds() > 0 ? *cpu / rc.seconds() : 0);
    } else {
        j["node_cpu_ms_per_op"] = nullptr;
    }
    j["bench_cpu_util"] = round3(rc.seconds() > 0 ? rc.own_cpu() / rc.seconds() : 0);
    j.update(extra);
    return j;
}

work_budget::work_budget(double seconds, std::optional<unsigned long> count)
    : deadline_(clock::now() + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds))),
      count_(count) {}

bool work_budget::take() {
    if (count_) return taken_.fetch_add(1) < *count_;
    return clock::now() < deadline_;
}

}  // namespace varde::bench
