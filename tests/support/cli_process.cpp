#include "cli_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace varde::test {

namespace {

using clock = std::chrono::steady_clock;

// argv and envp for execve, kept alive by the vectors of strings they point into.
struct exec_arrays {
    std::vector<std::string> words, env_words;
    std::vector<char*> argv, envp;
    exec_arrays(std::string const& program, process_spec const& spec) {
        words.push_back(program);
        words.insert(words.end(), spec.args.begin(), spec.args.end());
        for (auto const& [k, v] : spec.env) env_words.push_back(k + "=" + v);
        for (auto& w : words) argv.push_back(w.data());
        for (auto& w : env_words) envp.push_back(w.data());
        argv.push_back(nullptr);
        envp.push_back(nullptr);
    }
};

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

std::string slurp(std::string const& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

process_result run_process(std::string const& program, process_spec const& spec) {
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (::pipe(in_pipe) || ::pipe(out_pipe) || ::pipe(err_pipe)) throw std::runtime_error("pipe failed");
    exec_arrays a(program, spec);
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(in_pipe[0], 0);
        ::dup2(out_pipe[1], 1);
        ::dup2(err_pipe[1], 2);
        for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
        ::execve(program.c_str(), a.argv.data(), a.envp.data());
        ::_exit(127);
    }
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    ::signal(SIGPIPE, SIG_IGN);
    if (!spec.input.empty()) [[maybe_unused]] auto n = ::write(in_pipe[1], spec.input.data(), spec.input.size());
    ::close(in_pipe[1]);

    process_result r;
    int out_fd = out_pipe[0], err_fd = err_pipe[0];
    auto deadline = clock::now() + spec.timeout;
    while (clock::now() < deadline) {
        pollfd probe[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
        ::poll(probe, 2, 50);
        for (int i = 0; i < 2; ++i) {
            int& fd = i == 0 ? out_fd : err_fd;
            if (fd < 0 || !(probe[i].revents & (POLLIN | POLLHUP))) continue;
            char buf[4096];
            auto n = ::read(fd, buf, sizeof buf);
            if (n > 0) (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
            else { ::close(fd); fd = -1; }
        }
        if (out_fd < 0 && err_fd < 0) break;
    }
    if (out_fd >= 0 || err_fd >= 0) {
        r.timed_out = true;
        ::kill(pid, SIGKILL);
        if (out_fd >= 0) ::close(out_fd);
        if (err_fd >= 0) ::close(err_fd);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    r.exit_code = decode_status(status);
    return r;
}

background_process::background_process(std::string const& program, process_spec const& spec,
                                       std::string const& output_prefix)
    : out_path_(output_prefix + ".out"), err_path_(output_prefix + ".err") {
    exec_arrays a(program, spec);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        int null_in = ::open("/dev/null", O_RDONLY);
        int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        ::dup2(null_in, 0);
        ::dup2(out, 1);
        ::dup2(err, 2);
        ::execve(program.c_str(), a.argv.data(), a.envp.data());
        ::_exit(127);
    }
}

background_process::~background_process() {
    if (pid_ > 0) kill_hard();
}

bool background_process::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_code_ = decode_status(status);
        pid_ = -1;
        return false;
    }
    return true;
}

void background_process::kill_hard() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {}
    exit_code_ = decode_status(status);
    pid_ = -1;
}

int background_process::wait_for_exit(std::chrono::milliseconds timeout) {
    auto deadline = clock::now() + timeout;
    while (running()) {
        if (clock::now() > deadline) return -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return exit_code_;
}

int background_process::stop(std::chrono::milliseconds grace) {
    if (pid_ > 0) ::kill(pid_, SIGTERM);
    if (wait_for_exit(grace) == -1 && pid_ > 0) kill_hard();
    return exit_code_;
}

std::string background_process::out() const { return slurp(out_path_); }
std::string background_process::err() const { return slurp(err_path_); }

}  // namespace varde::test
