#include "store/principal_store.hpp"

namespace varde::store::principal_store {

namespace {

constexpr statement insert_sql{"principal_insert", R"(
    INSERT INTO principal (org_id, name, fingerprint, role, kind, subject, not_after, certificate)
    SELECT id, $2, $3, $4, $5, $6, $7::timestamptz, $8 FROM organisation WHERE slug = $1
    RETURNING id)"};

constexpr statement find_sql{"principal_find", R"(
    SELECT p.id, p.name, p.fingerprint, p.role, p.kind, p.status, o.slug, o.name, o.sectors,
           p.not_after < now(), floor(extract(epoch FROM p.not_after))::bigint
    FROM principal p JOIN organisation o ON o.id = p.org_id
    WHERE p.fingerprint = $1)"};

constexpr statement revoke_sql{"principal_revoke", R"(
    UPDATE principal SET status = 'revoked', revoked_at = now()
    WHERE fingerprint = $1 AND status = 'active' RETURNING id)"};

domain::principal from_row(row const& r) {
    domain::principal p;
    p.id = r.text(0);
    p.name = r.text(1);
    p.fingerprint = r.text(2);
    p.role = domain::parse_role(r.text(3)).value_or(domain::principal_role::member);
    p.kind = domain::parse_principal_kind(r.text(4)).value_or(domain::principal_kind::service);
    p.status = r.text(5) == "active" ? domain::principal_status::active
                                     : domain::principal_status::revoked;
    p.org_slug = r.text(6);
    p.org_name = r.text(7);
    p.org_sectors = r.text_array(8);
    p.certificate_expired = r.boolean(9);
    p.certificate_not_after = r.int64(10);
    return p;
}

}  // namespace

std::optional<std::string> insert(tx& t, new_principal const& p) {
    auto r = t.exec_maybe(insert_sql, {p.org_slug, p.name, p.fingerprint,
                                       std::string(domain::to_string(p.role)),
                                       std::string(domain::to_string(p.kind)), p.subject,
                                       p.not_after, p.certificate_pem});
    if (!r) return std::nullopt;
    return r->text(0);
}

std::optional<domain::principal> find_by_fingerprint(tx& t, std::string const& fingerprint) {
    auto r = t.exec_maybe(find_sql, {fingerprint});
    if (!r) return std::nullopt;
    return from_row(*r);
}

bool revoke(tx& t, std::string const& fingerprint) {
    return t.exec_maybe(revoke_sql, {fingerprint}).has_value();
}

}  // namespace varde::store::principal_store
