// varde: the command-line client of a Varde node (docs/cli.md).
#include <csignal>
#include <iostream>

#include "cli/command.hpp"

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is an error we report, not a silent death
    std::vector<std::string> words(argv + 1, argv + argc);
    return varde::cli::run_cli(words, varde::cli::process_env, std::cin, std::cout, std::cerr);
}
