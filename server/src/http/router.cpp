#include "http/router.hpp"

#include <algorithm>

#include "handlers/services.hpp"
#include "http/problem.hpp"
#include "util/log.hpp"

namespace varde::http {

struct router::match {
    route const* r;
};

namespace {

std::string_view next_segment(std::string_view& rest) {
    auto slash = rest.find('/');
    auto seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    return seg;
}

struct refusal {
    unsigned status;
    char const* reason;  // for the log
    char const* detail;  // for the client
};

refusal refusal_of(service::auth_status s) {
    switch (s) {
    case service::auth_status::revoked: return {403, "revoked", "this certificate's principal has been revoked"};
    case service::auth_status::expired: return {401, "expired", "this certificate has expired; ask the CERT to enrol a new one"};
    default: return {401, "not enrolled", "this certificate is not enrolled on this node; ask the CERT to enrol it"};
    }
}

// Looks up the principal behind the verified certificate on every request: in the database
// until one request on the connection has succeeded that way (so TLS session resumption can
// never skip it), then through the membership cache, which forgets on every change the node
// hears of (a revocation reaches open keep-alive connections as it reaches open streams).
std::optional<response> authenticate(request_context& ctx, handlers::services& s) {
    if (!s.schema_ready()) return to_response({503, "the node's database is not ready; try again shortly", {}, {}}, ctx);
    auto how = ctx.verified_on_connection ? service::lookup::cached : service::lookup::fresh;
    auto result = s.identity.authenticate(ctx.fingerprint, how);
    if (!result) return to_response(from_service_error(result.err()), ctx);
    auto const& auth = result.value();
    if (auth.status == service::auth_status::ok) {
        ctx.principal = auth.who;
        ctx.verified_now = how == service::lookup::fresh;
        return std::nullopt;
    }
    auto [status, reason, detail] = refusal_of(auth.status);
    log::warn("auth.refused", {{"request_id", ctx.request_id}, {"peer", ctx.peer},
                               {"fingerprint", ctx.fingerprint}, {"reason", reason}});
    auto r = to_response({status, detail, {}, {}}, ctx);
    r.close_connection = true;
    return r;
}

}  // namespace

bool match_pattern(std::string_view pattern, std::string_view path,
                   std::map<std::string, std::string>& params) {
    std::map<std::string, std::string> found;
    while (!pattern.empty() || !path.empty()) {
        if (pattern.empty() || path.empty()) return false;
        auto p = next_segment(pattern);
        auto s = next_segment(path);
        if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
            auto value = decode_segment(s);
            if (!value || value->empty()) return false;
            found.emplace(std::string(p.substr(1, p.size() - 2)), std::move(*value));
        } else if (p != s) {
            return false;
        }
    }
    params = std::move(found);
    return true;
}

void router::add(std::string method, std::string pattern, route_access access, handler fn,
                 route_cost cost) {
    routes_.push_back({std::move(method), std::move(pattern), access, std::move(fn), cost, {}});
}

void router::add_async(std::string method, std::string pattern, route_access access, handler fn,
                       async_handler async_fn) {
    routes_.push_back({std::move(method), std::move(pattern), access, std::move(fn), route_cost::database_async,
                       std::move(async_fn)});
}

std::optional<router::match> router::find(request_context& ctx, bool& path_known) const {
    bool is_operator = ctx.principal && ctx.principal->is_operator();
    for (auto const& r : routes_) {
        if (r.access == route_access::operator_ && !is_operator) continue;  // hidden: 404
        std::map<std::string, std::string> params;
        if (!match_pattern(r.pattern, ctx.path, params)) continue;
        path_known = true;
        if (r.method != ctx.method) continue;
        ctx.path_params = std::move(params);
        return match{&r};
    }
    return std::nullopt;
}

// Whether the request's method and path match a route of this access and cost.
bool router::has_route(request_context const& ctx, route_access access, std::optional<route_cost> cost) const {
    std::map<std::string, std::string> ignored;
    return std::any_of(routes_.begin(), routes_.end(), [&](route const& r) {
        return r.access == access && (!cost || r.cost == *cost) && r.method == ctx.method &&
               match_pattern(r.pattern, ctx.path, ignored);
    });
}

std::optional<response> router::over_rate_limit(request_context const& ctx) const {
    std::chrono::seconds retry_after{0};
    if (limiter_->allow(ctx.fingerprint, rate_limiter::clock::now(), retry_after)) return std::nullopt;
    auto r = to_response({429, "too many requests from this principal; retry after " +
                                   std::to_string(retry_after.count()) + " s", {}, {}}, ctx);
    r.headers["Retry-After"] = std::to_string(retry_after.count());
    return r;
}

// After authentication (ctx.principal set, or an open route): rate limit, route, handler.
response router::answer_authenticated(request_context& ctx, handlers::services& s) const {
    if (!ctx.rate_admitted)
        if (auto refusal = over_rate_limit(ctx)) return std::move(*refusal);
    bool path_known = false;
    auto m = find(ctx, path_known);
    if (!m) {
        if (path_known) return to_response({405, "this resource does not allow " + ctx.method, {}, {}}, ctx);
        return to_response({404, "no such resource", {}, {}}, ctx);
    }
    return m->r->fn(ctx, s);
}

response router::dispatch(request_context& ctx, handlers::services& s) const {
    try {
        if (!has_route(ctx, route_access::open))
            if (auto refusal = authenticate(ctx, s)) return std::move(*refusal);
        return answer_authenticated(ctx, s);
    } catch (std::exception const& e) {
        return to_response({500, "the node failed to handle this request; it has been logged", {}, e.what()}, ctx);
    }
}

// A connection's first successful request always reads its principal from the database
// (see authenticate), so a new or resumed TLS session is never judged from memory alone. A
// cache miss or any refusal is left to the worker, which reads and judges.
bool router::authenticate_from_memory(request_context& ctx, handlers::services& s) const {
    if (!ctx.verified_on_connection || !s.schema_ready()) return false;
    auto cached = s.identity.authenticate_from_cache(ctx.fingerprint);
    if (!cached || cached->status != service::auth_status::ok) return false;
    ctx.principal = cached->who;
    return true;
}

std::optional<response> router::answer_in_memory(request_context& ctx, handlers::services& s) const {
    if (!has_route(ctx, route_access::member, route_cost::memory_only)) return std::nullopt;
    try {
        if (!authenticate_from_memory(ctx, s)) return std::nullopt;
        return answer_authenticated(ctx, s);
    } catch (std::exception const& e) {
        return to_response({500, "the node failed to handle this request; it has been logged", {}, e.what()}, ctx);
    }
}

bool router::answer_async(std::shared_ptr<request_context> const& ctx, handlers::services& s,
                          respond_fn done) const {
    if (!s.reads || !s.reads->ready()) return false;
    if (!has_route(*ctx, route_access::member, route_cost::database_async)) return false;
    try {
        if (!authenticate_from_memory(*ctx, s)) return false;
        bool path_known = false;
        auto m = find(*ctx, path_known);
        if (!m || !m->r->async_fn) return false;
        if (auto refusal = over_rate_limit(*ctx)) {
            done(std::move(*refusal));
            return true;
        }
        ctx->rate_admitted = true;  // its 503 retry on a worker is the same request
        m->r->async_fn(ctx, s, done);  // a copy: `done` stays ours should the start throw
    } catch (std::exception const& e) {
        done(to_response({500, "the node failed to handle this request; it has been logged", {}, e.what()}, *ctx));
    }
    return true;
}

}  // namespace varde::http
