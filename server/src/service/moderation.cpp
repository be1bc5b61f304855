// Moderation, retraction and TLP changes (SPEC §4 "Changing TLP", §6): members of
// report_service. Each act is one transaction holding the report's row lock; its audit entry
// and the event a stream will carry commit with it.
#include <nlohmann/json.hpp>

#include "domain/anonymiser.hpp"
#include "domain/tlp_change.hpp"
#include "service/identity_service.hpp"
#include "service/report_service.hpp"
#include "service/report_views.hpp"
#include "store/audit_store.hpp"
#include "store/directory_store.hpp"
#include "store/moderation_store.hpp"
#include "store/organisation_store.hpp"
#include "store/pg_pool.hpp"
#include "wire/moderation_json.hpp"

namespace varde::service {

namespace {

namespace ms = store::moderation_store;
namespace rs = store::report_store;
using namespace report_views;
using json = nlohmann::json;

json meta_json(domain::report_meta const& m) {
    return {{"tlp", domain::to_string(m.level)}, {"orgs", m.to.orgs}, {"sectors", m.to.sectors}};
}

void audit(store::tx& t, domain::principal const& who, std::string const& action, std::string const& id, json detail) {
    store::audit_store::append(t, {who.fingerprint, action, "report", id, detail.dump()});
}

error invalid(std::vector<domain::field_error> fields) {
    return {error_code::invalid, "the change is not valid; see errors", std::move(fields)};
}

error wrong_status(rs::stored_report const& r, char const* needed) {
    return {error_code::conflict, "the report is " + r.status + ", not " + needed};
}

// Checks a new TLP and recipient list with the same rules as a new report; the originator's
// own organisation is dropped from the list, and CLEAR/GREEN drop the list altogether.
std::vector<domain::field_error> check_target(store::tx& t, domain::report_meta& target) {
    std::erase(target.to.orgs, target.origin_org);
    domain::drop_recipients_if_unused(target);
    domain::report_draft probe;
    probe.title = probe.summary = "-";
    probe.level = target.level;
    probe.to = target.to;
    auto all = domain::validate_and_normalise(probe, directory_view(store::directory_store::load(t)), {});
    std::erase_if(all, [](auto const& e) { return !e.field.starts_with("recipients") && e.field != "tlp"; });
    target.to = probe.to;
    return all;
}

domain::sectors_of sector_lookup(store::tx& t) {
    auto orgs = store::organisation_store::list_all(t);
    return [orgs = std::move(orgs)](std::string const& slug) {
        for (auto const& o : orgs)
            if (o.slug == slug) return o.sectors;
        return std::vector<std::string>{};
    };
}

// An operator's edit obeys the limits of a submitted report.
std::vector<domain::field_error> check_edits(wire::approval const& a, domain::validation_limits const& limits) {
    std::vector<domain::field_error> out;
    auto blank = [](std::string const& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; };
    if (a.title && (blank(*a.title) || a.title->size() > limits.max_title || a.title->find('\n') != std::string::npos))
        out.push_back({"title", "must be one non-blank line of at most " + std::to_string(limits.max_title) + " bytes"});
    if (a.summary && (blank(*a.summary) || a.summary->size() > limits.max_summary))
        out.push_back({"summary", "must be non-blank and at most " + std::to_string(limits.max_summary) + " bytes"});
    return out;
}

// Re-scrubs an operator's edit of the shared text with the originator's terms.
std::string edited_shared_json(store::tx& t, rs::stored_report const& r, wire::approval const& a) {
    auto shared = json::parse(r.shared_json);
    auto origin = store::organisation_store::find_by_slug(t, r.origin_org);
    domain::anonymiser scrub(origin ? origin->terms : domain::identifying_terms{});
    domain::scrub_policy policy{r.attribution == "attributed"};
    if (a.title) shared["title"] = scrub.scrub(*a.title, policy).text;
    if (a.summary) shared["summary"] = scrub.scrub(*a.summary, policy).text;
    return shared.dump();
}

// Applies a TLP change. Someone lost access unless the old audience is contained in the
// new one, whatever the direction of the change (AMBER [A,B] -> AMBER+STRICT [A] and
// AMBER [A] -> AMBER [B] both take the report away from somebody): then the change also
// records report.withdrawn, which streams turn into a deletion for those who lost it.
void apply_tlp(store::tx& t, domain::principal const& who, rs::stored_report const& r,
               domain::report_meta const& before, domain::report_meta const& after) {
    ms::set_tlp(t, r.id, std::string(domain::to_string(after.level)), after.to);
    ms::close_proposals(t, r.id);
    json detail{{"origin", r.origin_org}, {"before", meta_json(before)}, {"after", meta_json(after)}};
    if (r.status == "published") {
        ms::append_event(t, r.id, "report.updated", detail.dump());
        if (!domain::is_tightening(after, before, sector_lookup(t)))
            ms::append_event(t, r.id, "report.withdrawn", detail.dump());
    }
    audit(t, who, "report.tlp_changed", r.id, detail);
}

// Runs an act in one transaction. An act that answers with an error is rolled back, so a
// refusal never leaves a partial write behind.
struct rolled_back {};

template <typename T, typename F>
outcome<T> in_transaction(store::pg_pool& pool, F&& act) {
    std::optional<outcome<T>> result;
    try {
        pool.transact([&](store::tx& t) {
            result.emplace(act(t));
            if (!result->ok()) throw rolled_back{};
        });
    } catch (rolled_back const&) {
    } catch (std::exception const& e) {
        return from_store_failure(e);
    }
    return std::move(*result);
}

}  // namespace

outcome<std::string> report_service::queue(domain::principal const& who, bool unreviewed_published) {
    std::vector<rs::stored_report> rows;
    try {
        pool_.transact([&](store::tx& t) { rows = ms::queue(t, who, unreviewed_published, settings_.max_page); });
    } catch (std::exception const& e) {
        return from_store_failure(e);
    }
    rows = only_visible(std::move(rows), who);
    return "{\"items\":" + items_json(rows, who) + "}";
}

outcome<std::string> report_service::approve(domain::principal const& who, std::string const& id,
                                             std::string const& body) {
    auto decoded = wire::decode_approval(body);
    if (!decoded.value) return invalid(decoded.errors);
    auto const& a = *decoded.value;
    if (!looks_like_uuid(id)) return not_found();
    return in_transaction<std::string>(pool_, [&](store::tx& t) -> outcome<std::string> {
        auto r = ms::load_for_update(t, id);
        if (!r) return not_found();
        if (r->status != "pending") return wrong_status(*r, "pending");
        auto before = meta_of(*r), after = before;
        if (a.level) {
            after.level = *a.level;
            after.to = a.to.value_or(before.to);
            if (auto errors = check_target(t, after); !errors.empty()) return invalid(errors);
            if (!domain::is_tightening(before, after, sector_lookup(t)))
                return invalid({{"tlp", "an operator may only tighten when approving; propose a loosening "
                                        "with POST /v1/reports/{id}/tlp after publication"}});
            apply_tlp(t, who, *r, before, after);
        }
        if (auto errors = check_edits(a, settings_.validation); !errors.empty()) return invalid(errors);
        std::optional<std::string> shared;
        if (a.title || a.summary) shared = edited_shared_json(t, *r, a);
        if (!ms::approve(t, id, who.id, shared)) return wrong_status(*r, "pending");
        ms::append_event(t, id, "report.published");
        audit(t, who, "report.approved", id, {{"before", "pending"}, {"after", "published"}, {"edited", shared.has_value()}});
        return render(*rs::find(t, id, who), who);
    });
}

outcome<std::string> report_service::reject(domain::principal const& who, std::string const& id,
                                            std::string const& body) {
    auto reason = wire::decode_rejection(body);
    if (!reason.value) return invalid(reason.errors);
    if (!looks_like_uuid(id)) return not_found();
    return in_transaction<std::string>(pool_, [&](store::tx& t) -> outcome<std::string> {
        auto r = ms::load_for_update(t, id);
        if (!r) return not_found();
        if (!ms::reject(t, id, who.id, *reason.value)) return wrong_status(*r, "pending");
        ms::close_proposals(t, id);
        audit(t, who, "report.rejected", id, {{"before", "pending"}, {"after", "rejected"}, {"reason", *reason.value}});
        return render(*rs::find(t, id, who), who);
    });
}

outcome<std::string> report_service::mark_reviewed(domain::principal const& who, std::string const& id) {
    if (!looks_like_uuid(id)) return not_found();
    return in_transaction<std::string>(pool_, [&](store::tx& t) -> outcome<std::string> {
        auto r = ms::load_for_update(t, id);
        if (!r) return not_found();
        if (!ms::mark_reviewed(t, id, who.id)) return error{error_code::conflict, "not an unreviewed published report"};
        audit(t, who, "report.reviewed", id, json::object());
        return render(*rs::find(t, id, who), who);
    });
}

outcome<std::string> report_service::retract(domain::principal const& who, std::string const& id) {
    if (!looks_like_uuid(id)) return not_found();
    return in_transaction<std::string>(pool_, [&](store::tx& t) -> outcome<std::string> {
        auto seen = rs::find(t, id, who);
        auto access = seen ? checked_access(*seen, who) : domain::access::none;
        if (access == domain::access::none) return not_found();
        if (access == domain::access::gone) return error{error_code::not_found, "this report was retracted", {}, 410};
        if (!domain::sees_as_owner(who, meta_of(*seen)))
            return error{error_code::forbidden, "only the originator or an operator may retract a report"};
        auto r = ms::load_for_update(t, id);
        if (!ms::retract(t, id)) return wrong_status(*r, "published");
        ms::close_proposals(t, id);
        ms::append_event(t, id, "report.retracted");
        audit(t, who, "report.retracted", id, {{"before", "published"}, {"after", "retracted"}});
        return render(*rs::find(t, id, who), who);
    });
}

outcome<created> report_service::change_tlp(domain::principal const& who, std::string const& id,
                                            std::string const& body) {
    auto change = wire::decode_tlp_change(body);
    if (!change.value) return invalid(change.errors);
    if (!looks_like_uuid(id)) return not_found();
    return in_transaction<created>(pool_, [&](store::tx& t) -> outcome<created> {
        auto seen = rs::find(t, id, who);
        if (!seen || checked_access(*seen, who) != domain::access::full) return not_found();
        auto r = ms::load_for_update(t, id);
        if (r->status == "retracted" || r->status == "rejected") return wrong_status(*r, "pending or published");
        auto before = meta_of(*r), after = before;
        after.level = change.value->level;
        after.to = change.value->to;
        if (auto errors = check_target(t, after); !errors.empty()) return invalid(errors);
        bool tightening = domain::is_tightening(before, after, sector_lookup(t));
        switch (domain::decide_tlp_change(who, before, tightening)) {
        case domain::change_decision::refuse:
            return error{error_code::forbidden, "only the originator or an operator may change this report's TLP"};
        case domain::change_decision::propose: {
            auto pid = ms::propose(t, id, who.id, std::string(domain::to_string(after.level)), after.to);
            json detail{{"proposal", pid}, {"before", meta_json(before)}, {"after", meta_json(after)}};
            audit(t, who, "report.tlp_proposed", id, detail);
            return created{202, json{{"proposal", {{"id", pid}, {"status", "open"}, {"tlp", domain::to_string(after.level)}}},
                                     {"detail", "a loosening by an operator takes effect when the originator accepts it"}}.dump()};
        }
        case domain::change_decision::apply: break;
        }
        apply_tlp(t, who, *r, before, after);
        return created{200, render(*rs::find(t, id, who), who)};
    });
}

outcome<std::string> report_service::decide_proposal(domain::principal const& who, std::string const& id, bool accept) {
    if (!looks_like_uuid(id)) return not_found();
    return in_transaction<std::string>(pool_, [&](store::tx& t) -> outcome<std::string> {
        auto seen = rs::find(t, id, who);
        if (!seen || checked_access(*seen, who) != domain::access::full) return not_found();
        if (who.is_operator() || who.org_slug != seen->origin_org)
            return error{error_code::forbidden, "only the originator decides on a proposal to loosen its report"};
        auto r = ms::load_for_update(t, id);
        if (r->status == "retracted" || r->status == "rejected") return wrong_status(*r, "pending or published");
        auto p = ms::open_proposal(t, id);
        if (!p) return error{error_code::not_found, "this report has no open TLP proposal"};
        ms::decide(t, p->id, accept);
        if (accept) {
            auto before = meta_of(*r), after = before;
            after.level = domain::parse_tlp(p->tlp).value_or(before.level);
            after.to = p->to;
            if (auto errors = check_target(t, after); !errors.empty()) return invalid(errors);
            apply_tlp(t, who, *r, before, after);
        }
        audit(t, who, accept ? "report.tlp_proposal_accepted" : "report.tlp_proposal_declined", id, {{"proposal", p->id}});
        return render(*rs::find(t, id, who), who);
    });
}

}  // namespace varde::service
