#include "handlers/reports.hpp"

#include "handlers/respond.hpp"

#include "http/problem.hpp"
#include "service/report_service.hpp"

namespace varde::handlers {

namespace {

std::optional<http::response> require_json(http::request_context const& ctx) {
    auto it = ctx.headers.find("content-type");
    if (it != ctx.headers.end() && it->second.starts_with("application/json")) return std::nullopt;
    return http::to_response({415, "send the report as application/json", {}, {}}, ctx);
}

}  // namespace

http::response publish_report(http::request_context const& ctx, services& s) {
    if (auto refusal = require_json(ctx)) return *refusal;
    std::optional<std::string> key;
    if (auto it = ctx.headers.find("idempotency-key"); it != ctx.headers.end()) key = it->second;
    return respond(s.reports.publish(*ctx.principal, ctx.body, key), ctx);
}

http::response preview_report(http::request_context const& ctx, services& s) {
    if (auto refusal = require_json(ctx)) return *refusal;
    return respond(s.reports.preview(*ctx.principal, ctx.body), ctx);
}

http::response get_report(http::request_context const& ctx, services& s) {
    return respond(s.reports.get(*ctx.principal, ctx.path_params.at("id")), ctx);
}

void get_report_async(std::shared_ptr<http::request_context const> ctx, services& s, http::respond_fn done) {
    s.reports.get_async(*ctx->principal, ctx->path_params.at("id"), *s.reads,
                        [ctx, done = std::move(done)](service::outcome<std::string> const& result) {
                            done(respond(result, *ctx));
                        });
}

http::response list_reports(http::request_context const& ctx, services& s) {
    return respond(s.reports.list(*ctx.principal, ctx.query), ctx);
}

http::response find_by_indicator(http::request_context const& ctx, services& s) {
    return respond(s.reports.by_indicator(*ctx.principal, ctx.path_params.at("type"), ctx.path_params.at("value")),
                   ctx);
}

}  // namespace varde::handlers
