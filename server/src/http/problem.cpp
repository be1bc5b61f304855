#include "http/problem.hpp"

#include <nlohmann/json.hpp>

#include "util/log.hpp"

namespace varde::http {

std::string_view reason_phrase(unsigned status) {
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 426: return "Upgrade Required";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
    }
}

response to_response(problem const& p, request_context const& ctx) {
    if (!p.internal.empty() || p.status >= 500)
        log::warn("http.problem", {{"request_id", ctx.request_id}, {"status", p.status},
                                   {"path", ctx.path}, {"internal", p.internal}});
    nlohmann::json body{{"type", "about:blank"},
                        {"title", reason_phrase(p.status)},
                        {"status", p.status},
                        {"detail", p.detail},
                        {"request_id", ctx.request_id}};
    if (!p.errors.empty()) {
        auto& list = body["errors"] = nlohmann::json::array();
        for (auto const& e : p.errors) list.push_back({{"field", e.field}, {"detail", e.detail}});
    }
    response r;
    r.status = p.status;
    r.content_type = "application/problem+json";
    r.body = body.dump();
    return r;
}

problem from_service_error(service::error const& e) {
    switch (e.code) {
    case service::error_code::not_found: return {e.status_hint ? e.status_hint : 404, e.detail, {}, {}};
    case service::error_code::conflict: return {e.status_hint ? e.status_hint : 409, e.detail, {}, {}};
    case service::error_code::invalid: {
        problem p{e.status_hint ? e.status_hint : 400, e.detail, {}, {}};
        for (auto const& f : e.fields) p.errors.push_back({f.field, f.message});
        return p;
    }
    case service::error_code::forbidden: return {403, e.detail, {}, {}};
    case service::error_code::unavailable: return {503, e.detail, {}, {}};
    case service::error_code::internal: break;
    }
    // Internal detail may hold SQL or data: it goes to the log only.
    return {500, "the node failed to handle this request; it has been logged", {}, e.detail};
}

}  // namespace varde::http
