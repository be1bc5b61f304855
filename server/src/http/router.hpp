#pragma once
// The route table and request dispatch. Runs on a worker thread (it may block on the
// database), turns every failure into a problem response, and is the one place that
// authenticates a request's principal before a handler sees it.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/rate_limiter.hpp"
#include "http/request_context.hpp"

namespace varde::handlers {
struct services;
}

namespace varde::http {

using handler = std::function<response(request_context const&, handlers::services&)>;

enum class route_access {
    open,      // any verified certificate; the handler decides (health)
    member,    // an active enrolled principal
    operator_, // an active operator; to anyone else the route does not exist (404)
};

struct route {
    std::string method;
    std::string pattern;  // "/v1/reports/{id}"
    route_access access;
    handler fn;
};

class router {
public:
    explicit router(rate_limit limit = {}) : limiter_(std::make_unique<rate_limiter>(limit)) {}

    void add(std::string method, std::string pattern, route_access access, handler fn);
    response dispatch(request_context& ctx, handlers::services& s) const;

private:
    struct match;
    std::optional<match> find(request_context& ctx, bool& path_known) const;
    std::vector<route> routes_;
    std::unique_ptr<rate_limiter> limiter_;  // shared by all I/O threads; internally locked
};

// Matches "/v1/reports/{id}" against "/v1/reports/abc"; fills params on success.
bool match_pattern(std::string_view pattern, std::string_view path,
                   std::map<std::string, std::string>& params);

}  // namespace varde::http
