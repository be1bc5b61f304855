#include "stats.hpp"

#include <thread>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace varde::bench {

namespace {

double ticks_to_s(unsigned long long ticks) { return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK)); }

// Fields 4 (ppid) and 14-17 (utime, stime, cutime, cstime) of /proc/<pid>/stat.
struct proc_times {
    int ppid = 0;
    unsigned long long own = 0, reaped = 0;  // utime+stime; cutime+cstime
};

std::optional<proc_times> read_proc_times(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return std::nullopt;
    // The command name (field 2) may hold spaces; fields are counted after its ')'.
    auto close = line.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream rest(line.substr(close + 2));
    std::string field;
    proc_times t;
    for (int i = 3; i <= 17 && rest >> field; ++i) {
        if (i == 4) t.ppid = std::stoi(field);
        if (i == 14 || i == 15) t.own += std::stoull(field);
        if (i == 16 || i == 17) t.reaped += std::stoull(field);
    }
    return t;
}

}  // namespace

std::optional<double> node_cpu_seconds(std::optional<int> pid) {
    if (!pid) return std::nullopt;
    auto t = read_proc_times(*pid);
    if (!t) return std::nullopt;
    return ticks_to_s(t->own);
}

std::optional<double> cluster_cpu_seconds(std::optional<int> postmaster_pid) {
    if (!postmaster_pid) return std::nullopt;
    auto root = read_proc_times(*postmaster_pid);
    if (!root) return std::nullopt;
    auto ticks = root->own + root->reaped;
    for (auto const& entry : std::filesystem::directory_iterator("/proc")) {
        auto name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        auto t = read_proc_times(std::stoi(name));  // gone meanwhile: its time is in the reaped sum
        if (t && t->ppid == *postmaster_pid) ticks += t->own;
    }
    return ticks_to_s(ticks);
}

std::optional<double> machine_busy_seconds() {
    std::ifstream in("/proc/stat");
    std::string cpu;
    unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
    if (!(in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) || cpu != "cpu")
        return std::nullopt;
    return ticks_to_s(user + nice + system + irq + softirq + steal);
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

run_clock::run_clock(std::optional<int> node_pid, std::optional<int> db_pid)
    : pid_(node_pid), db_pid_(db_pid), start_(clock::now()), cpu_start_(node_cpu_seconds(node_pid)),
      db_start_(cluster_cpu_seconds(db_pid)), busy_start_(machine_busy_seconds()),
      own_start_(node_cpu_seconds(getpid()).value_or(0)) {}

void run_clock::stop() {
    seconds_ = std::chrono::duration<double>(clock::now() - start_).count();
    auto difference = [](std::optional<double> from, std::optional<double> to) -> std::optional<double> {
        if (from && to) return *to - *from;
        return std::nullopt;
    };
    cpu_ = difference(cpu_start_, node_cpu_seconds(pid_));
    db_cpu_ = difference(db_start_, cluster_cpu_seconds(db_pid_));
    busy_ = difference(busy_start_, machine_busy_seconds());
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
    auto per_second = [&](double v) { return round3(rc.seconds() > 0 ? v / rc.seconds() : 0); };
    if (auto db = rc.db_cpu()) {
        j["db_cpu_ms_per_op"] = ops ? round3(*db * 1000 / static_cast<double>(ops)) : 0.0;
        j["db_cpu_util"] = per_second(*db);
    }
    j["bench_cpu_util"] = per_second(rc.own_cpu());
    if (auto busy = rc.machine_busy()) {
        j["machine_busy_cores"] = per_second(*busy);
        j["machine_cores"] = sysconf(_SC_NPROCESSORS_ONLN);
    }
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

work_budget budget_for(double duration_s, std::optional<unsigned long> count, std::optional<double> rate) {
    if (rate) return work_budget(0, count.value_or(static_cast<unsigned long>(duration_s * *rate + 0.5)));
    return work_budget(duration_s, count);
}

fixed_schedule::fixed_schedule(double rate_per_s, clock::time_point start)
    : start_(start),
      interval_(std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(1.0 / rate_per_s))) {}

clock::time_point fixed_schedule::wait_for_slot(std::uint64_t& late) {
    auto due = start_ + interval_ * static_cast<long>(slot_.fetch_add(1));
    auto now = clock::now();
    if (due > now)
        std::this_thread::sleep_until(due);
    else if (now - due > std::chrono::milliseconds(1))
        ++late;
    return due;
}

}  // namespace varde::bench
