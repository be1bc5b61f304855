#include "handlers/events.hpp"

#include "handlers/respond.hpp"
#include "http/problem.hpp"
#include "stream/event_service.hpp"

namespace varde::handlers {

namespace {

bool asks_for_websocket(http::request_context const& ctx) {
    auto it = ctx.headers.find("upgrade");
    if (it == ctx.headers.end()) return false;
    std::string value = it->second;
    for (auto& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return value == "websocket";
}

}  // namespace

http::response poll_events(http::request_context const& ctx, services& s) {
    return respond(s.events.poll(*ctx.principal, ctx.query), ctx);
}

http::response open_stream(http::request_context const& ctx, services& s) {
    if (!asks_for_websocket(ctx)) {
        auto r = http::to_response({426, "this resource is a WebSocket stream: send an upgrade request "
                                         "(or poll GET /v1/events)", {}, {}}, ctx);
        r.headers["Upgrade"] = "websocket";
        return r;
    }
    auto spec = s.events.open(*ctx.principal, ctx.query);
    if (!spec) return http::to_response(http::from_service_error(spec.err()), ctx);
    http::response r;
    r.status = 101;
    r.stream = std::make_shared<stream::subscription_spec>(std::move(spec).value());
    return r;
}

}  // namespace varde::handlers
