#pragma once
// What leaves the originator: the scrubbed copy of a validated report that every permitted
// reader receives, and the summary of what was removed (for the originator and operators).
#include <string>
#include <vector>

#include "domain/anonymiser.hpp"
#include "domain/identity.hpp"
#include "domain/report.hpp"

namespace varde::domain {

struct field_redaction {
    std::string field;     // "summary", "indicators[2].note", "indicators[3]"
    std::string kind;      // "org", "email", ..., or "victim-indicator" (withheld whole)
    std::string original;  // what was there: shown to the originator and operators only
};

struct shared_report {
    report_draft content;  // scrubbed; victim indicators removed; recipients kept for the rules
    std::vector<field_redaction> redactions;
};

// Scrubs every free-text field with the originating organisation's terms (SPEC §5) and
// withholds victim indicators. Attacker indicator values are kept exactly as given.
shared_report prepare_for_sharing(report_draft const& validated, organisation const& origin,
                                  scrub_policy policy);

}  // namespace varde::domain
