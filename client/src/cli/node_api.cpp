#include "cli/node_api.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "cli/exit_code.hpp"

namespace varde::cli {

namespace {

constexpr int max_rate_limit_retries = 5;

constexpr char const* not_accepted_hint =
    "certificate not accepted by the node: is it enrolled and active? see varde whoami";

// A 403 is either the node refusing the certificate (revoked: it also closes the connection)
// or refusing one act of an accepted principal (retracting another's report).
bool is_certificate_refusal(client::reply const& r, std::string const& detail) {
    if (r.status == 401) return true;
    return r.status == 403 && (r.header("connection") == "close" || detail.find("certificate") != std::string::npos);
}

exit_code code_for_status(unsigned status) {
    if (status == 401) return exit_code::not_accepted;
    if (status == 403) return exit_code::forbidden;
    if (status == 404 || status == 410) return exit_code::not_found;
    if (status == 400 || status == 409 || status == 413 || status == 415 || status == 422) return exit_code::rejected_input;
    if (status >= 500) return exit_code::server_error;
    return exit_code::failure;
}

// OpenSSL's words for a peer that refused our certificate during or just after the handshake.
bool looks_like_certificate_refusal(std::string const& what) {
    for (char const* word : {"certificate required", "bad certificate", "unknown ca", "certificate expired",
                             "certificate revoked", "certificate unknown", "certificate not accepted"})
        if (what.find(word) != std::string::npos) return true;
    return false;
}

std::chrono::seconds retry_after(client::reply const& r) {
    auto text = r.header("retry-after");
    long s = text.empty() ? 1 : std::strtol(text.c_str(), nullptr, 10);
    return std::chrono::seconds(std::clamp(s, 1L, 30L));
}

}  // namespace

cli_error error_for(client::reply const& r) {
    auto problem = json::parse(r.body, nullptr, false);
    std::string detail = problem.is_object() ? problem.value("detail", "") : "";
    if (detail.empty()) detail = "the node answered HTTP " + std::to_string(r.status);
    if (is_certificate_refusal(r, detail))
        return cli_error(exit_code::not_accepted, std::string(not_accepted_hint) + " (node: " + detail + ")");
    std::string message;
    if (r.status == 403) message = "not allowed: " + detail;
    else if (r.status == 404) message = "not found: " + detail;
    else if (r.status == 410) message = "gone (retracted): " + detail;
    else if (r.status >= 500) message = "the node failed (HTTP " + std::to_string(r.status) + "): " + detail;
    else message = "the node refused it (HTTP " + std::to_string(r.status) + "): " + detail;
    if (problem.is_object() && problem.contains("errors") && problem["errors"].is_array())
        for (auto const& e : problem["errors"]) message += "\n  " + e.value("field", "?") + ": " + e.value("detail", "");
    return cli_error(code_for_status(r.status), message);
}

cli_error error_for(client::error const& e, settings const& s) {
    std::string what = e.what();
    if (looks_like_certificate_refusal(what))
        return cli_error(exit_code::not_accepted, std::string(not_accepted_hint) + " (" + what + ")");
    switch (e.which()) {
    case client::error::kind::connect:
        return cli_error(exit_code::unreachable, what + " (is the node running? is --url right?)");
    case client::error::kind::tls:
        return cli_error(exit_code::unreachable, what + " (is --ca the CA of the node's certificate, and " + s.server_name +
                                                     " a name in it? is your certificate from the node's member CA?)");
    case client::error::kind::timeout:
        return cli_error(exit_code::unreachable, what + " (try a longer --timeout)");
    case client::error::kind::protocol: break;
    }
    return cli_error(exit_code::unreachable, what);
}

std::string url_encode(std::string const& text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

client::connection& node_api::connection() {
    if (!connection_) {
        try {
            connection_ = connect_first(settings_, [&](client::target const& t) {
                return std::make_unique<client::connection>(t, tls_options_of(settings_), settings_.timeout);
            });
        } catch (client::error const& e) {
            throw error_for(e, settings_);
        } catch (std::exception const& e) {  // e.g. an unreadable key: the TLS context refuses it
            throw cli_error(exit_code::config, std::string("cannot use the certificate, key or CA: ") + e.what());
        }
    }
    return *connection_;
}

client::reply node_api::send_once(std::string const& method, std::string const& path, std::string const& body,
                                  std::map<std::string, std::string> const& headers) {
    try {
        auto r = connection().request(method, path, body, headers);
        // The node closes the connection after a refusal; and a "Connection: close" answer.
        if (r.status == 401 || r.status == 403 || r.header("connection") == "close") connection_.reset();
        return r;
    } catch (client::error const& e) {
        connection_.reset();
        throw error_for(e, settings_);
    }
}

client::reply node_api::send(std::string const& method, std::string const& path, std::string const& body,
                             std::map<std::string, std::string> const& headers) {
    for (int attempt = 0;; ++attempt) {
        auto r = send_once(method, path, body, headers);
        if (r.status != 429 || attempt == max_rate_limit_retries) return r;
        std::this_thread::sleep_for(retry_after(r));
    }
}

json node_api::call(std::string const& method, std::string const& path, std::string const& body,
                    std::initializer_list<unsigned> ok, std::map<std::string, std::string> const& headers) {
    auto r = send(method, path, body, headers);
    if (std::find(ok.begin(), ok.end(), r.status) == ok.end()) throw error_for(r);
    auto parsed = json::parse(r.body, nullptr, false);
    if (parsed.is_discarded())
        throw cli_error(exit_code::server_error, "the node's answer is not JSON (HTTP " + std::to_string(r.status) + ")");
    return parsed;
}

}  // namespace varde::cli
