#include "wire/report_codec.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <set>
#include <span>

#include "domain/text.hpp"

namespace varde::wire {

namespace {

using json = nlohmann::json;
using errors = std::vector<domain::field_error>;
using field_names = std::span<std::string_view const>;

constexpr std::array<std::string_view, 12> top_fields = {
    "title",   "summary",         "tlp",  "recipients", "attribution", "incident", "threat_actors",
    "malware", "attack_patterns", "cves", "references", "indicators"};
constexpr std::array<std::string_view, 5> incident_fields = {"category", "first_seen", "last_seen",
                                                             "sector", "country"};
constexpr std::array<std::string_view, 4> indicator_fields = {"type", "value", "role", "note"};

std::string indexed(std::string_view list, std::size_t i) {
    return std::string(list) + "[" + std::to_string(i) + "]";
}

// Parses, and refuses duplicate keys, which nlohmann would resolve silently (last wins) while
// another parser on the path might resolve them the other way.
std::optional<json> parse_body(std::string_view body, errors& out) {
    std::vector<std::set<std::string>> open_keys;
    std::set<std::string> duplicates;
    auto track = [&](int, json::parse_event_t event, json& parsed) {
        using ev = json::parse_event_t;
        if (event == ev::object_start || event == ev::array_start)
            open_keys.emplace_back();
        else if ((event == ev::object_end || event == ev::array_end) && !open_keys.empty())
            open_keys.pop_back();
        else if (event == ev::key && !open_keys.empty() &&
                 !open_keys.back().insert(parsed.get<std::string>()).second)
            duplicates.insert(parsed.get<std::string>());
        return true;
    };
    try {
        auto parsed = json::parse(body.begin(), body.end(), track);
        for (auto const& key : duplicates) out.push_back({"", "duplicate key \"" + key + "\""});
        return parsed;
    } catch (json::parse_error const& e) {
        std::string_view what = e.what();  // "[json.exception.parse_error.101] parse error at ..."
        auto bracket = what.find("] ");
        if (bracket != std::string_view::npos) what.remove_prefix(bracket + 2);
        out.push_back({"", "body is not valid JSON: " + std::string(what)});
        return std::nullopt;
    }
}

void refuse_unknown(json const& object, field_names known, std::string const& prefix, errors& out) {
    for (auto const& [key, value] : object.items())
        if (std::find(known.begin(), known.end(), key) == known.end())
            out.push_back({prefix + key, "unknown field"});
}

// The member's value if present and a string; absent optional members give nullopt quietly.
std::optional<std::string> string_member(json const& object, std::string const& key,
                                         std::string const& prefix, bool required, errors& out) {
    auto it = object.find(key);
    if (it == object.end()) {
        if (required) out.push_back({prefix + key, "required"});
        return std::nullopt;
    }
    if (!it->is_string()) {
        out.push_back({prefix + key, "must be a string"});
        return std::nullopt;
    }
    return it->get<std::string>();
}

// The member if present and of `kind`; nullptr if absent, or (with an error) of another kind.
json const* member_of_kind(json const& object, std::string const& key, json::value_t kind,
                           std::string const& message, errors& out) {
    auto it = object.find(key);
    if (it == object.end()) return nullptr;
    if (it->type() != kind) {
        out.push_back({key, message});
        return nullptr;
    }
    return &*it;
}

std::vector<std::string> string_list(json const& object, std::string const& key, errors& out) {
    std::vector<std::string> items;
    auto const* it =
        member_of_kind(object, key, json::value_t::array, "must be an array of strings", out);
    if (!it) return items;
    for (std::size_t i = 0; i < it->size(); ++i) {
        auto const& item = (*it)[i];
        if (item.is_string())
            items.push_back(item.get<std::string>());
        else
            out.push_back({indexed(key, i), "must be a string"});
    }
    return items;
}

void decode_tlp(json const& body, domain::report_draft& draft, errors& out) {
    if (!body.contains("tlp")) {
        out.push_back({"tlp", "required; there is no default TLP"});
        return;
    }
    auto text = string_member(body, "tlp", "", true, out);
    if (!text) return;
    if (auto level = domain::parse_tlp(*text))
        draft.level = *level;
    else
        out.push_back({"tlp", "must be one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED"});
}

void decode_recipients(json const& body, domain::recipients& to, errors& out) {
    auto const* it = member_of_kind(body, "recipients", json::value_t::array,
                                    "must be an array of strings", out);
    if (!it) return;
    for (std::size_t i = 0; i < it->size(); ++i) {
        auto const& item = (*it)[i];
        if (!item.is_string()) {
            out.push_back({indexed("recipients", i), "must be a string"});
            continue;
        }
        std::string_view entry = item.get_ref<std::string const&>();
        bool org = entry.starts_with("org:"), sector = entry.starts_with("sector:");
        auto name = domain::trim(entry.substr(org ? 4 : sector ? 7 : 0));
        if ((org || sector) && !name.empty())
            (org ? to.orgs : to.sectors).emplace_back(name);
        else
            out.push_back(
                {indexed("recipients", i), "must be \"org:<slug>\" or \"sector:<name>\""});
    }
}

void decode_incident(json const& body, domain::incident& what, errors& out) {
    auto const* it =
        member_of_kind(body, "incident", json::value_t::object, "must be an object", out);
    if (!it) return;
    refuse_unknown(*it, incident_fields, "incident.", out);
    for (auto [key, target] :
         {std::pair{"category", &what.category}, std::pair{"first_seen", &what.first_seen},
          std::pair{"last_seen", &what.last_seen}, std::pair{"sector", &what.sector},
          std::pair{"country", &what.country}})
        if (auto text = string_member(*it, key, "incident.", false, out))
            *target = std::move(*text);
}

void decode_indicator(json const& item, std::string const& path, domain::indicator& x,
                      errors& out) {
    if (!item.is_object()) {
        out.push_back({path, "must be an object"});
        return;
    }
    auto prefix = path + ".";
    refuse_unknown(item, indicator_fields, prefix, out);
    if (auto type = string_member(item, "type", prefix, true, out)) {
        if (auto parsed = domain::parse_indicator_type(*type))
            x.type = *parsed;
        else
            out.push_back({prefix + "type", "unknown indicator type; expected ipv4, ipv6, cidr, "
                                            "domain, url, email, md5, sha1, sha256, filename, "
                                            "user-agent or asn"});
    }
    if (auto value = string_member(item, "value", prefix, true, out)) x.value = std::move(*value);
    if (auto role = string_member(item, "role", prefix, false, out)) {
        if (auto parsed = domain::parse_indicator_role(*role))
            x.role = *parsed;
        else
            out.push_back({prefix + "role", "must be attacker or victim"});
    }
    if (auto note = string_member(item, "note", prefix, false, out)) x.note = std::move(*note);
}

void decode_indicators(json const& body, std::vector<domain::indicator>& items, errors& out) {
    auto const* it = member_of_kind(body, "indicators", json::value_t::array,
                                    "must be an array of objects", out);
    if (!it) return;
    items.resize(it->size());
    for (std::size_t i = 0; i < it->size(); ++i)
        decode_indicator((*it)[i], indexed("indicators", i), items[i], out);
}

void decode_fields(json const& body, domain::report_draft& d, errors& out) {
    refuse_unknown(body, top_fields, "", out);
    if (auto title = string_member(body, "title", "", true, out)) d.title = std::move(*title);
    if (auto summary = string_member(body, "summary", "", true, out))
        d.summary = std::move(*summary);
    decode_tlp(body, d, out);
    decode_recipients(body, d.to, out);
    if (auto who = string_member(body, "attribution", "", false, out)) {
        if (auto mode = domain::parse_attribution(*who))
            d.attribution_mode = *mode;
        else
            out.push_back({"attribution", "must be anonymous, pseudonymous or attributed"});
    }
    decode_incident(body, d.what, out);
    d.threat_actors = string_list(body, "threat_actors", out);
    d.malware = string_list(body, "malware", out);
    d.attack_patterns = string_list(body, "attack_patterns", out);
    d.cves = string_list(body, "cves", out);
    d.references = string_list(body, "references", out);
    decode_indicators(body, d.indicators, out);
}

void put_if(json& object, char const* key, std::string const& value) {
    if (!value.empty()) object[key] = value;
}

void put_if(json& object, char const* key, std::vector<std::string> const& values) {
    if (!values.empty()) object[key] = values;
}

}  // namespace

bool within_depth(std::string_view json, std::size_t max_depth) {
    std::size_t depth = 0;
    bool in_string = false, escaped = false;
    for (char c : json) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > max_depth) return false;
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return true;
}

