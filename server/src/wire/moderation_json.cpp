#include "wire/moderation_json.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "wire/json_body.hpp"

namespace varde::wire {

namespace {

using json = nlohmann::json;
using errors = std::vector<domain::field_error>;

constexpr std::size_t max_depth = 8;
constexpr std::size_t max_reason = 2000;
constexpr std::string_view approval_fields[] = {"title", "summary", "tlp", "recipients"};
constexpr std::string_view rejection_fields[] = {"reason"};
constexpr std::string_view tlp_change_fields[] = {"tlp", "recipients"};

std::optional<std::string> text(json const& j, char const* key, errors& out) {
    if (!j.contains(key)) return std::nullopt;
    if (!j[key].is_string()) {
        out.push_back({key, "must be a string"});
        return std::nullopt;
    }
    return j[key].get<std::string>();
}

std::optional<domain::tlp> level(json const& j, errors& out) {
    auto t = text(j, "tlp", out);
    if (!t) return std::nullopt;
    auto l = domain::parse_tlp(*t);
    if (!l) out.push_back({"tlp", "must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED"});
    return l;
}

std::optional<domain::recipients> recipients(json const& j, errors& out) {
    if (!j.contains("recipients")) return std::nullopt;
    if (!j["recipients"].is_array()) {
        out.push_back({"recipients", "must be an array of \"org:<slug>\" or \"sector:<name>\""});
        return std::nullopt;
    }
    domain::recipients to;
    for (std::size_t i = 0; i < j["recipients"].size(); ++i) {
        auto const& item = j["recipients"][i];
        std::string s = item.is_string() ? item.get<std::string>() : "";
        if (s.starts_with("org:") && s.size() > 4) to.orgs.push_back(s.substr(4));
        else if (s.starts_with("sector:") && s.size() > 7) to.sectors.push_back(s.substr(7));
        else out.push_back({"recipients[" + std::to_string(i) + "]", "must be \"org:<slug>\" or \"sector:<name>\""});
    }
    return to;
}

}  // namespace

decoded<approval> decode_approval(std::string_view body) {
    decoded<approval> d;
    if (body.empty()) {
        d.value = approval{};
        return d;
    }
    auto j = parse_object(body, max_depth, d.errors);
    if (!j) return d;
    refuse_unknown(*j, approval_fields, {}, d.errors);
    approval a{text(*j, "title", d.errors), text(*j, "summary", d.errors), level(*j, d.errors), recipients(*j, d.errors)};
    if (a.title && a.title->empty()) d.errors.push_back({"title", "must not be empty"});
    if (a.summary && a.summary->empty()) d.errors.push_back({"summary", "must not be empty"});
    if (a.to && !a.level) d.errors.push_back({"tlp", "required when recipients are given"});
    if (d.errors.empty()) d.value = std::move(a);
    return d;
}

decoded<std::string> decode_rejection(std::string_view body) {
    decoded<std::string> d;
    auto j = parse_object(body, max_depth, d.errors);
    if (!j) return d;
    refuse_unknown(*j, rejection_fields, {}, d.errors);
    auto reason = text(*j, "reason", d.errors);
    if (!reason || reason->empty()) d.errors.push_back({"reason", "required: the originator will read it"});
    else if (reason->size() > max_reason) d.errors.push_back({"reason", "longer than 2000 bytes"});
    if (d.errors.empty()) d.value = std::move(reason);
    return d;
}

decoded<tlp_change> decode_tlp_change(std::string_view body) {
    decoded<tlp_change> d;
    auto j = parse_object(body, max_depth, d.errors);
    if (!j) return d;
    refuse_unknown(*j, tlp_change_fields, {}, d.errors);
    auto l = level(*j, d.errors);
    if (!j->contains("tlp")) d.errors.push_back({"tlp", "required"});
    auto to = recipients(*j, d.errors);
    if (d.errors.empty() && l) d.value = tlp_change{*l, to.value_or(domain::recipients{})};
    return d;
}

}  // namespace varde::wire
