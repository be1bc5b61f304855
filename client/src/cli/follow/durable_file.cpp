#include "cli/follow/durable_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/exit_code.hpp"

namespace varde::cli {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(std::string const& what, std::string const& path) {
    throw cli_error(exit_code::failure, "cannot " + what + " " + path + ": " + std::strerror(errno));
}

void sync_folder_of(std::string const& path) {
    auto folder = fs::path(path).parent_path();
    int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) fail("open the folder of", path);
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

std::string temporary_name_for(std::string const& path) {
    fs::path p(path);
    return (p.parent_path() / ("." + p.filename().string() + ".tmp")).string();
}

void write_durably(std::string const& path, std::string const& content) {
    auto temporary = temporary_name_for(path);
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail("create", temporary);
    std::size_t written = 0;
    while (written < content.size()) {
        auto n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ::close(fd);
            fail("write", temporary);
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        ::close(fd);
        fail("flush", temporary);
    }
    ::close(fd);
    if (::rename(temporary.c_str(), path.c_str()) != 0) fail("rename into place", path);
    sync_folder_of(path);
}

void remove_durably(std::string const& path) {
    if (::unlink(path.c_str()) != 0) {
        if (errno == ENOENT) return;
        fail("remove", path);
    }
    sync_folder_of(path);
}

std::optional<std::string> read_if_present(std::string const& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace varde::cli
