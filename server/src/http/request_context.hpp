#pragma once
// One HTTP request as the router and handlers see it: no Beast types, so handlers are plain
// functions that tests can call directly.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "domain/identity.hpp"

namespace varde::stream {
struct subscription_spec;
}

namespace varde::http {

struct request_context {
    std::string method;  // "GET", "POST", ...
    std::string path;    // the path as sent (percent-encoded), without the query: "/v1/whoami"
    std::map<std::string, std::string> query;        // decoded query parameters
    std::map<std::string, std::string> headers;      // lower-case names, only those kept
    std::map<std::string, std::string> path_params;  // "{id}" segments of the matched route, decoded
    std::string body;
    std::string request_id;   // random, echoed in logs and problem responses
    std::string fingerprint;  // SHA-256 of the verified client certificate
    std::string peer;         // "address:port", for logs
    std::optional<domain::principal> principal;  // set once authenticated
    // Until a request on this connection has read its principal from the database (not the
    // membership cache), every request does: each new connection, and so each TLS resumption,
    // is checked afresh, whatever its first requests were (an open route checks nothing).
    bool verified_on_connection = false;
    bool verified_now = false;  // out: this request did that fresh, successful check
    // The rate limiter has admitted this request already (router::answer_async): a retry of
    // it on the worker path is not counted again.
    bool rate_admitted = false;
};

struct response {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::map<std::string, std::string> headers;
    bool close_connection = false;  // e.g. after refusing an unenrolled certificate
    // Set (status 101) when the handler agreed to open an event stream: the transport
    // completes the WebSocket upgrade and hands the connection to the stream.
    std::shared_ptr<stream::subscription_spec> stream;
};

// Splits "a/b?x=1&y=%20" into a decoded path and query parameters; nullopt if malformed.
struct split_target {
    std::string path;
    std::map<std::string, std::string> query;
};
std::optional<split_target> parse_target(std::string_view target);
// Percent-decodes one path segment; nullopt if malformed or it holds NUL.
std::optional<std::string> decode_segment(std::string_view segment);

}  // namespace varde::http
