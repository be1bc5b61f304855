#include "domain/validation.hpp"

#include "domain/timestamp.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "domain/text.hpp"

namespace varde::domain {

namespace {

using errors = std::vector<field_error>;

constexpr std::array<std::string_view, 8> categories = {
    "intrusion", "phishing", "malware", "ddos", "data-leak", "vulnerability", "fraud", "other"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }
// Markdown needs line breaks and tabs; nothing else below 0x20 belongs in text.
bool is_bad_in_text(char c) { return is_control(c) && c != '\n' && c != '\r' && c != '\t'; }

std::string indexed(std::string_view list, std::size_t i) {
    return std::string(list) + "[" + std::to_string(i) + "]";
}

std::string too_long(std::size_t max) { return "longer than " + std::to_string(max) + " bytes"; }

// Keeps the first of equal items, in order.
template <typename T, typename Key> void drop_duplicates(std::vector<T>& items, Key key) {
    std::set<decltype(key(items.front()))> seen;
    std::erase_if(items, [&](T const& item) { return !seen.insert(key(item)).second; });
}

void check_text(report_draft& d, validation_limits const& limits, errors& out) {
    d.title = std::string(trim(d.title));
    if (d.title.empty())
        out.push_back({"title", "required"});
    else if (d.title.size() > limits.max_title)
        out.push_back({"title", too_long(limits.max_title)});
    else if (std::any_of(d.title.begin(), d.title.end(), is_control))
        out.push_back({"title", "must be one line without control characters"});
    if (trim(d.summary).empty())
        out.push_back({"summary", "required"});
    else if (d.summary.size() > limits.max_summary)
        out.push_back({"summary", too_long(limits.max_summary)});
    else if (std::any_of(d.summary.begin(), d.summary.end(), is_bad_in_text))
        out.push_back({"summary", "contains control characters"});
}

void check_recipients(report_draft& d, recipient_directory const& dir, errors& out) {
    auto& to = d.to;
    for (auto* list : {&to.orgs, &to.sectors}) {
        for (auto& name : *list) name = std::string(trim(name));
        drop_duplicates(*list, [](std::string const& s) { return s; });
    }
    auto level = std::string("TLP:") + std::string(to_string(d.level));
    bool empty = to.orgs.empty() && to.sectors.empty();
    if (!needs_recipients(d.level)) {
        if (!empty)
            out.push_back(
                {"recipients", "not allowed for " + level + ": it is shared with all members"});
        return;
    }
    if (empty)
        out.push_back({"recipients", "required for " + level + ": name at least one org:<slug>"});
    for (std::size_t i = 0; i < to.orgs.size(); ++i)
        if (!dir.org_exists(to.orgs[i]))
            out.push_back(
                {indexed("recipients", i), "unknown organisation \"" + to.orgs[i] + "\""});
    for (std::size_t i = 0; i < to.sectors.size(); ++i) {
        auto field = indexed("recipients", to.orgs.size() + i);
        if (!allows_sector_recipients(d.level))
            out.push_back({field, "sectors are not allowed for " + level + "; name organisations"});
        else if (!dir.sector_exists(to.sectors[i]))
            out.push_back({field, "unknown sector \"" + to.sectors[i] + "\""});
    }
}

void check_times(incident& what, errors& out) {
    std::optional<instant> first, last;
    for (auto [text, when, field] : {std::tuple{&what.first_seen, &first, "incident.first_seen"},
                                     std::tuple{&what.last_seen, &last, "incident.last_seen"}}) {
        *text = to_upper_ascii(trim(*text));
        if (text->empty()) continue;
        *when = parse_rfc3339(*text);
        if (!*when)
            out.push_back({field, "must be an RFC 3339 date-time such as 2018-09-30T12:00:00Z"});
    }
    if (first && last && *last < *first)
        out.push_back({"incident.last_seen", "must not be earlier than incident.first_seen"});
}

void check_incident(incident& what, validation_limits const& limits, errors& out) {
    what.category = to_lower_ascii(trim(what.category));
    if (!what.category.empty() &&
        std::find(categories.begin(), categories.end(), what.category) == categories.end())
        out.push_back({"incident.category", "must be one of intrusion, phishing, malware, ddos, "
                                            "data-leak, vulnerability, fraud, other"});
    check_times(what, out);
    what.sector = std::string(trim(what.sector));
    if (what.sector.size() > limits.max_item_length)
        out.push_back({"incident.sector", too_long(limits.max_item_length)});
    else if (std::any_of(what.sector.begin(), what.sector.end(), is_control))
        out.push_back({"incident.sector", "contains control characters"});
    what.country = to_upper_ascii(trim(what.country));
    if (!what.country.empty() &&
        (what.country.size() != 2 || !is_letter(what.country[0]) || !is_letter(what.country[1])))
        out.push_back({"incident.country", "must be an ISO 3166-1 alpha-2 code such as NO"});
}

// Each rule normalises one item in place and returns why it is wrong, or "".
using item_rule = std::string (*)(std::string& item, validation_limits const& limits);

std::string free_text_item(std::string& item, validation_limits const& limits) {
    item = std::string(trim(item));
    if (item.empty()) return "must not be empty";
    if (item.size() > limits.max_item_length) return too_long(limits.max_item_length);
    if (std::any_of(item.begin(), item.end(), is_control)) return "contains control characters";
    return {};
}

// T\d{4}(\.\d{3})?
std::string attack_pattern_item(std::string& item, validation_limits const&) {
    item = to_upper_ascii(trim(item));
    std::string_view s = item;
    bool ok = (s.size() == 5 || (s.size() == 9 && s[5] == '.')) && s[0] == 'T' &&
              std::all_of(s.begin() + 1, s.begin() + 5, is_digit) &&
              std::all_of(s.begin() + std::min<std::ptrdiff_t>(6, s.size()), s.end(), is_digit);
    return ok ? "" : "must be a MITRE ATT&CK technique id such as T1574 or T1574.002";
}

// CVE-\d{4}-\d{4,}
std::string cve_item(std::string& item, validation_limits const& limits) {
    item = to_upper_ascii(trim(item));
    std::string_view s = item;
    bool ok = s.size() >= 13 && s.size() <= limits.max_item_length && s.starts_with("CVE-") &&
              s[8] == '-' && std::all_of(s.begin() + 4, s.begin() + 8, is_digit) &&
              std::all_of(s.begin() + 9, s.end(), is_digit);
    return ok ? "" : "must be a CVE id such as CVE-2019-19781";
}

std::string reference_item(std::string& item, validation_limits const&) {
    auto url = normalise_indicator(indicator_type::url, item);
    if (!url.ok() || url.value.starts_with("ftp:")) return "must be an http or https URL";
    item = std::move(url.value);
    return {};
}

void check_list(std::string_view name, std::vector<std::string>& items, item_rule rule,
                validation_limits const& limits, errors& out) {
    // Past the limit, one error says it all; item errors would only flood the answer.
    if (items.size() > limits.max_list_items) {
        out.push_back({std::string(name),
                       "too many items: at most " + std::to_string(limits.max_list_items)});
        return;
    }
    for (std::size_t i = 0; i < items.size(); ++i)
        if (auto why = rule(items[i], limits); !why.empty()) out.push_back({indexed(name, i), why});
    drop_duplicates(items, [](std::string const& s) { return s; });
}

void check_indicators(std::vector<indicator>& items, validation_limits const& limits, errors& out) {
    if (items.size() > limits.max_indicators) {
        out.push_back({"indicators", "too many indicators: at most " +
                                         std::to_string(limits.max_indicators) + " per report"});
        return;
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto& item = items[i];
        auto result = normalise_indicator(item.type, item.value);
        if (result.ok())
            item.value = std::move(result.value);
        else
            out.push_back({indexed("indicators", i) + ".value", std::move(result.error)});
        if (item.note.size() > limits.max_note)
            out.push_back({indexed("indicators", i) + ".note", too_long(limits.max_note)});
        else if (std::any_of(item.note.begin(), item.note.end(), is_bad_in_text))
            out.push_back({indexed("indicators", i) + ".note", "contains control characters"});
    }
    drop_duplicates(items, [](indicator const& x) { return std::pair{x.type, x.value}; });
}

}  // namespace

std::vector<field_error> validate_and_normalise(report_draft& draft,
                                                recipient_directory const& directory,
                                                validation_limits const& limits) {
    errors out;
    check_text(draft, limits, out);
    check_recipients(draft, directory, out);
    check_incident(draft.what, limits, out);
    check_list("threat_actors", draft.threat_actors, free_text_item, limits, out);
    check_list("malware", draft.malware, free_text_item, limits, out);
    check_list("attack_patterns", draft.attack_patterns, attack_pattern_item, limits, out);
    check_list("cves", draft.cves, cve_item, limits, out);
    check_list("references", draft.references, reference_item, limits, out);
    check_indicators(draft.indicators, limits, out);
    return out;
}

}  // namespace varde::domain
