#pragma once
// /v1/admin/...: operators administer organisations and principals and read the audit log.
// Every route is operator-only; to anyone else it does not exist (404). Each act is audited
// with the acting operator's certificate fingerprint as the actor.
#include "handlers/services.hpp"
#include "http/request_context.hpp"
#include "http/router.hpp"

namespace varde::handlers {

http::response list_organisations(http::request_context const& ctx, services& s);
http::response create_organisation(http::request_context const& ctx, services& s);
http::response update_organisation(http::request_context const& ctx, services& s);
http::response enrol_principal(http::request_context const& ctx, services& s);
http::response revoke_principal(http::request_context const& ctx, services& s);
http::response list_audit(http::request_context const& ctx, services& s);

// Adds the routes above to the node's table (called at the end of make_routes).
void add_admin_routes(http::router& r);

}  // namespace varde::handlers
