#pragma once
// The follower's state file: the cursor of the last event fully handled. It is replaced
// durably after each event, and locked while a follower runs, so two followers cannot
// interleave their progress in one file.
#include <optional>
#include <string>

namespace varde::cli {

class cursor_state {
public:
    // Takes the lock (a ".lock" file beside it); throws cli_error(failure) if another
    // follower holds it. An empty path keeps the cursor in memory only.
    explicit cursor_state(std::string path);
    ~cursor_state();
    cursor_state(cursor_state const&) = delete;
    cursor_state& operator=(cursor_state const&) = delete;

    std::optional<std::string> load() const;
    void store(std::string const& cursor);

private:
    std::string path_;
    int lock_fd_ = -1;
};

}  // namespace varde::cli
