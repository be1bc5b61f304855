#include "stream/feed_event.hpp"

#include <nlohmann/json.hpp>

#include "service/report_views.hpp"
#include "wire/cursor.hpp"

namespace varde::stream {

namespace {

using json = nlohmann::json;
namespace views = service::report_views;

std::string head_of(std::string_view kind, std::string const& cursor) {
    return std::string(R"({"event":")").append(kind).append(R"(","cursor":")").append(cursor).append(R"(","report":)");
}

frame id_only(std::string_view kind, feed_event const& e) {
    return std::make_shared<std::string const>(head_of(kind, e.cursor) + R"({"id":")" + e.report_id + "\"}}");
}

// The full frame in the view the reader gets, encoded once per view, event and report state.
frame full_frame(feed_event const& e, store::report_store::feed_report const& r, std::uint64_t version,
                 domain::principal const& who, domain::report_meta const& meta) {
    auto view = !domain::sees_as_owner(who, meta) ? "member" : who.is_operator() ? "operator" : "owner";
    std::lock_guard lock(e.frames_mutex);
    if (auto it = e.frames.find(view); it != e.frames.end() && it->second.first == version) return it->second.second;
    auto f = std::make_shared<std::string const>(head_of(e.kind, e.cursor) + views::render(r.report, who) + "}");
    e.frames.insert_or_assign(view, std::pair{version, f});
    return f;
}

std::optional<domain::report_meta> before_of(std::string const& detail_json) {
    // Written by the node itself (service/moderation.cpp); read defensively all the same: a
    // malformed detail must cost one withdrawal, not stall every stream on a thrown exception.
    auto detail = json::parse(detail_json, nullptr, false);
    if (!detail.is_object() || !detail.contains("before") || !detail["origin"].is_string()) return std::nullopt;
    auto const& b = detail["before"];
    if (!b.is_object() || !b["tlp"].is_string()) return std::nullopt;
    auto strings = [&](char const* key) {
        std::vector<std::string> out;
        if (b.contains(key) && b[key].is_array())
            for (auto const& v : b[key])
                if (v.is_string()) out.push_back(v.get<std::string>());
        return out;
    };
    return domain::report_meta{detail["origin"].get<std::string>(),
                               domain::parse_tlp(b["tlp"].get<std::string>()).value_or(domain::tlp::red),
                               {strings("orgs"), strings("sectors")}, domain::report_status::published};
}

}  // namespace

frame frame_for(feed_event const& e, domain::principal const& who, filter const& f) {
    auto [report, version] = e.state ? e.state->get() : std::pair<report_state::report, std::uint64_t>{};
    std::optional<domain::report_meta> meta;
    if (report) meta = views::meta_of(report->report);
    auto access = meta ? domain::access_to(who, *meta) : domain::access::none;
    if (e.kind == "report.published" || e.kind == "report.updated") {
        if (access != domain::access::full) return nullptr;  // a lost reader gets its own withdrawn event
        auto const& r = *report;
        if (admits(f, {meta->level, r.category, r.sector, r.indicator_types}))
            return full_frame(e, r, version, who, *meta);
        return e.kind == "report.updated" ? id_only("report.withdrawn", e) : nullptr;
    }
    if (e.kind == "report.retracted") return access == domain::access::none ? nullptr : id_only(e.kind, e);
    // report.withdrawn: only to readers who had the report before the change and lost it.
    bool had_it = e.before && domain::access_to(who, *e.before) == domain::access::full;
    return had_it && access != domain::access::full ? id_only(e.kind, e) : nullptr;
}

frame heartbeat_frame(std::string const& cursor) {
    return std::make_shared<std::string const>(R"({"event":"heartbeat","cursor":")" + cursor + "\"}");
}

feed_page read_feed(store::tx& t, std::int64_t position, std::size_t limit, domain::keyed_hash const& cursor_key) {
    auto page = store::report_store::events_after(t, position, limit);
    feed_page out;
    out.history_lost = position < page.purged_through;
    if (out.history_lost) return out;
    std::map<std::string, std::shared_ptr<report_state>, std::less<>> states;
    out.events.reserve(page.events.size());
    for (auto& [row, report] : page.events) {
        auto e = std::make_shared<feed_event>();
        e->id = row.id;
        e->kind = std::move(row.kind);
        e->report_id = std::move(row.report_id);
        e->cursor = wire::encode_cursor(row.id, cursor_key);
        auto& state = states[e->report_id];
        if (!state) state = std::make_shared<report_state>(std::move(report));
        e->state = state;
        if (e->kind == "report.withdrawn") e->before = before_of(row.detail_json);
        out.events.push_back(std::move(e));
    }
    return out;
}

}  // namespace varde::stream
