#include "cli/follow/exec_hook.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "cli/follow/event_sink.hpp"

namespace varde::cli {

namespace {

[[noreturn]] void become_hook(std::string const& command, int stdin_fd, nlohmann::json const& event,
                              std::string const& report_file) {
    ::dup2(stdin_fd, STDIN_FILENO);
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
    ::close(stdin_fd);
    ::setenv("VARDE_EVENT", event.value("event", "").c_str(), 1);
    ::setenv("VARDE_REPORT_ID", safe_report_id(event).c_str(), 1);
    ::setenv("VARDE_CURSOR", event.value("cursor", "").c_str(), 1);
    ::setenv("VARDE_REPORT_FILE", report_file.c_str(), 1);
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    std::_Exit(127);
}

void write_all(int fd, std::string const& text) {
    std::size_t written = 0;
    while (written < text.size()) {
        auto n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return;  // the hook does not read its input: that is its choice
        written += static_cast<std::size_t>(n);
    }
}

}  // namespace

int run_exec_hook(std::string const& command, nlohmann::json const& event, std::string const& report_file) {
    int fds[2];
    if (::pipe(fds) != 0) return -1;
    pid_t child = ::fork();
    if (child < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return -1;
    }
    if (child == 0) {
        ::close(fds[1]);
        become_hook(command, fds[0], event, report_file);
    }
    ::close(fds[0]);
    write_all(fds[1], event.dump() + "\n");
    ::close(fds[1]);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

}  // namespace varde::cli
