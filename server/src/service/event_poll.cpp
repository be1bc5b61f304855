// Polling the event log (SPEC §7): every event is judged for the reader with the same rule as
// every other read path; an event it may not see is skipped, but the cursor still moves past it.
#include <nlohmann/json.hpp>

#include "domain/visibility.hpp"
#include "service/identity_service.hpp"
#include "service/report_service.hpp"
#include "service/report_views.hpp"
#include "store/event_store.hpp"
#include "store/pg_pool.hpp"
#include "store/report_store.hpp"
#include "wire/cursor.hpp"

namespace varde::service {

namespace {

using json = nlohmann::json;
using namespace report_views;
namespace rs = store::report_store;

// Could the reader see the report as it was before the change (the event's detail.before)?
// The event carries the originator, so this needs no read of a report it may no longer see.
bool withdrawn_from(domain::principal const& who, store::event_store::event_row const& e) {
    auto detail = json::parse(e.detail_json, nullptr, false);
    if (detail.is_discarded() || !detail.contains("before") || !detail.contains("origin")) return false;
    auto const& b = detail["before"];
    domain::report_meta before{detail["origin"].get<std::string>(),
                               domain::parse_tlp(b.value("tlp", "RED")).value_or(domain::tlp::red),
                               {b.value("orgs", std::vector<std::string>{}), b.value("sectors", std::vector<std::string>{})},
                               domain::report_status::published};
    return domain::access_to(who, before) == domain::access::full;
}

// The event as this reader receives it, or nothing if it may not see it.
std::optional<json> view_of(store::event_store::event_row const& e, std::optional<rs::stored_report> const& r,
                            domain::principal const& who, std::string const& cursor) {
    auto access = r ? checked_access(*r, who) : domain::access::none;
    json out{{"event", e.kind}, {"cursor", cursor}};
    if (e.kind == "report.published" || e.kind == "report.updated") {
        if (access != domain::access::full) return std::nullopt;
        out["report"] = json::parse(render(*r, who));
    } else if (e.kind == "report.retracted") {
        if (access == domain::access::none) return std::nullopt;
        out["report"] = {{"id", e.report_id}};
    } else {  // report.withdrawn: only to those who had it and no longer do
        if (access == domain::access::full || !withdrawn_from(who, e)) return std::nullopt;
        out["report"] = {{"id", e.report_id}};
    }
    return out;
}

}  // namespace

outcome<std::string> report_service::poll_events(domain::principal const& who,
                                                 std::optional<std::string> const& since, std::size_t limit) {
    std::optional<std::int64_t> position;
    if (since) {
        position = wire::decode_cursor(*since, pseudonyms_);
        if (!position) return error{error_code::invalid, "bad cursor", {{"since", "not a cursor this node gave out"}}};
    }
    if (limit < 1 || limit > settings_.max_page) return error{error_code::invalid, "bad limit", {{"limit", "must be 1 to " + std::to_string(settings_.max_page)}}};
    json events = json::array();
    std::int64_t last = 0;
    try {
        pool_.transact([&](store::tx& t) {
            events = json::array();
            last = position ? *position : store::event_store::head(t);
            for (auto const& e : store::event_store::after(t, last, limit)) {
                last = e.id;
                if (auto v = view_of(e, rs::find(t, e.report_id, who), who, wire::encode_cursor(e.id, pseudonyms_)))
                    events.push_back(std::move(*v));
            }
        }, store::isolation::repeatable_read);
    } catch (std::exception const& ex) {
        return from_store_failure(ex);
    }
    return json{{"events", events}, {"next", wire::encode_cursor(last, pseudonyms_)}}.dump();
}

}  // namespace varde::service
