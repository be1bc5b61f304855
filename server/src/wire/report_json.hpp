#pragma once
// JSON views of reports, one per audience (SPEC §3, §5):
//  - the shared content, encoded once at publish time, stored and served verbatim;
//  - the member view: node fields spliced in front of the shared content;
//  - the owner view (originator and operators): plus recipients, redaction summary, warnings,
//    and for operators the true source and the original submission.
// There is no to_json for the domain report on purpose: `json j = report;` must not compile.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/report.hpp"
#include "domain/sharing.hpp"
#include "domain/visibility.hpp"

namespace varde::wire {

std::string encode_shared_content(domain::report_draft const& scrubbed);
std::string encode_redactions(std::vector<domain::field_redaction> const& redactions);
std::string encode_warnings(std::vector<std::string> const& warnings);

// The node's own fields of a report, as stored.
struct report_header {
    std::string id, status, tlp;
    std::optional<std::string> source;  // the display source; nullopt for anonymous
    std::string created_at;  // empty: not shown (member views)
    std::optional<std::string> published_at;
};

// Views of the stored report's fields, valid for the call they are passed to: an owner's list
// page renders a hundred of them, and the stored JSON is kilobytes each.
struct owner_extras {
    domain::recipients to;
    std::string_view attribution;
    std::string_view redactions_json;  // stored, verbatim
    std::string_view warnings_json;    // stored, verbatim
    std::optional<std::string_view> origin_org;     // operators only: the true source
    std::optional<std::string_view> original_body;  // operators only, until purged
    std::optional<std::string_view> reject_reason;  // the originator sees why it was rejected
};

// Member view; `related` ids are appended when given.
std::string member_view(report_header const& h, std::string_view shared_json,
                        std::optional<std::vector<std::string>> const& related = std::nullopt);
// A list entry of view=summary: the header and the title only.
std::string summary_view(report_header const& h, std::string_view title);
std::string owner_view(report_header const& h, std::string_view shared_json, owner_extras const& extras,
                       std::optional<std::vector<std::string>> const& related = std::nullopt);

// The same views appended to `out`: a list page writes its hundred reports into one buffer
// instead of making each a string of its own and copying it in.
void append_member_view(std::string& out, report_header const& h, std::string_view shared_json,
                        std::optional<std::vector<std::string>> const& related = std::nullopt);
void append_summary_view(std::string& out, report_header const& h, std::string_view title);
void append_owner_view(std::string& out, report_header const& h, std::string_view shared_json,
                       owner_extras const& extras,
                       std::optional<std::vector<std::string>> const& related = std::nullopt);

}  // namespace varde::wire
