#pragma once
#include "http/router.hpp"

namespace varde::handlers {

// The node's whole route table, in one readable list.
http::router make_routes(http::rate_limit limit = {});

}  // namespace varde::handlers
