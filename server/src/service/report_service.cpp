#include "service/report_service.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "domain/sharing.hpp"
#include "service/identity_service.hpp"
#include "service/membership_cache.hpp"
#include "service/publish_batcher.hpp"
#include "service/report_query.hpp"
#include "service/report_views.hpp"
#include "store/audit_store.hpp"
#include "store/directory_store.hpp"
#include "store/idempotency_store.hpp"
#include "store/organisation_store.hpp"
#include "store/pg_pool.hpp"
#include "store/report_store.hpp"
#include "util/log.hpp"
#include "wire/cursor.hpp"
#include "wire/report_json.hpp"

namespace varde::service {

namespace rs = store::report_store;
using namespace report_views;

report_service::report_service(store::pg_pool& pool, domain::keyed_hash const& pseudonyms, report_settings settings,
                               membership_cache* membership)
    : pool_(pool),
      pseudonyms_(pseudonyms),
      settings_(std::move(settings)),
      membership_(membership),
      batcher_(std::make_unique<publish_batcher>(pool.url(), settings_.publish_batch_max)) {}

report_service::~report_service() = default;

struct report_service::prepared {
    domain::report_draft draft;
    domain::shared_report shared;
    domain::organisation origin;
    std::optional<std::string> source;
    std::vector<std::string> warnings;
};

namespace {

// Mirrors store::directory_store: every slug, and every sector some organisation is in.
store::directory_store::directory directory_of(std::vector<domain::organisation> const& all) {
    store::directory_store::directory d;
    for (auto const& o : all) {
        d.org_slugs.insert(o.slug);
        d.sectors.insert(o.sectors.begin(), o.sectors.end());
    }
    return d;
}

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::vector<std::string> single_out_warnings(std::vector<domain::organisation> const& all,
                                             domain::incident const& what, int threshold) {
    if (what.sector.empty() || what.country.empty()) return {};
    auto country = upper(what.country);
    auto peers = std::count_if(all.begin(), all.end(), [&](domain::organisation const& o) {
        return o.country == country && std::find(o.sectors.begin(), o.sectors.end(), what.sector) != o.sectors.end();
    });
    if (peers >= threshold) return {};
    return {"fewer than " + std::to_string(threshold) + " member organisations are in sector '" + what.sector +
            "' in " + what.country + ": the sector and country of this report may identify you to other "
            "members; consider leaving them out"};
}

// The originator always sees its own report; naming itself as a recipient would only tell
// the other recipients who wrote it.
void drop_self_from_recipients(domain::report_draft& d, std::string const& own_slug) {
    std::erase(d.to.orgs, own_slug);
}

}  // namespace

outcome<report_service::prepared> report_service::prepare(domain::principal const& who, std::string const& body) {
    auto decoded = wire::decode_new_report(body, settings_.decoding);
    if (!decoded.draft) return error{error_code::invalid, "the report is not valid; see errors", decoded.errors};
    prepared p{std::move(*decoded.draft), {}, {}, std::nullopt, {}};
    try {
        auto all = organisations_naming(who, p.draft);
        auto origin = std::find_if(all->begin(), all->end(), [&](auto const& o) { return o.slug == who.org_slug; });
        if (origin == all->end()) return error{error_code::internal, "principal's organisation is missing"};
        drop_self_from_recipients(p.draft, who.org_slug);
        auto errors = domain::validate_and_normalise(p.draft, directory_view(directory_of(*all)), settings_.validation);
        if (!errors.empty()) return error{error_code::invalid, "the report is not valid; see errors", std::move(errors)};
        domain::scrub_policy policy{p.draft.attribution_mode == domain::attribution::attributed};
        p.shared = domain::prepare_for_sharing(p.draft, *origin, policy);
        p.source = domain::source_display(p.draft.attribution_mode, *origin, pseudonyms_);
        p.warnings = single_out_warnings(*all, p.draft.what, settings_.single_out_threshold);
        p.origin = *origin;
        return p;
    } catch (std::exception const& e) {
        return from_store_failure(e);
    }
}

// Every organisation: from the membership cache when the node keeps one and it is fresh,
// else one read (remembered for the next publish).
report_service::organisation_list report_service::organisations(bool from_database) {
    if (membership_ && !from_database)
        if (auto all = membership_->all_organisations()) return all;
    auto generation = membership_ ? membership_->current() : 0;
    std::vector<domain::organisation> all;
    pool_.read([&](store::tx& t) { all = store::organisation_store::list_all(t); });
    auto shared = std::make_shared<std::vector<domain::organisation> const>(std::move(all));
    if (membership_) membership_->remember_organisations(shared, generation);
    return shared;
}

// The organisations, read again from the database when the cached list lacks the publisher's
// own organisation or a recipient the draft names: one added moments ago, by another process,
// whose notification this node has not heard yet, must not be refused as unknown.
report_service::organisation_list report_service::organisations_naming(domain::principal const& who,
                                                                       domain::report_draft const& d) {
    auto all = organisations();
    auto known = [&](std::string const& slug) {
        return std::any_of(all->begin(), all->end(), [&](auto const& o) { return o.slug == slug; });
    };
    if (membership_ && !(known(who.org_slug) && std::all_of(d.to.orgs.begin(), d.to.orgs.end(), known)))
        all = organisations(true);
    return all;
}

outcome<std::string> report_service::preview(domain::principal const& who, std::string const& body) {
    auto p = prepare(who, body);
    if (!p) return p.err();
    auto const& v = p.value();
    nlohmann::json out{{"shared", nlohmann::json::parse(wire::encode_shared_content(v.shared.content))},
                       {"source", v.source ? nlohmann::json(*v.source) : nlohmann::json(nullptr)},
                       {"tlp", domain::to_string(v.draft.level)},
                       {"redactions", nlohmann::json::parse(wire::encode_redactions(v.shared.redactions))},
                       {"warnings", v.warnings}};
    return out.dump();
}

namespace {

rs::new_report to_row(domain::principal const& who, domain::report_draft const& d,
                      domain::shared_report const& shared, std::optional<std::string> const& source,
                      std::vector<std::string> const& warnings, bool trusted, std::string const& body,
                      int retention_days) {
    rs::new_report r;
    r.origin_org = who.org_slug;
    r.submitted_by = who.id;
    r.tlp = std::string(domain::to_string(d.level));
    r.to = d.to;
    r.status = trusted ? "published" : "pending";
    r.attribution = std::string(domain::to_string(d.attribution_mode));
    r.source_display = source;
    r.category = d.what.category;
    r.sector = d.what.sector;
    r.country = d.what.country;
    r.first_seen = d.what.first_seen;
    r.last_seen = d.what.last_seen;
    r.shared_json = wire::encode_shared_content(shared.content);
    r.redactions_json = wire::encode_redactions(shared.redactions);
    r.warnings_json = wire::encode_warnings(warnings);
    r.original_body = body;
    r.original_retention_days = retention_days;
    for (auto const& i : shared.content.indicators) r.indicators.emplace_back(domain::to_string(i.type), i.value);
    return r;
}

std::string audit_detail(rs::new_report const& r) {
    return nlohmann::json{{"after", {{"status", r.status}, {"tlp", r.tlp}, {"attribution", r.attribution}}}}.dump();
}

store::audit_store::entry audit_entry(domain::principal const& who, rs::new_report const& r, std::string id) {
    return {who.fingerprint, r.status == "published" ? "report.published" : "report.submitted", "report",
            std::move(id), audit_detail(r)};
}

// The new report as its submitter reads it back, without reading it back: the row written
// plus what the database assigned. The submitter is its originator, so its access is full.
rs::stored_report as_stored(rs::new_report const& r, rs::inserted const& got, domain::principal const& who) {
    rs::stored_report s;
    s.id = got.id;
    s.access = "full";
    s.status = r.status;
    s.tlp = r.tlp;
    s.attribution = r.attribution;
    s.source_display = r.source_display;
    s.origin_org = r.origin_org;
    s.to = r.to;
    s.created_at = got.created_at;
    s.published_at = got.published_at;
    s.shared_json = r.shared_json;
    s.redactions_json = r.redactions_json;
    s.warnings_json = r.warnings_json;
    if (who.is_operator()) s.original_body = r.original_body;
    s.seq = got.seq;
    return s;
}

}  // namespace

outcome<created> report_service::publish(domain::principal const& who, std::string const& body,
                                         std::optional<std::string> const& idempotency_key) {
    auto p = prepare(who, body);
    if (!p) return p.err();
    auto const& v = p.value();
    auto row = to_row(who, v.draft, v.shared, v.source, v.warnings, v.origin.trusted, body,
                      settings_.original_retention_days);
    if (!idempotency_key) {
        auto audit = audit_entry(who, row, "");
        auto got = batcher_->write(row, audit);
        if (!got) return got.err();
        return created{201, render(as_stored(row, got.value(), who), who)};
    }
    std::optional<store::idempotency_store::stored_answer> earlier;
    created answer;
    try {
        pool_.transact([&](store::tx& t) {
            if (idempotency_key) {
                earlier = store::idempotency_store::claim(t, who.id, *idempotency_key, body);
                if (earlier) return;  // a retry: nothing new is written
            }
            auto id = rs::insert(t, row);
            store::audit_store::append(t, audit_entry(who, row, id));
            answer.body = render(*rs::find(t, id, who), who);
            if (idempotency_key) store::idempotency_store::complete(t, who.id, *idempotency_key, 201, answer.body);
        });
    } catch (std::exception const& e) {
        return from_store_failure(e);
    }
    if (earlier && !earlier->same_request)
        return error{error_code::conflict, "this Idempotency-Key was used for a different request", {}, 422};
    if (earlier) return created{earlier->status, earlier->body};
    return answer;
}

namespace {

// What a reader gets for the report read by get() or get_async().
outcome<std::string> answer_for(std::optional<rs::report_with_related> const& found, domain::principal const& who) {
    auto access = found ? checked_access(found->report, who) : domain::access::none;
    if (access == domain::access::none) return not_found();
    if (access == domain::access::gone) return error{error_code::not_found, "this report was retracted", {}, 410};
    return render(found->report, who, found->related);
}

}  // namespace

outcome<std::string> report_service::get(domain::principal const& who, std::string const& id) {
    if (!looks_like_uuid(id)) return not_found();
    std::optional<rs::report_with_related> found;
    try {
        pool_.read([&](store::tx& t) { found = rs::find_with_related(t, id, who, related_limit); });
    } catch (std::exception const& e) {
        return from_store_failure(e);
    }
    return answer_for(found, who);
}

void report_service::get_async(domain::principal const& who, std::string const& id, report_read_batcher& reads,
                               std::function<void(outcome<std::string>)> done) {
    if (!looks_like_uuid(id)) return done(not_found());
    reads.read(who, id, [who, done = std::move(done)](std::exception_ptr failed, report_read_batcher::found found) {
        auto answer = [&]() -> outcome<std::string> {
            try {
                if (failed) std::rethrow_exception(failed);
                return answer_for(found, who);
            } catch (std::exception const& e) {
                return from_store_failure(e);
            }
        }();
        done(std::move(answer));
    });
}

outcome<std::string> report_service::list(domain::principal const& who, query_params const& params) {
    auto parsed = parse_list_query(params, settings_.max_page, pseudonyms_);
    if (!parsed.errors.empty()) return error{error_code::invalid, "bad query parameters; see errors", parsed.errors};
    auto const& q = parsed.query;
    std::vector<rs::stored_report> rows;
    try {
        pool_.read([&](store::tx& t) { rows = rs::list(t, who, q.filter, q.before, q.limit + 1, q.summary); });
    } catch (std::exception const& e) {
        return from_store_failure(e);
    }
    std::optional<std::string> next;
    if (rows.size() > q.limit) {
        rows.resize(q.limit);
        next = wire::encode_cursor(rows.back().seq, pseudonyms_);
    }
    rows = only_visible(std::move(rows), who);
    // The page is written in one buffer: a page of full reports is a quarter of a megabyte.
    std::string page = "{\"items\":";
    if (q.summary)
        append_summaries(page, rows, who);
    else
        append_items(page, rows, who);
    page += ",\"next_cursor\":";
    page += next ? nlohmann::json(*next).dump() : std::string("null");
    page += '}';
    return page;
}

outcome<std::string> report_service::by_indicator(domain::principal const& who, std::string const& type,
                                                  std::string const& value) {
    auto normalised = value;
    if (auto e = normalise_indicator_filter(type, normalised, "value"))
        return error{error_code::invalid, "not a valid indicator; see errors", {*e}};
    auto page = list(who, {{"indicator_type", type}, {"indicator_value", normalised},
                           {"limit", std::to_string(settings_.max_page)}});
    if (!page) return page.err();
    auto items = nlohmann::json::parse(page.value())["items"];
    return nlohmann::json{{"type", type}, {"value", normalised}, {"reports", items}}.dump();
}

outcome<std::int64_t> report_service::purge_expired_originals() {
    std::int64_t purged = 0;
    try {
        pool_.transact([&](store::tx& t) { purged = rs::purge_originals(t); });
    } catch (std::exception const& e) {
        return from_store_failure(e);
    }
    return purged;
}

}  // namespace varde::service
