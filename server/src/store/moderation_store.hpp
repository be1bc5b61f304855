#pragma once
// State changes of reports: moderation, retraction, TLP changes and proposals. Each update
// is conditional on the status it expects, so of two operators acting at once exactly one
// changes the row and the other learns that it lost (conflict).
#include <optional>
#include <string>
#include <vector>

#include "domain/identity.hpp"
#include "domain/visibility.hpp"
#include "store/report_store.hpp"
#include "store/tx.hpp"

namespace varde::store::moderation_store {

// Each returns false when the report is not in the status the act requires.
bool approve(tx& t, std::string const& id, std::string const& operator_id,
             std::optional<std::string> const& new_shared_json);
bool reject(tx& t, std::string const& id, std::string const& operator_id, std::string const& reason);
bool retract(tx& t, std::string const& id);
void set_tlp(tx& t, std::string const& id, std::string const& tlp, domain::recipients const& to);
bool mark_reviewed(tx& t, std::string const& id, std::string const& operator_id);

// The report's row as an operator sees it, regardless of visibility (for the acts above).
std::optional<report_store::stored_report> load_for_update(tx& t, std::string const& id);
std::optional<std::string> reject_reason(tx& t, std::string const& id);

void append_event(tx& t, std::string const& id, std::string const& kind, std::string const& detail_json = "{}");

// Pending reports (the queue) or unreviewed published reports of trusted organisations,
// oldest first, as the operator `who` reads them.
std::vector<report_store::stored_report> queue(tx& t, domain::principal const& who, bool unreviewed_published,
                                               std::size_t limit);

struct proposal {
    std::string id, report_id, tlp, status;
    domain::recipients to;
};
// Supersedes any open proposal of the report, then records this one.
std::string propose(tx& t, std::string const& report_id, std::string const& operator_id, std::string const& tlp,
                    domain::recipients const& to);
std::optional<proposal> open_proposal(tx& t, std::string const& report_id);
void decide(tx& t, std::string const& proposal_id, bool accepted);
// Supersedes any open proposal: after a retraction, a rejection or a direct change it no
// longer describes the report.
void close_proposals(tx& t, std::string const& report_id);

}  // namespace varde::store::moderation_store
