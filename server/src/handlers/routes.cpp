#include "handlers/routes.hpp"

#include "handlers/reports.hpp"
#include "handlers/system.hpp"

namespace varde::handlers {

http::router make_routes() {
    using http::route_access;
    http::router r;
    r.add("GET", "/v1/health", route_access::open, health);
    r.add("GET", "/v1/whoami", route_access::member, whoami);
    r.add("POST", "/v1/reports", route_access::member, publish_report);
    r.add("POST", "/v1/reports/preview", route_access::member, preview_report);
    r.add("GET", "/v1/reports", route_access::member, list_reports);
    r.add("GET", "/v1/reports/{id}", route_access::member, get_report);
    r.add("GET", "/v1/indicators/{type}/{value}", route_access::member, find_by_indicator);
    return r;
}

}  // namespace varde::handlers
