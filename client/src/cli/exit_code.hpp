#pragma once
// The exit codes scripts may rely on (documented in docs/cli.md), and the one exception that
// carries a failure, its message and its code up to main().
#include <stdexcept>
#include <string>

namespace varde::cli {

enum class exit_code : int {
    ok = 0,
    failure = 1,         // anything not below (e.g. a --exec command failed, an audit chain is broken)
    usage = 2,           // bad command line
    config = 3,          // missing setting, unreadable certificate/key/CA/report file
    unreachable = 4,     // cannot connect, TLS handshake failed, no answer in time
    not_accepted = 5,    // certificate refused (401/403) or access revoked
    not_found = 6,       // 404, 410
    rejected_input = 7,  // 400, 409, 413, 415, 422: the node refused what was sent
    server_error = 8,    // 5xx, or an answer the client cannot read
    forbidden = 9,       // 403 for an act this principal may not do (e.g. retract another's report)
};

constexpr int as_int(exit_code c) { return static_cast<int>(c); }

// Thrown by commands; main() prints what() to stderr ("varde: ...") and exits with code().
class cli_error : public std::runtime_error {
public:
    cli_error(exit_code code, std::string const& message) : std::runtime_error(message), code_(code) {}
    exit_code code() const { return code_; }

private:
    exit_code code_;
};

}  // namespace varde::cli
