#include "wire/report_json.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace varde::wire {

namespace {

using json = nlohmann::json;

void put_if(json& j, char const* key, std::string const& value) {
    if (!value.empty()) j[key] = value;
}

json encode_incident(domain::incident const& i) {
    json j = json::object();
    put_if(j, "category", i.category);
    put_if(j, "first_seen", i.first_seen);
    put_if(j, "last_seen", i.last_seen);
    put_if(j, "sector", i.sector);
    put_if(j, "country", i.country);
    return j;
}

json encode_indicators(std::vector<domain::indicator> const& list) {
    json out = json::array();
    for (auto const& i : list) {
        json j{{"type", domain::to_string(i.type)}, {"value", i.value}, {"role", domain::to_string(i.role)}};
        put_if(j, "note", i.note);
        out.push_back(std::move(j));
    }
    return out;
}

// Appends `value` as a JSON string exactly as nlohmann's dump() writes it. Printable ASCII
// without quotes or backslashes (ids, statuses, timestamps: nearly every value) is copied as
// is; anything else goes through nlohmann, so escaping and UTF-8 checks stay its own.
void append_string(std::string& out, std::string_view value) {
    bool plain = std::all_of(value.begin(), value.end(), [](char c) {
        return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    });
    if (!plain) {
        out += json(value).dump();
        return;
    }
    out += '"';
    out.append(value);
    out += '"';
}

void append_member(std::string& out, char const* key, std::optional<std::string> const& value) {
    out += key;
    if (value) append_string(out, *value);
    else out += "null";
}

// The node's fields, as the start of a JSON object without its closing brace. Written by
// hand, not through a json object (a list page renders a hundred of them): the same bytes
// as dumping {"id", "status", "tlp", "created_at" if set, "source", "published_at"}, whose
// keys nlohmann's object keeps in alphabetical order.
void append_header_prefix(std::string& out, report_header const& h) {
    out += '{';
    if (!h.created_at.empty()) {
        out += "\"created_at\":";
        append_string(out, h.created_at);
        out += ',';
    }
    out += "\"id\":";
    append_string(out, h.id);
    append_member(out, ",\"published_at\":", h.published_at);
    append_member(out, ",\"source\":", h.source);
    out += ",\"status\":";
    append_string(out, h.status);
    out += ",\"tlp\":";
    append_string(out, h.tlp);
}

// Joins the header and the stored content object (both non-empty objects), and leaves the
// object open: the caller appends its own members, then closes it (close_view).
void open_view(std::string& out, report_header const& h, std::string_view content) {
    out.reserve(out.size() + 160 + h.id.size() + content.size());
    append_header_prefix(out, h);
    out += ',';
    out.append(content.substr(1, content.size() - 2));  // without '{' and '}'
}

// The related ids when given, and the object's closing brace.
void close_view(std::string& out, std::optional<std::vector<std::string>> const& related) {
    if (related) {
        out += ",\"related\":";
        out += json(*related).dump();
    }
    out += '}';
}

}  // namespace

std::string encode_shared_content(domain::report_draft const& c) {
    json j{{"title", c.title}, {"summary", c.summary}, {"incident", encode_incident(c.what)},
           {"threat_actors", c.threat_actors}, {"malware", c.malware},
           {"attack_patterns", c.attack_patterns}, {"cves", c.cves}, {"references", c.references},
           {"indicators", encode_indicators(c.indicators)}};
    return j.dump();
}

std::string encode_redactions(std::vector<domain::field_redaction> const& redactions) {
    json out = json::array();
    for (auto const& r : redactions) out.push_back({{"field", r.field}, {"kind", r.kind}, {"original", r.original}});
    return out.dump();
}

std::string encode_warnings(std::vector<std::string> const& warnings) { return json(warnings).dump(); }

void append_member_view(std::string& out, report_header const& h, std::string_view shared_json,
                        std::optional<std::vector<std::string>> const& related) {
    open_view(out, h, shared_json);
    close_view(out, related);
}

void append_summary_view(std::string& out, report_header const& h, std::string_view title) {
    append_header_prefix(out, h);
    out += ",\"title\":";
    append_string(out, title);
    out += '}';
}

// The owner's fields are written by hand, not through a json object: an originator's list page
// parsed and dumped again the stored redactions and warnings of each of its hundred reports
// (about three times a member page's CPU). The bytes are those the object's dump() gave: its
// keys in nlohmann's (alphabetical) order, and the stored redactions and warnings spliced as
// stored, which is their dump() (wire::encode_redactions, encode_warnings). Only an operator's
// `original`, the submitter's own text, is parsed and dumped.
void append_owner_view(std::string& out, report_header const& h, std::string_view shared_json,
                       owner_extras const& x, std::optional<std::vector<std::string>> const& related) {
    open_view(out, h, shared_json);
    out += ",\"attribution\":";
    append_string(out, x.attribution);
    if (x.origin_org) {
        out += ",\"origin_org\":";
        append_string(out, *x.origin_org);
    }
    if (x.original_body) {
        out += ",\"original\":";
        out += json::parse(*x.original_body, nullptr, false).dump();
    }
    out += ",\"recipients\":[";
    bool first = true;
    auto recipient = [&](char const* kind, std::string const& name) {
        if (!first) out += ',';
        first = false;
        append_string(out, kind + name);
    };
    for (auto const& o : x.to.orgs) recipient("org:", o);
    for (auto const& s : x.to.sectors) recipient("sector:", s);
    out += "],\"redactions\":";
    out += x.redactions_json;
    if (x.reject_reason) {
        out += ",\"reject_reason\":";
        append_string(out, *x.reject_reason);
    }
    out += ",\"warnings\":";
    out += x.warnings_json;
    close_view(out, related);
}

std::string member_view(report_header const& h, std::string_view shared_json,
                        std::optional<std::vector<std::string>> const& related) {
    std::string out;
    append_member_view(out, h, shared_json, related);
    return out;
}

std::string summary_view(report_header const& h, std::string_view title) {
    std::string out;
    append_summary_view(out, h, title);
    return out;
}

std::string owner_view(report_header const& h, std::string_view shared_json, owner_extras const& x,
                       std::optional<std::vector<std::string>> const& related) {
    std::string out;
    append_owner_view(out, h, shared_json, x, related);
    return out;
}

}  // namespace varde::wire
