// varde-bench: load generator for a Varde node (bench/README.md). One subcommand per scenario,
// one JSON line of results on stdout; diagnostics on stderr.
#include <sys/resource.h>

#include <iostream>
#include <map>
#include <stdexcept>

#include "scenarios.hpp"

int main(int argc, char** argv) {
    using namespace varde::bench;
    std::map<std::string, nlohmann::json (*)(options const&)> const scenarios{
        {"requests", run_requests}, {"handshakes", run_handshakes}, {"publish", run_publish},
        {"fanout", run_fanout},     {"list", run_list},           {"idle", run_idle}};
    if (argc < 2 || !scenarios.contains(argv[1])) {
        std::cerr << usage();
        return 2;
    }
    options o;
    try {
        o = parse_options(argv[1], std::vector<std::string>(argv + 2, argv + argc));
    } catch (std::exception const& e) {
        std::cerr << "varde-bench: " << e.what() << "\n" << usage();
        return 2;
    }
    // Thousands of connections (idle, fanout) need as many descriptors: soft limit up to the hard one.
    if (rlimit lim{}; getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
    try {
        std::cout << scenarios.at(o.scenario)(o).dump() << std::endl;
        return 0;
    } catch (std::exception const& e) {
        std::cerr << "varde-bench " << o.scenario << ": " << e.what() << "\n";
        return 1;
    }
}
