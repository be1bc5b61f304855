#include "handlers/routes.hpp"

#include "handlers/system.hpp"

namespace varde::handlers {

http::router make_routes() {
    using http::route_access;
    http::router r;
    r.add("GET", "/v1/health", route_access::open, health);
    r.add("GET", "/v1/whoami", route_access::member, whoami);
    return r;
}

}  // namespace varde::handlers
