#include "wire/admin_json.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <set>
#include <span>

#include "domain/indicator.hpp"
#include "domain/text.hpp"
#include "wire/json_body.hpp"

namespace varde::wire {

namespace {

using json = nlohmann::json;
using errors = std::vector<domain::field_error>;

constexpr std::size_t max_depth = 4;     // an object of arrays of strings needs 2
constexpr std::size_t max_items = 1000;  // per list of identifying terms or sectors
constexpr std::size_t max_text = 200;    // bytes of a name (the database's limit too)
constexpr std::size_t max_slug = 63;

constexpr std::array<std::string_view, 8> organisation_fields = {
    "slug", "name", "country", "sectors", "names", "domains", "ip_ranges", "trusted"};
constexpr std::array<std::string_view, 6> patch_fields = {"name",    "sectors",   "names",
                                                          "domains", "ip_ranges", "trusted"};
constexpr std::array<std::string_view, 2> fixed_fields = {"slug", "country"};
constexpr std::array<std::string_view, 5> enrol_fields = {"org", "name", "role", "kind", "certificate"};

// A value as it will be stored, or why it is refused.
struct checked {
    std::string value;
    std::string error;
};
using checker = checked (*)(std::string_view);

bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }
bool is_slug_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

bool is_slug(std::string_view s) {
    return !s.empty() && s.size() <= max_slug && s.front() != '-' && std::all_of(s.begin(), s.end(), is_slug_char);
}

checked slug(std::string_view raw) {
    if (is_slug(raw)) return {std::string(raw), {}};
    return {{}, "must be 1-63 lower-case letters, digits and '-', not starting with '-'"};
}

checked sector(std::string_view raw) {
    auto s = domain::to_lower_ascii(domain::trim(raw));
    if (is_slug(s)) return {std::move(s), {}};
    return {{}, "must be 1-63 letters, digits and '-' (e.g. it-services)"};
}

checked plain_text(std::string_view raw) {
    auto t = domain::trim(raw);
    if (t.empty()) return {{}, "must not be empty"};
    if (t.size() > max_text) return {{}, "must not be longer than 200 bytes"};
    if (std::any_of(t.begin(), t.end(), is_control)) return {{}, "must not hold control characters"};
    return {std::string(t), {}};
}

checked country(std::string_view raw) {
    auto c = domain::to_upper_ascii(domain::trim(raw));
    bool ok = c.size() == 2 && std::all_of(c.begin(), c.end(), [](char x) { return x >= 'A' && x <= 'Z'; });
    if (ok) return {std::move(c), {}};
    return {{}, "must be an ISO 3166-1 alpha-2 code such as NO"};
}

checked domain_name(std::string_view raw) {
    auto n = domain::normalise_indicator(domain::indicator_type::domain, raw);
    return {std::move(n.value), std::move(n.error)};
}

checked ip_range(std::string_view raw) {
    auto n = domain::normalise_indicator(domain::indicator_type::cidr, raw);
    return {std::move(n.value), std::move(n.error)};
}

checked role(std::string_view raw) {
    if (domain::parse_role(raw)) return {std::string(raw), {}};
    return {{}, "must be member or operator"};
}

checked kind(std::string_view raw) {
    if (domain::parse_principal_kind(raw)) return {std::string(raw), {}};
    return {{}, "must be person or service"};
}

// The PEM text is stored as sent, so it must be one certificate and nothing else secret.
checked certificate(std::string_view pem) {
    constexpr std::string_view begin = "-----BEGIN CERTIFICATE-----";
    if (pem.find("PRIVATE KEY") != std::string_view::npos)
        return {{}, "holds a private key: send the certificate only"};
    auto first = pem.find(begin);
    if (first == std::string_view::npos) return {{}, "must be a PEM certificate (-----BEGIN CERTIFICATE-----)"};
    if (pem.find(begin, first + 1) != std::string_view::npos)
        return {{}, "must hold one certificate, not a chain"};
    return {std::string(pem), {}};
}

std::optional<std::string> checked_string(json const& object, std::string const& key, checker check,
                                          bool required, errors& out) {
    auto it = object.find(key);
    if (it == object.end()) {
        if (required) out.push_back({key, "required"});
        return std::nullopt;
    }
    if (!it->is_string()) {
        out.push_back({key, "must be a string"});
        return std::nullopt;
    }
    auto c = check(it->get_ref<std::string const&>());
    if (!c.error.empty()) {
        out.push_back({key, std::move(c.error)});
        return std::nullopt;
    }
    return std::move(c.value);
}

// Each item checked and normalised; duplicates (after normalisation) are dropped, keeping
// the first. nullopt if absent or refused.
std::optional<std::vector<std::string>> checked_list(json const& object, std::string const& key, checker check,
                                                     errors& out) {
    auto it = object.find(key);
    if (it == object.end()) return std::nullopt;
    if (!it->is_array() || it->size() > max_items) {
        out.push_back({key, it->is_array() ? "must not have more than 1000 items" : "must be an array of strings"});
        return std::nullopt;
    }
    std::vector<std::string> items;
    auto errors_before = out.size();
    for (std::size_t i = 0; i < it->size(); ++i) {
        auto field = key + "[" + std::to_string(i) + "]";
        auto const& item = (*it)[i];
        if (!item.is_string()) {
            out.push_back({field, "must be a string"});
            continue;
        }
        auto c = check(item.get_ref<std::string const&>());
        if (!c.error.empty())
            out.push_back({field, std::move(c.error)});
        else if (std::find(items.begin(), items.end(), c.value) == items.end())
            items.push_back(std::move(c.value));
    }
    if (out.size() != errors_before) return std::nullopt;
    return items;
}

std::optional<bool> checked_bool(json const& object, std::string const& key, errors& out) {
    auto it = object.find(key);
    if (it == object.end()) return std::nullopt;
    if (it->is_boolean()) return it->get<bool>();
    out.push_back({key, "must be true or false"});
    return std::nullopt;
}

organisation_patch decode_terms(json const& body, errors& out) {
    organisation_patch p;
    p.name = checked_string(body, "name", plain_text, false, out);
    p.sectors = checked_list(body, "sectors", sector, out);
    p.names = checked_list(body, "names", plain_text, out);
    p.domains = checked_list(body, "domains", domain_name, out);
    p.ip_ranges = checked_list(body, "ip_ranges", ip_range, out);
    p.trusted = checked_bool(body, "trusted", out);
    return p;
}

std::string dump(json const& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json organisation_object(domain::organisation const& o) {
    return {{"slug", o.slug},           {"name", o.name},
            {"country", o.country},     {"sectors", o.sectors},
            {"names", o.terms.names},   {"domains", o.terms.domains},
            {"ip_ranges", o.terms.ip_ranges}, {"trusted", o.trusted}};
}

}  // namespace

void organisation_patch::apply_to(domain::organisation& org) const {
    if (name) org.name = *name;
    if (sectors) org.sectors = *sectors;
    if (names) org.terms.names = *names;
    if (domains) org.terms.domains = *domains;
    if (ip_ranges) org.terms.ip_ranges = *ip_ranges;
    if (trusted) org.trusted = *trusted;
}

decoded<domain::organisation> decode_new_organisation(std::string_view body) {
    decoded<domain::organisation> result;
    auto& out = result.errors;
    auto parsed = parse_object(body, max_depth, out);
    if (!parsed) return result;
    refuse_unknown(*parsed, organisation_fields, {}, out);
    auto slug_value = checked_string(*parsed, "slug", slug, true, out);
    auto country_value = checked_string(*parsed, "country", country, true, out);
    if (!parsed->contains("name")) out.push_back({"name", "required"});
    auto terms = decode_terms(*parsed, out);
    if (!out.empty()) return result;
    domain::organisation org{*slug_value, {}, {}, *country_value, {}, false};
    terms.apply_to(org);
    if (org.terms.names.empty()) org.terms.names.push_back(org.name);
    result.value = std::move(org);
    return result;
}

decoded<organisation_patch> decode_organisation_patch(std::string_view body) {
    decoded<organisation_patch> result;
    auto parsed = parse_object(body, max_depth, result.errors);
    if (!parsed) return result;
    if (parsed->empty())
        result.errors.push_back({"", "names no field to change: send name, sectors, names, domains, "
                                     "ip_ranges or trusted"});
    refuse_unknown(*parsed, patch_fields, fixed_fields, result.errors);
    auto patch = decode_terms(*parsed, result.errors);
    if (result.errors.empty()) result.value = std::move(patch);
    return result;
}

decoded<enrol_request> decode_enrol_request(std::string_view body) {
    decoded<enrol_request> result;
    auto& out = result.errors;
    auto parsed = parse_object(body, max_depth, out);
    if (!parsed) return result;
    refuse_unknown(*parsed, enrol_fields, {}, out);
    auto org = checked_string(*parsed, "org", slug, true, out);
    auto name = checked_string(*parsed, "name", plain_text, true, out);
    auto role_text = checked_string(*parsed, "role", role, true, out);
    auto kind_text = checked_string(*parsed, "kind", kind, true, out);
    auto pem = checked_string(*parsed, "certificate", certificate, true, out);
    if (!out.empty()) return result;
    result.value = enrol_request{*org, *name, *domain::parse_role(*role_text),
                                 *domain::parse_principal_kind(*kind_text), *pem};
    return result;
}

std::optional<std::string> normalise_fingerprint(std::string_view text) {
    std::string hex;
    for (std::size_t i = 0; i < text.size(); ++i) {
        bool separator_place = i % 3 == 2;
        if (text[i] == ':' && separator_place) continue;
        hex += text[i];
    }
    hex = domain::to_lower_ascii(hex);
    bool ok = hex.size() == 64 && std::all_of(hex.begin(), hex.end(), [](char c) {
                  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
              });
    if (!ok) return std::nullopt;
    return hex;
}

std::string organisation_json(domain::organisation const& org) { return dump(organisation_object(org)); }

std::string organisations_json(std::vector<domain::organisation> const& orgs) {
    json list = json::array();
    for (auto const& o : orgs) list.push_back(organisation_object(o));
    return dump({{"organisations", std::move(list)}});
}

std::string principal_json(principal_view const& p) {
    json j{{"id", p.id},
           {"name", p.name},
           {"fingerprint", p.fingerprint},
           {"org", p.org},
           {"role", domain::to_string(p.role)},
           {"kind", domain::to_string(p.kind)},
           {"status", domain::to_string(p.status)}};
    if (!p.subject.empty()) j["subject"] = p.subject;
    if (!p.not_after.empty()) j["not_after"] = p.not_after;
    return dump(j);
}

std::string audit_page_json(std::vector<audit_record> const& entries, std::optional<std::int64_t> next_after) {
    json list = json::array();
    for (auto const& e : entries) {
        auto detail = json::parse(e.detail_json, nullptr, false);
        list.push_back({{"seq", e.seq},
                        {"at", e.at},
                        {"actor", e.actor},
                        {"action", e.action},
                        {"subject_type", e.subject_type},
                        {"subject_id", e.subject_id},
                        {"detail", detail.is_discarded() ? json(e.detail_json) : detail},
                        {"prev_hash", e.prev_hash},
                        {"hash", e.hash}});
    }
    return dump({{"entries", std::move(list)}, {"next_after", next_after ? json(*next_after) : json(nullptr)}});
}

}  // namespace varde::wire
