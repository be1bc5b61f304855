#include "handlers/admin.hpp"

#include "http/problem.hpp"
#include "wire/admin_json.hpp"

namespace varde::handlers {

namespace {

using field_errors = std::vector<domain::field_error>;

http::response json_response(unsigned status, std::string body) {
    http::response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

http::response refused(service::error const& e, http::request_context const& ctx) {
    return http::to_response(http::from_service_error(e), ctx);
}

// A problem naming the field at fault, for a refusal that is not a validation error (404, 409).
http::response refused_at(unsigned status, std::string detail, std::string field, std::string field_detail,
                          http::request_context const& ctx) {
    return http::to_response({status, std::move(detail), {{std::move(field), std::move(field_detail)}}, {}}, ctx);
}

http::response invalid(field_errors const& errors, std::string detail, http::request_context const& ctx) {
    http::problem p{400, std::move(detail), {}, {}};
    for (auto const& e : errors) p.errors.push_back({e.field, e.message});
    return http::to_response(p, ctx);
}

std::optional<http::response> require_json(http::request_context const& ctx) {
    auto it = ctx.headers.find("content-type");
    if (it != ctx.headers.end() && it->second.starts_with("application/json")) return std::nullopt;
    return http::to_response({415, "send the body as application/json", {}, {}}, ctx);
}

// The acting operator, as the audit log names it.
std::string const& actor(http::request_context const& ctx) { return ctx.principal->fingerprint; }

}  // namespace

http::response list_organisations(http::request_context const& ctx, services& s) {
    auto all = s.identity.list_organisations();
    if (!all) return refused(all.err(), ctx);
    return json_response(200, wire::organisations_json(all.value()));
}

http::response create_organisation(http::request_context const& ctx, services& s) {
    if (auto refusal = require_json(ctx)) return *refusal;
    auto decoded = wire::decode_new_organisation(ctx.body);
    if (!decoded.value) return invalid(decoded.errors, "the organisation is not valid; see errors", ctx);
    auto const& org = *decoded.value;
    auto added = s.identity.add_organisation(actor(ctx), org);
    if (!added && added.err().code == service::error_code::conflict)
        return refused_at(409, "an organisation with this slug exists already", "slug", "taken", ctx);
    if (!added) return refused(added.err(), ctx);
    return json_response(201, wire::organisation_json(org));
}

http::response update_organisation(http::request_context const& ctx, services& s) {
    if (auto refusal = require_json(ctx)) return *refusal;
    auto decoded = wire::decode_organisation_patch(ctx.body);
    if (!decoded.value) return invalid(decoded.errors, "the change is not valid; see errors", ctx);
    auto updated = s.identity.update_organisation(actor(ctx), ctx.path_params.at("slug"), *decoded.value);
    if (!updated) return refused(updated.err(), ctx);
    return json_response(200, wire::organisation_json(updated.value()));
}

http::response enrol_principal(http::request_context const& ctx, services& s) {
    if (auto refusal = require_json(ctx)) return *refusal;
    auto decoded = wire::decode_enrol_request(ctx.body);
    if (!decoded.value) return invalid(decoded.errors, "the enrolment is not valid; see errors", ctx);
    auto const& req = *decoded.value;
    auto cert = s.read_certificate(req.certificate_pem);
    if (!cert.facts) return invalid({{"certificate", cert.error}}, "the enrolment is not valid; see errors", ctx);
    auto const& facts = *cert.facts;
    auto id = s.identity.enrol(actor(ctx), {req.org, req.name, req.role, req.kind, facts});
    if (!id && id.err().code == service::error_code::not_found)
        return refused_at(404, "no organisation with this slug", "org", "no such organisation", ctx);
    if (!id && id.err().code == service::error_code::conflict)
        return refused_at(409, "this certificate is enrolled already", "certificate", "enrolled already", ctx);
    if (!id) return refused(id.err(), ctx);
    return json_response(201, wire::principal_json({id.value(), req.name, facts.fingerprint, req.org, req.role,
                                                    req.kind, domain::principal_status::active, facts.subject,
                                                    facts.not_after}));
}

http::response revoke_principal(http::request_context const& ctx, services& s) {
    auto fingerprint = wire::normalise_fingerprint(ctx.path_params.at("fingerprint"));
    if (!fingerprint)
        return invalid({{"fingerprint", "must be the certificate's SHA-256 fingerprint (64 hex digits)"}},
                       "the fingerprint is not valid", ctx);
    // Who it is, for the answer; read first, so the answer never depends on a second lookup.
    auto found = s.identity.authenticate(*fingerprint, service::lookup::fresh);
    if (!found) return refused(found.err(), ctx);
    auto revoked = s.identity.revoke(actor(ctx), *fingerprint);
    if (!revoked) return refused(revoked.err(), ctx);
    auto const& p = found.value().who;
    return json_response(200, wire::principal_json({p.id, p.name, p.fingerprint, p.org_slug, p.role, p.kind,
                                                    domain::principal_status::revoked, {}, {}}));
}

http::response list_audit(http::request_context const& ctx, services& s) {
    auto page = s.audit.list(ctx.query);
    if (!page) return refused(page.err(), ctx);
    return json_response(200, wire::audit_page_json(page.value().entries, page.value().next_after));
}

void add_admin_routes(http::router& r) {
    using http::route_access;
    r.add("GET", "/v1/admin/organisations", route_access::operator_, list_organisations);
    r.add("POST", "/v1/admin/organisations", route_access::operator_, create_organisation);
    r.add("PATCH", "/v1/admin/organisations/{slug}", route_access::operator_, update_organisation);
    r.add("POST", "/v1/admin/principals", route_access::operator_, enrol_principal);
    r.add("POST", "/v1/admin/principals/{fingerprint}/revoke", route_access::operator_, revoke_principal);
    r.add("GET", "/v1/admin/audit", route_access::operator_, list_audit);
}

}  // namespace varde::handlers
