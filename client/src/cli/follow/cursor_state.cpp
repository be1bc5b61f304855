#include "cli/follow/cursor_state.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "cli/exit_code.hpp"
#include "cli/follow/durable_file.hpp"

namespace varde::cli {

cursor_state::cursor_state(std::string path) : path_(std::move(path)) {
    if (path_.empty()) return;
    auto lock_path = path_ + ".lock";
    lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0) throw cli_error(exit_code::config, "cannot create the lock file " + lock_path);
    // The kernel drops the lock when the process dies, even by kill -9.
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
        ::close(lock_fd_);
        throw cli_error(exit_code::failure, "another varde follow is using the state file " + path_);
    }
}

cursor_state::~cursor_state() {
    if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::optional<std::string> cursor_state::load() const {
    if (path_.empty()) return std::nullopt;
    auto text = read_if_present(path_);
    if (!text) return std::nullopt;
    auto end = text->find_last_not_of(" \t\r\n");
    if (end == std::string::npos) return std::nullopt;
    return text->substr(0, end + 1);
}

void cursor_state::store(std::string const& cursor) {
    if (!path_.empty()) write_durably(path_, cursor + "\n");
}

}  // namespace varde::cli
