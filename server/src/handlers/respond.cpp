#include "handlers/respond.hpp"

#include "http/problem.hpp"

namespace varde::handlers {

http::response respond(service::outcome<std::string> const& result, http::request_context const& ctx,
                       unsigned status) {
    if (!result) return http::to_response(http::from_service_error(result.err()), ctx);
    http::response r;
    r.status = status;
    r.body = result.value();
    return r;
}

http::response respond(service::outcome<service::created> const& result, http::request_context const& ctx) {
    if (!result) return http::to_response(http::from_service_error(result.err()), ctx);
    http::response r;
    r.status = result.value().status;
    r.body = result.value().body;
    return r;
}

}  // namespace varde::handlers
