#include "service/report_query.hpp"

#include <charconv>

#include "domain/indicator.hpp"
#include "domain/timestamp.hpp"
#include "domain/tlp.hpp"
#include "wire/cursor.hpp"

namespace varde::service {

namespace {

using errors = std::vector<domain::field_error>;

void parse_limit(std::string const& text, std::size_t max_page, list_query& q, errors& out) {
    std::size_t v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || ptr != text.data() + text.size() || v < 1 || v > max_page)
        return out.push_back({"limit", "must be a whole number from 1 to " + std::to_string(max_page)});
    q.limit = v;
}

void parse_one(std::string const& key, std::string const& value, std::size_t max_page,
               domain::keyed_hash const& cursor_key, list_query& q, errors& out) {
    auto& f = q.filter;
    if (key == "limit") return parse_limit(value, max_page, q, out);
    if (key == "view") {
        if (value == "summary" || value == "full") q.summary = value == "summary";
        else out.push_back({"view", "must be full or summary"});
        return;
    }
    if (key == "cursor") {
        q.before = wire::decode_cursor(value, cursor_key);
        if (!q.before) out.push_back({"cursor", "not a cursor this node gave out"});
        return;
    }
    if (key == "tlp") {
        auto level = domain::parse_tlp(value);
        if (!level) return out.push_back({"tlp", "must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED"});
        f.tlp = std::string(domain::to_string(*level));
        return;
    }
    if (key == "since" || key == "until") {
        if (!domain::is_rfc3339(value)) return out.push_back({key, "must be an RFC 3339 date-time"});
        (key == "since" ? f.since : f.until) = value;
        return;
    }
    if (key == "status") {
        if (value != "pending" && value != "published" && value != "rejected" && value != "retracted")
            return out.push_back({"status", "must be pending, published, rejected or retracted"});
        f.status = value;
        return;
    }
    if (key == "category") { f.category = value; return; }
    if (key == "sector") { f.sector = value; return; }
    if (key == "indicator_type") { f.indicator_type = value; return; }
    if (key == "indicator_value") { f.indicator_value = value; return; }
    out.push_back({key, "unknown query parameter"});
}

}  // namespace

std::optional<domain::field_error> normalise_indicator_filter(std::string const& type, std::string& value,
                                                              std::string const& value_field) {
    auto parsed = domain::parse_indicator_type(type);
    if (!parsed) return domain::field_error{"indicator_type", "unknown indicator type"};
    auto n = domain::normalise_indicator(*parsed, value);
    if (!n.ok()) return domain::field_error{value_field, n.error};
    value = n.value;
    return std::nullopt;
}

parsed_query parse_list_query(std::map<std::string, std::string> const& params, std::size_t max_page,
                              domain::keyed_hash const& cursor_key) {
    parsed_query out;
    for (auto const& [key, value] : params) parse_one(key, value, max_page, cursor_key, out.query, out.errors);
    auto& f = out.query.filter;
    if (f.indicator_value && !f.indicator_type)
        out.errors.push_back({"indicator_value", "needs indicator_type"});
    if (f.indicator_type && f.indicator_value) {
        if (auto e = normalise_indicator_filter(*f.indicator_type, *f.indicator_value, "indicator_value"))
            out.errors.push_back(*e);
    } else if (f.indicator_type && !domain::parse_indicator_type(*f.indicator_type)) {
        out.errors.push_back({"indicator_type", "unknown indicator type"});
    }
    return out;
}

}  // namespace varde::service
