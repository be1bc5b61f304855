#pragma once
// Changing a report's TLP or recipients (SPEC §4): is the change a tightening (nobody gains
// access), and who may make it directly.
#include <functional>
#include <string>
#include <vector>

#include "domain/identity.hpp"
#include "domain/visibility.hpp"

namespace varde::domain {

// The sectors of an organisation, by slug (empty if unknown).
using sectors_of = std::function<std::vector<std::string>(std::string const& org_slug)>;

// True when every principal who could see `after` could already see `before`: a stricter or
// equal level whose recipients are all covered by the old ones. Narrowing recipients counts
// as tightening; naming a new organisation never does.
bool is_tightening(report_meta const& before, report_meta const& after, sectors_of const& lookup);

enum class change_decision {
    apply,    // the originator, or an operator tightening
    propose,  // an operator loosening: takes effect only when the originator accepts
    refuse,   // anyone else: the report does not exist for them (404)
};

change_decision decide_tlp_change(principal const& who, report_meta const& before, bool tightening);

// CLEAR and GREEN have no recipients: a loosening to them drops the list (SPEC §3).
void drop_recipients_if_unused(report_meta& meta);

}  // namespace varde::domain
