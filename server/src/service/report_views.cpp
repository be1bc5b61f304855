#include "service/report_views.hpp"

#include <cctype>

#include "util/log.hpp"
#include "wire/report_json.hpp"

namespace varde::service::report_views {

namespace rs = store::report_store;

error not_found() { return {error_code::not_found, "no such report"}; }

bool looks_like_uuid(std::string const& id) {
    if (id.size() != 36) return false;
    for (std::size_t i = 0; i < id.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = id[i];
        if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

domain::report_meta meta_of(rs::stored_report const& r) {
    auto level = domain::parse_tlp(r.tlp).value_or(domain::tlp::red);
    auto status = r.status == "published" ? domain::report_status::published
                : r.status == "retracted" ? domain::report_status::retracted
                : r.status == "rejected"  ? domain::report_status::rejected
                                          : domain::report_status::pending;
    return {r.origin_org, level, r.to, status};
}

// Every row the store returns is checked again with the domain rule, the single source of
// truth: the SQL filter only keeps the database from loading what the reader may not see.
// If the two ever disagree, the stricter answer wins and the disagreement is logged.
domain::access checked_access(rs::stored_report const& r, domain::principal const& who) {
    auto by_domain = domain::access_to(who, meta_of(r));
    auto by_sql = r.access == "full" ? domain::access::full : r.access == "gone" ? domain::access::gone
                                                                                   : domain::access::none;
    if (by_domain == by_sql) return by_domain;
    log::error("visibility.mismatch", {{"report_id", r.id}, {"principal", who.id}, {"sql", r.access}});
    return by_domain == domain::access::none || by_sql == domain::access::none ? domain::access::none
                                                                               : domain::access::gone;
}

std::vector<rs::stored_report> only_visible(std::vector<rs::stored_report> rows, domain::principal const& who) {
    std::erase_if(rows, [&](rs::stored_report const& r) { return checked_access(r, who) != domain::access::full; });
    return rows;
}

// The one place that picks the view of a report for a reader: the domain decides whether the
// reader sees it as its owner does (originator, operators) or as a member.
void append_rendered(std::string& out, rs::stored_report const& r, domain::principal const& who,
                     std::optional<std::vector<std::string>> const& related) {
    wire::report_header h{r.id, r.status, r.tlp, r.source_display, r.created_at, r.published_at};
    if (!domain::sees_as_owner(who, meta_of(r))) {
        // Members do not see when a report was submitted: for a trusted organisation it equals
        // published_at, and that alone would narrow the source down to the trusted few.
        h.created_at.clear();
        return wire::append_member_view(out, h, r.shared_json, related);
    }
    wire::owner_extras x{r.to, r.attribution, r.redactions_json, r.warnings_json, std::nullopt, std::nullopt,
                         r.reject_reason};
    if (who.is_operator()) {
        x.origin_org = r.origin_org;
        x.original_body = r.original_body;
    }
    wire::append_owner_view(out, h, r.shared_json, x, related);
}

std::string render(rs::stored_report const& r, domain::principal const& who,
                   std::optional<std::vector<std::string>> const& related) {
    std::string out;
    append_rendered(out, r, who, related);
    return out;
}

void append_summaries(std::string& out, std::vector<rs::stored_report> const& rows, domain::principal const& who) {
    out.reserve(out.size() + 2 + rows.size() * 320);  // a header and a title: no regrowth on a typical page
    out += '[';
    for (std::size_t i = 0; i < rows.size(); ++i) {
        auto const& r = rows[i];
        wire::report_header h{r.id, r.status, r.tlp, r.source_display, r.created_at, r.published_at};
        if (!domain::sees_as_owner(who, meta_of(r))) h.created_at.clear();  // as in append_rendered()
        if (i) out += ',';
        wire::append_summary_view(out, h, r.title);
    }
    out += ']';
}

void append_items(std::string& out, std::vector<rs::stored_report> const& rows, domain::principal const& who) {
    // Reserved once: a page of full reports is a quarter of a megabyte, and growing it by
    // doubling copied it about eight times.
    std::size_t size = out.size() + 2;
    for (auto const& r : rows) size += r.shared_json.size() + r.redactions_json.size() + 320;
    out.reserve(size);
    out += '[';
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (i) out += ',';
        append_rendered(out, rows[i], who);
    }
    out += ']';
}

std::string summaries_json(std::vector<rs::stored_report> const& rows, domain::principal const& who) {
    std::string out;
    append_summaries(out, rows, who);
    return out;
}

std::string items_json(std::vector<rs::stored_report> const& rows, domain::principal const& who) {
    std::string out;
    append_items(out, rows, who);
    return out;
}

}  // namespace varde::service::report_views
