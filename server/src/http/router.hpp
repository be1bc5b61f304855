#pragma once
// The route table and request dispatch. dispatch() runs on a worker thread (it may block on
// the database); answer_in_memory() runs on the connection's I/O thread and answers only what
// needs no database at all. Both turn every failure into a problem response, and this is the
// one place that authenticates a request's principal before a handler sees it.
#include <functional>
#include <memory>
#include <optional>
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

// Whether a handler may touch the database. A memory-only handler (whoami) can be answered
// on the I/O thread, without the two thread hand-offs a database request pays.
// A database handler may also have an asynchronous form (database_async): on a connection
// already checked, it is started on the I/O thread and its answer arrives without a worker.
enum class route_cost { database, memory_only, database_async };

// Called exactly once with the answer, on whichever thread finished the work.
using respond_fn = std::function<void(response)>;
using async_handler =
    std::function<void(std::shared_ptr<request_context const>, handlers::services&, respond_fn)>;

struct route {
    std::string method;
    std::string pattern;  // "/v1/reports/{id}"
    route_access access;
    handler fn;
    route_cost cost = route_cost::database;
    async_handler async_fn;  // database_async routes: the same answer as fn, without blocking
};

class router {
public:
    explicit router(rate_limit limit = {}) : limiter_(std::make_unique<rate_limiter>(limit)) {}

    void add(std::string method, std::string pattern, route_access access, handler fn,
             route_cost cost = route_cost::database);
    // A database route answered without blocking as well as by `fn` on a worker.
    void add_async(std::string method, std::string pattern, route_access access, handler fn,
                   async_handler async_fn);
    response dispatch(request_context& ctx, handlers::services& s) const;
    // The answer, if it needs no database: a memory-only route, on a connection that has
    // already been checked against the database, whose principal the membership cache holds.
    // Otherwise nothing, and the request goes to dispatch() on a worker.
    std::optional<response> answer_in_memory(request_context& ctx, handlers::services& s) const;
    // Starts the answer without a worker, if it can: a database_async route, on a connection
    // already checked against the database, whose principal the membership cache holds, while
    // the asynchronous reader is connected. True: `done` will be called. False: dispatch().
    bool answer_async(std::shared_ptr<request_context> const& ctx, handlers::services& s, respond_fn done) const;

private:
    struct match;
    std::optional<match> find(request_context& ctx, bool& path_known) const;
    bool has_route(request_context const& ctx, route_access access,
                   std::optional<route_cost> cost = std::nullopt) const;
    response answer_authenticated(request_context& ctx, handlers::services& s) const;
    std::optional<response> over_rate_limit(request_context const& ctx) const;
    // The principal from the membership cache, when the connection allows judging from memory.
    bool authenticate_from_memory(request_context& ctx, handlers::services& s) const;
    std::vector<route> routes_;
    std::unique_ptr<rate_limiter> limiter_;  // shared by all I/O threads; internally locked
};

// Matches "/v1/reports/{id}" against "/v1/reports/abc"; fills params on success.
bool match_pattern(std::string_view pattern, std::string_view path,
                   std::map<std::string, std::string>& params);

}  // namespace varde::http
