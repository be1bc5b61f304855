#pragma once
// Requests to the node for the commands: one mutual-TLS connection per invocation (kept
// alive), answers decoded as JSON, and every failure turned into a cli_error with the exit
// code of docs/cli.md and a message that says what to do.
#include <initializer_list>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/config.hpp"
#include "cli/exit_code.hpp"
#include "lib/connection.hpp"

namespace varde::cli {

using json = nlohmann::json;

class node_api {
public:
    explicit node_api(settings s) : settings_(std::move(s)) {}

    // The raw answer; transport failures throw cli_error (unreachable / not_accepted).
    // A 429 is retried after its Retry-After (a few times) before it is returned.
    client::reply send(std::string const& method, std::string const& path, std::string const& body = {},
                       std::map<std::string, std::string> const& headers = {});

    // The answer's JSON when its status is one of `ok`; otherwise throws cli_error for it.
    json call(std::string const& method, std::string const& path, std::string const& body = {},
              std::initializer_list<unsigned> ok = {200}, std::map<std::string, std::string> const& headers = {});

    settings const& config() const { return settings_; }

private:
    client::connection& connection();
    client::reply send_once(std::string const& method, std::string const& path, std::string const& body,
                            std::map<std::string, std::string> const& headers);

    settings settings_;
    std::unique_ptr<client::connection> connection_;
};

// The cli_error for a refusal: the problem's detail and each field error on its own line.
cli_error error_for(client::reply const& r);

// The cli_error for a failure of the client library (connect, TLS, timeout).
cli_error error_for(client::error const& e, settings const& s);

// Percent-encodes one path segment or query value.
std::string url_encode(std::string const& text);

}  // namespace varde::cli
