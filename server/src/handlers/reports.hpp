#pragma once
// /v1/reports and /v1/indicators: thin mapping between HTTP and the report use cases.
#include "handlers/services.hpp"
#include "http/request_context.hpp"
#include "http/router.hpp"

namespace varde::handlers {

http::response publish_report(http::request_context const& ctx, services& s);
http::response preview_report(http::request_context const& ctx, services& s);
http::response get_report(http::request_context const& ctx, services& s);
// The same answer, read through services::reads without blocking (router::answer_async).
void get_report_async(std::shared_ptr<http::request_context const> ctx, services& s, http::respond_fn done);
http::response list_reports(http::request_context const& ctx, services& s);
http::response find_by_indicator(http::request_context const& ctx, services& s);

}  // namespace varde::handlers
