#pragma once
// /v1/events (a page of events, for clients that poll) and /v1/stream (the WebSocket
// upgrade, checked here like any request before the transport takes the connection over).
#include "handlers/services.hpp"
#include "http/request_context.hpp"

namespace varde::handlers {

http::response poll_events(http::request_context const& ctx, services& s);
http::response open_stream(http::request_context const& ctx, services& s);

}  // namespace varde::handlers