decoded_report decode_new_report(std::string_view body, decode_limits const& limits) {
    decoded_report result;
    if (body.size() > limits.max_body) {
        result.errors.push_back(
            {"", "body is larger than " + std::to_string(limits.max_body) + " bytes"});
        return result;
    }
    if (!within_depth(body, limits.max_depth)) {
        result.errors.push_back(
            {"", "body nests deeper than " + std::to_string(limits.max_depth) + " levels"});
        return result;
    }
    auto parsed = parse_body(body, result.errors);
    if (!parsed) return result;
    if (!parsed->is_object()) {
        result.errors.push_back({"", "body must be a JSON object"});
        return result;
    }
    domain::report_draft draft;
    decode_fields(*parsed, draft, result.errors);
    if (result.errors.empty()) result.draft = std::move(draft);
    return result;
}

std::string encode_new_report(domain::report_draft const& d) {
    json body{{"title", d.title},
              {"summary", d.summary},
              {"tlp", domain::to_string(d.level)},
              {"attribution", domain::to_string(d.attribution_mode)}};
    std::vector<std::string> to;
    for (auto const& org : d.to.orgs) to.push_back("org:" + org);
    for (auto const& sector : d.to.sectors) to.push_back("sector:" + sector);
    put_if(body, "recipients", to);
    json what = json::object();
    put_if(what, "category", d.what.category);
    put_if(what, "first_seen", d.what.first_seen);
    put_if(what, "last_seen", d.what.last_seen);
    put_if(what, "sector", d.what.sector);
    put_if(what, "country", d.what.country);
    if (!what.empty()) body["incident"] = what;
    put_if(body, "threat_actors", d.threat_actors);
    put_if(body, "malware", d.malware);
    put_if(body, "attack_patterns", d.attack_patterns);
    put_if(body, "cves", d.cves);
    put_if(body, "references", d.references);
    json indicators = json::array();
    for (auto const& x : d.indicators) {
        json item{{"type", domain::to_string(x.type)},
                  {"value", x.value},
                  {"role", domain::to_string(x.role)}};
        put_if(item, "note", x.note);
        indicators.push_back(std::move(item));
    }
    if (!indicators.empty()) body["indicators"] = std::move(indicators);
    // Invalid UTF-8 in a draft is replaced rather than thrown on: encoding never fails.
    return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace varde::wire
