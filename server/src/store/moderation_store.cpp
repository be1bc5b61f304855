#include "store/moderation_store.hpp"

#include "store/event_store.hpp"

namespace varde::store::moderation_store {

namespace {

constexpr statement approve_sql{"moderation_approve", R"(
    UPDATE report SET status = 'published', published_at = now(), moderated_by = $2::uuid,
                      moderated_at = now(), shared_json = coalesce($3, shared_json)
    WHERE id = $1::uuid AND status = 'pending' RETURNING 1)"};

constexpr statement reject_sql{"moderation_reject", R"(
    UPDATE report SET status = 'rejected', reject_reason = $3, moderated_by = $2::uuid, moderated_at = now()
    WHERE id = $1::uuid AND status = 'pending' RETURNING 1)"};

constexpr statement retract_sql{"moderation_retract", R"(
    UPDATE report SET status = 'retracted', retracted_at = now()
    WHERE id = $1::uuid AND status = 'published' RETURNING 1)"};

constexpr statement set_tlp_sql{"moderation_set_tlp", R"(
    UPDATE report SET tlp = $2, recipient_orgs = $3::text[], recipient_sectors = $4::text[]
    WHERE id = $1::uuid)"};

constexpr statement reviewed_sql{"moderation_reviewed", R"(
    UPDATE report SET reviewed_at = now(), moderated_by = $2::uuid
    WHERE id = $1::uuid AND status = 'published' AND reviewed_at IS NULL RETURNING 1)"};

constexpr statement reason_sql{"moderation_reason", "SELECT reject_reason FROM report WHERE id = $1::uuid"};

constexpr statement supersede_sql{"proposal_supersede", R"(
    UPDATE tlp_proposal SET status = 'superseded', decided_at = now()
    WHERE report_id = $1::uuid AND status = 'open')"};

constexpr statement propose_sql{"proposal_insert", R"(
    INSERT INTO tlp_proposal (report_id, proposed_by, tlp, recipient_orgs, recipient_sectors)
    VALUES ($1::uuid, $2::uuid, $3, $4::text[], $5::text[]) RETURNING id)"};

constexpr statement open_sql{"proposal_open", R"(
    SELECT id, report_id, tlp, status, recipient_orgs, recipient_sectors FROM tlp_proposal
    WHERE report_id = $1::uuid AND status = 'open')"};

constexpr statement decide_sql{"proposal_decide", R"(
    UPDATE tlp_proposal SET status = $2, decided_at = now() WHERE id = $1::uuid AND status = 'open')"};

// The rows below are read as an operator would: these acts check permissions themselves.
domain::principal all_seeing() {
    domain::principal p;
    p.role = domain::principal_role::operator_;
    return p;
}

}  // namespace

bool approve(tx& t, std::string const& id, std::string const& operator_id,
             std::optional<std::string> const& new_shared_json) {
    return t.exec_maybe(approve_sql, {id, operator_id, new_shared_json}).has_value();
}

bool reject(tx& t, std::string const& id, std::string const& operator_id, std::string const& reason) {
    return t.exec_maybe(reject_sql, {id, operator_id, reason}).has_value();
}

bool retract(tx& t, std::string const& id) { return t.exec_maybe(retract_sql, {id}).has_value(); }

void set_tlp(tx& t, std::string const& id, std::string const& tlp, domain::recipients const& to) {
    t.exec(set_tlp_sql, {id, tlp, to_pg_array(to.orgs), to_pg_array(to.sectors)});
}

bool mark_reviewed(tx& t, std::string const& id, std::string const& operator_id) {
    return t.exec_maybe(reviewed_sql, {id, operator_id}).has_value();
}

std::optional<report_store::stored_report> load_for_update(tx& t, std::string const& id) {
    if (!report_store::lock(t, id)) return std::nullopt;
    return report_store::find(t, id, all_seeing());
}

std::optional<std::string> reject_reason(tx& t, std::string const& id) {
    auto r = t.exec_maybe(reason_sql, {id});
    return r ? r->opt_text(0) : std::nullopt;
}

void append_event(tx& t, std::string const& id, std::string const& kind, std::string const& detail_json) {
    event_store::append(t, id, kind, detail_json);
}

std::vector<report_store::stored_report> queue(tx& t, domain::principal const& who, bool unreviewed_published,
                                               std::size_t limit) {
    return report_store::oldest(t, who, unreviewed_published ? "published" : "pending", unreviewed_published, limit);
}

std::string propose(tx& t, std::string const& report_id, std::string const& operator_id, std::string const& tlp,
                    domain::recipients const& to) {
    t.exec(supersede_sql, {report_id});
    return t.exec_one(propose_sql, {report_id, operator_id, tlp, to_pg_array(to.orgs), to_pg_array(to.sectors)})
        .text(0);
}

std::optional<proposal> open_proposal(tx& t, std::string const& report_id) {
    auto r = t.exec_maybe(open_sql, {report_id});
    if (!r) return std::nullopt;
    return proposal{r->text(0), r->text(1), r->text(2), r->text(3), {r->text_array(4), r->text_array(5)}};
}

void close_proposals(tx& t, std::string const& report_id) { t.exec(supersede_sql, {report_id}); }

void decide(tx& t, std::string const& proposal_id, bool accepted) {
    t.exec(decide_sql, {proposal_id, accepted ? "accepted" : "declined"});
}

}  // namespace varde::store::moderation_store
