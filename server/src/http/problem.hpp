#pragma once
// RFC 9457 problem details: the one door through which errors leave the node.
#include <string>
#include <vector>

#include "http/request_context.hpp"
#include "service/outcome.hpp"

namespace varde::http {

struct field_problem {
    std::string field;  // "indicators[3].value"
    std::string detail;
};

struct problem {
    unsigned status = 500;
    std::string detail;                       // safe for the client to read
    std::vector<field_problem> errors;  // the offending fields, for validation errors
    std::string internal;                     // logged with the request id, never sent
};

// The single mapping from a problem to a response (application/problem+json).
response to_response(problem const& p, request_context const& ctx);

// The single mapping from a service error to a problem.
problem from_service_error(service::error const& e);

// Standard reason phrase for a status code, also used as the problem title.
std::string_view reason_phrase(unsigned status);

}  // namespace varde::http
