#pragma once
// THE visibility rule of SPEC §4 and §6. Every read path (get, list, search, stream, poll,
// export, related, counts) asks this function, and the SQL in store/ mirrors it in exactly
// one fragment (store/sql/visible_reports.sql) that the same test table checks.
#include <string>
#include <vector>

#include "domain/identity.hpp"
#include "domain/tlp.hpp"

namespace varde::domain {

enum class report_status { pending, published, rejected, retracted };

struct recipients {
    std::vector<std::string> orgs;     // organisation slugs
    std::vector<std::string> sectors;  // AMBER only
};

// What the rule needs to know about a report; nothing of its content.
struct report_meta {
    std::string origin_org;  // slug of the originating organisation
    tlp level = tlp::red;
    recipients to;
    report_status status = report_status::pending;
};

enum class access {
    none,  // the report does not exist for this principal: 404
    gone,  // it could see it, but it was retracted: 410
    full,  // it may read the shared (scrubbed) view
};

// May this principal read this report's shared view, given only its TLP and recipients?
bool tlp_admits(principal const& who, report_meta const& report);

// The full rule, statuses included.
access access_to(principal const& who, report_meta const& report);

// Does it see the report as its owner sees it: true source, original text, redaction summary?
bool sees_as_owner(principal const& who, report_meta const& report);

}  // namespace varde::domain
