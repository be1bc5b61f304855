// varde-bench: load generator for a Varde node (bench/README.md). One subcommand per scenario,
// one JSON line of results on stdout; diagnostics on stderr.
#include <iostream>
#include <map>
#include <stdexcept>

#include "scenarios.hpp"

int main(int argc, char** argv) {
    using namespace varde::bench;
    std::map<std::string, nlohmann::json (*)(options const&)> const scenarios{
        {"requests", run_requests}, {"handshakes", run_handshakes}, {"publish", run_publish},
        {"fanout", run_fanout},     {"list", run_list}};
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
    try {
        std::cout << scenarios.at(o.scenario)(o).dump() << std::endl;
        return 0;
    } catch (std::exception const& e) {
        std::cerr << "varde-bench " << o.scenario << ": " << e.what() << "\n";
        return 1;
    }
}
