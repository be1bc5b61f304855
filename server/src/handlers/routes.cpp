#include "handlers/routes.hpp"

#include "handlers/admin.hpp"
#include "handlers/events.hpp"
#include "handlers/moderation.hpp"
#include "handlers/reports.hpp"
#include "handlers/system.hpp"

namespace varde::handlers {

http::router make_routes(http::rate_limit limit) {
    using http::route_access;
    http::router r(limit);
    r.add("GET", "/v1/health", route_access::open, health);
    r.add("GET", "/v1/whoami", route_access::member, whoami, http::route_cost::memory_only);
    r.add("POST", "/v1/reports", route_access::member, publish_report);
    r.add("POST", "/v1/reports/preview", route_access::member, preview_report);
    r.add("GET", "/v1/reports", route_access::member, list_reports);
    r.add_async("GET", "/v1/reports/{id}", route_access::member, get_report, get_report_async);
    r.add("GET", "/v1/indicators/{type}/{value}", route_access::member, find_by_indicator);
    r.add("GET", "/v1/events", route_access::member, poll_events);
    r.add("GET", "/v1/stream", route_access::member, open_stream);
    r.add("POST", "/v1/reports/{id}/retract", route_access::member, retract_report);
    r.add("POST", "/v1/reports/{id}/tlp", route_access::member, change_tlp);
    r.add("POST", "/v1/reports/{id}/tlp-proposal/accept", route_access::member, accept_proposal);
    r.add("POST", "/v1/reports/{id}/tlp-proposal/decline", route_access::member, decline_proposal);
    r.add("GET", "/v1/moderation/queue", route_access::operator_, moderation_queue);
    r.add("GET", "/v1/moderation/review", route_access::operator_, review_list);
    r.add("POST", "/v1/reports/{id}/approve", route_access::operator_, approve_report);
    r.add("POST", "/v1/reports/{id}/reject", route_access::operator_, reject_report);
    r.add("POST", "/v1/reports/{id}/reviewed", route_access::operator_, mark_reviewed);
    add_admin_routes(r);
    return r;
}

}  // namespace varde::handlers
