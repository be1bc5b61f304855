#pragma once
// Runs a real executable (the `varde` CLI) for end-to-end tests: once to completion with a
// deadline, capturing its output, or in the background to be killed at will.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace varde::test {

struct process_result {
    int exit_code = -1;  // 128 + signal if a signal ended it
    std::string out;
    std::string err;
    bool timed_out = false;
};

struct process_spec {
    std::vector<std::string> args;  // without the program
    // The child's whole environment (nothing is inherited but what is given here).
    std::map<std::string, std::string> env;
    std::string input;  // written to its standard input (keep it under 64 KiB)
    std::chrono::milliseconds timeout{20000};
};

// Runs `program` to completion; kills it (SIGKILL) after the timeout.
process_result run_process(std::string const& program, process_spec const& spec);

// A process running in the background, its output going to files; killed (SIGKILL) when
// the object goes away if it still runs.
class background_process {
public:
    background_process(std::string const& program, process_spec const& spec, std::string const& output_prefix);
    ~background_process();
    background_process(background_process const&) = delete;
    background_process& operator=(background_process const&) = delete;

    pid_t pid() const { return pid_; }
    bool running();
    void kill_hard();  // SIGKILL, then reaps it
    // SIGTERM, then waits up to `grace` (SIGKILL after); returns the exit code.
    int stop(std::chrono::milliseconds grace = std::chrono::milliseconds(5000));
    // Waits for it to exit by itself; returns the exit code, or -1 on timeout.
    int wait_for_exit(std::chrono::milliseconds timeout);
    std::string out() const;
    std::string err() const;

private:
    pid_t pid_ = -1;
    int exit_code_ = -1;
    std::string out_path_, err_path_;
};

}  // namespace varde::test
