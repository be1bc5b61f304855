#pragma once
// GET /v1/health and GET /v1/whoami.
#include "handlers/services.hpp"
#include "http/request_context.hpp"

namespace varde::handlers {

http::response health(http::request_context const& ctx, services& s);
http::response whoami(http::request_context const& ctx, services& s);

}  // namespace varde::handlers
