#pragma once
// Moderation, retraction and TLP changes over HTTPS (SPEC §4, §6).
#include "handlers/services.hpp"
#include "http/request_context.hpp"

namespace varde::handlers {

http::response moderation_queue(http::request_context const& ctx, services& s);   // operators
http::response review_list(http::request_context const& ctx, services& s);        // operators
http::response approve_report(http::request_context const& ctx, services& s);     // operators
http::response reject_report(http::request_context const& ctx, services& s);      // operators
http::response mark_reviewed(http::request_context const& ctx, services& s);      // operators
http::response retract_report(http::request_context const& ctx, services& s);
http::response change_tlp(http::request_context const& ctx, services& s);
http::response accept_proposal(http::request_context const& ctx, services& s);
http::response decline_proposal(http::request_context const& ctx, services& s);

}  // namespace varde::handlers
