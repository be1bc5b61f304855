#include "handlers/moderation.hpp"

#include "handlers/respond.hpp"

#include "http/problem.hpp"
#include "service/report_service.hpp"

namespace varde::handlers {

namespace {

std::string const& id_of(http::request_context const& ctx) { return ctx.path_params.at("id"); }

}  // namespace

http::response moderation_queue(http::request_context const& ctx, services& s) {
    return respond(s.reports.queue(*ctx.principal, false), ctx);
}

http::response review_list(http::request_context const& ctx, services& s) {
    return respond(s.reports.queue(*ctx.principal, true), ctx);
}

http::response approve_report(http::request_context const& ctx, services& s) {
    return respond(s.reports.approve(*ctx.principal, id_of(ctx), ctx.body), ctx);
}

http::response reject_report(http::request_context const& ctx, services& s) {
    return respond(s.reports.reject(*ctx.principal, id_of(ctx), ctx.body), ctx);
}

http::response mark_reviewed(http::request_context const& ctx, services& s) {
    return respond(s.reports.mark_reviewed(*ctx.principal, id_of(ctx)), ctx);
}

http::response retract_report(http::request_context const& ctx, services& s) {
    return respond(s.reports.retract(*ctx.principal, id_of(ctx)), ctx);
}

http::response change_tlp(http::request_context const& ctx, services& s) {
    // 200 applied, 202 proposed to the originator
    return respond(s.reports.change_tlp(*ctx.principal, id_of(ctx), ctx.body), ctx);
}

http::response accept_proposal(http::request_context const& ctx, services& s) {
    return respond(s.reports.decide_proposal(*ctx.principal, id_of(ctx), true), ctx);
}

http::response decline_proposal(http::request_context const& ctx, services& s) {
    return respond(s.reports.decide_proposal(*ctx.principal, id_of(ctx), false), ctx);
}

}  // namespace varde::handlers
