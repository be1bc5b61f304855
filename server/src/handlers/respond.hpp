#pragma once
// A use case's answer as an HTTP response: its JSON body with a status, or its error as a
// problem (through the one mapping in http/problem).
#include <string>

#include "http/request_context.hpp"
#include "service/outcome.hpp"
#include "service/report_service.hpp"

namespace varde::handlers {

http::response respond(service::outcome<std::string> const& result, http::request_context const& ctx,
                       unsigned status = 200);
// For answers that carry their own status (201 created, 202 proposed, a retried key's first).
http::response respond(service::outcome<service::created> const& result, http::request_context const& ctx);

}  // namespace varde::handlers
