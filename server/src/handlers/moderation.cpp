#include "handlers/moderation.hpp"

#include "http/problem.hpp"
#include "service/report_service.hpp"

namespace varde::handlers {

namespace {

http::response reply(service::outcome<std::string> const& result, http::request_context const& ctx) {
    if (!result) return http::to_response(http::from_service_error(result.err()), ctx);
    http::response r;
    r.body = result.value();
    return r;
}

std::string const& id_of(http::request_context const& ctx) { return ctx.path_params.at("id"); }

}  // namespace

http::response moderation_queue(http::request_context const& ctx, services& s) {
    return reply(s.reports.queue(*ctx.principal, false), ctx);
}

http::response review_list(http::request_context const& ctx, services& s) {
    return reply(s.reports.queue(*ctx.principal, true), ctx);
}

http::response approve_report(http::request_context const& ctx, services& s) {
    return reply(s.reports.approve(*ctx.principal, id_of(ctx), ctx.body), ctx);
}

http::response reject_report(http::request_context const& ctx, services& s) {
    return reply(s.reports.reject(*ctx.principal, id_of(ctx), ctx.body), ctx);
}

http::response mark_reviewed(http::request_context const& ctx, services& s) {
    return reply(s.reports.mark_reviewed(*ctx.principal, id_of(ctx)), ctx);
}

http::response retract_report(http::request_context const& ctx, services& s) {
    return reply(s.reports.retract(*ctx.principal, id_of(ctx)), ctx);
}

http::response change_tlp(http::request_context const& ctx, services& s) {
    auto result = s.reports.change_tlp(*ctx.principal, id_of(ctx), ctx.body);
    if (!result) return http::to_response(http::from_service_error(result.err()), ctx);
    http::response r;
    r.status = result.value().status;  // 200 applied, 202 proposed to the originator
    r.body = result.value().body;
    return r;
}

http::response accept_proposal(http::request_context const& ctx, services& s) {
    return reply(s.reports.decide_proposal(*ctx.principal, id_of(ctx), true), ctx);
}

http::response decline_proposal(http::request_context const& ctx, services& s) {
    return reply(s.reports.decide_proposal(*ctx.principal, id_of(ctx), false), ctx);
}

}  // namespace varde::handlers
