#include "wire/json_body.hpp"

#include <algorithm>
#include <set>
#include <string>

#include "wire/report_codec.hpp"

namespace varde::wire {

using json = nlohmann::json;

std::optional<json> parse_object(std::string_view body, std::size_t max_depth,
                                 std::vector<domain::field_error>& out) {
    if (!within_depth(body, max_depth)) {
        out.push_back({"", "body nests deeper than " + std::to_string(max_depth) + " levels"});
        return std::nullopt;
    }
    std::vector<std::set<std::string>> open;
    std::set<std::string> duplicates;
    auto track = [&](int, json::parse_event_t event, json& parsed) {
        using ev = json::parse_event_t;
        if (event == ev::object_start || event == ev::array_start)
            open.emplace_back();
        else if ((event == ev::object_end || event == ev::array_end) && !open.empty())
            open.pop_back();
        else if (event == ev::key && !open.empty() && !open.back().insert(parsed.get<std::string>()).second)
            duplicates.insert(parsed.get<std::string>());
        return true;
    };
    auto parsed = json::parse(body.begin(), body.end(), track, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
        out.push_back({"", parsed.is_discarded() ? "body is not valid JSON" : "body must be a JSON object"});
        return std::nullopt;
    }
    for (auto const& key : duplicates) out.push_back({key, "duplicate key"});
    return parsed;
}

void refuse_unknown(json const& object, field_names known, field_names fixed,
                    std::vector<domain::field_error>& out) {
    for (auto const& [key, value] : object.items()) {
        if (std::find(known.begin(), known.end(), key) != known.end()) continue;
        bool is_fixed = std::find(fixed.begin(), fixed.end(), key) != fixed.end();
        out.push_back({key, is_fixed ? "cannot be changed" : "unknown field"});
    }
}

}  // namespace varde::wire
