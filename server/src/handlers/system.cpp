#include "handlers/system.hpp"

#include "http/problem.hpp"
#include "store/pg_pool.hpp"
#include "wire/identity_json.hpp"

namespace varde::handlers {

// Health answers without a principal lookup when the database is down (there is nothing to
// look up then), so monitoring sees "unavailable" rather than a refusal. When the database
// is up, only enrolled principals get an answer, like everywhere else.
http::response health(http::request_context const& ctx, services& s) {
    bool database_up = s.schema_ready() && s.pool.ping();
    if (database_up) {
        auto auth = s.identity.authenticate(ctx.fingerprint);
        if (auth && auth.value().status != service::auth_status::ok)
            return http::to_response({401, "this certificate is not enrolled on this node", {}, {}}, ctx);
    }
    http::response r;
    r.status = database_up ? 200 : 503;
    r.body = wire::health_json(database_up, s.version);
    return r;
}

http::response whoami(http::request_context const& ctx, services&) {
    http::response r;
    r.body = wire::whoami_json(*ctx.principal);
    return r;
}

}  // namespace varde::handlers
