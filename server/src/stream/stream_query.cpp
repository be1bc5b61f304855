#include "stream/stream_query.hpp"

#include <charconv>

#include "domain/indicator.hpp"
#include "wire/cursor.hpp"

namespace varde::stream {

namespace {

using errors = std::vector<domain::field_error>;

std::vector<std::string> split_list(std::string const& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        if (comma > start) out.push_back(text.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

void parse_limit(std::string const& text, std::size_t max_limit, stream_query& q, errors& out) {
    std::size_t v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || ptr != text.data() + text.size() || v < 1 || v > max_limit)
        return out.push_back({"limit", "must be a whole number from 1 to " + std::to_string(max_limit)});
    q.limit = v;
}

void parse_indicator_types(std::string const& text, stream_query& q, errors& out) {
    for (auto& type : split_list(text)) {
        if (!domain::parse_indicator_type(type)) return out.push_back({"indicator_type", "unknown indicator type '" + type + "'"});
        q.filter.indicator_types.push_back(std::move(type));
    }
}

void parse_one(std::string const& key, std::string const& value, bool allow_limit, std::size_t max_limit,
               domain::keyed_hash const& cursor_key, stream_query& q, errors& out) {
    if (key == "since") {
        q.since = wire::decode_cursor(value, cursor_key);
        if (!q.since) out.push_back({"since", "not a cursor this node gave out"});
    } else if (key == "max_tlp") {
        q.filter.max_tlp = domain::parse_tlp(value);
        if (!q.filter.max_tlp) out.push_back({"max_tlp", "must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED"});
    } else if (key == "category") {
        q.filter.categories = split_list(value);
    } else if (key == "sector") {
        q.filter.sectors = split_list(value);
    } else if (key == "indicator_type") {
        parse_indicator_types(value, q, out);
    } else if (key == "limit" && allow_limit) {
        parse_limit(value, max_limit, q, out);
    } else {
        out.push_back({key, "unknown query parameter"});
    }
}

}  // namespace

parsed_stream_query parse_stream_query(std::map<std::string, std::string> const& params, bool allow_limit,
                                       std::size_t max_limit, domain::keyed_hash const& cursor_key) {
    parsed_stream_query out;
    for (auto const& [key, value] : params)
        parse_one(key, value, allow_limit, max_limit, cursor_key, out.query, out.errors);
    return out;
}

}  // namespace varde::stream
