// varde-node: serve | migrate | admin ... | audit verify. See docs/configuration.md.
#include <iostream>

#include "app/admin.hpp"
#include "app/args.hpp"
#include "app/run.hpp"
#include "util/lsan_suppressions.hpp"

int main(int argc, char** argv) {
    using namespace varde::app;
    args a(argc, argv, 1);
    auto config = configure(a);
    if (!config) return exit_usage;
    auto command = a.positional().empty() ? std::string("serve") : a.positional().front();
    if (command == "serve") return serve(*config);
    if (command == "migrate") return run_migrate(*config);
    if (command == "admin") return run_admin(*config, a);
    if (command == "audit") return run_audit(*config, a);
    std::cerr << "varde-node: unknown command '" << command << "' (serve, migrate, admin, audit)\n";
    return exit_usage;
}
