#include "store/organisation_store.hpp"

namespace varde::store::organisation_store {

namespace {

constexpr statement insert_sql{"organisation_insert", R"(
    INSERT INTO organisation (slug, name, sectors, country, names, domains, ip_ranges, trusted)
    VALUES ($1, $2, $3::text[], $4, $5::text[], $6::text[], $7::cidr[], $8::boolean)
    RETURNING id)"};

constexpr statement find_sql{"organisation_find", R"(
    SELECT slug, name, sectors, country, names, domains, ip_ranges::text[], trusted
    FROM organisation WHERE slug = $1)"};

constexpr statement list_sql{"organisation_list", R"(
    SELECT slug, name, sectors, country, names, domains, ip_ranges::text[], trusted
    FROM organisation ORDER BY slug)"};

constexpr statement find_for_update_sql{"organisation_find_for_update", R"(
    SELECT slug, name, sectors, country, names, domains, ip_ranges::text[], trusted
    FROM organisation WHERE slug = $1 FOR UPDATE)"};

constexpr statement update_sql{"organisation_update", R"(
    UPDATE organisation
    SET name = $2, sectors = $3::text[], country = $4, names = $5::text[], domains = $6::text[],
        ip_ranges = $7::cidr[], trusted = $8::boolean, updated_at = now()
    WHERE slug = $1
    RETURNING id)"};

domain::organisation from_row(row const& r) {
    domain::organisation org;
    org.slug = r.text(0);
    org.name = r.text(1);
    org.sectors = r.text_array(2);
    org.country = r.text(3);
    org.terms.names = r.text_array(4);
    org.terms.domains = r.text_array(5);
    org.terms.ip_ranges = r.text_array(6);
    org.trusted = r.boolean(7);
    return org;
}

std::vector<param> params_of(domain::organisation const& org) {
    return {org.slug, org.name, to_pg_array(org.sectors), org.country, to_pg_array(org.terms.names),
            to_pg_array(org.terms.domains), to_pg_array(org.terms.ip_ranges), org.trusted ? "true" : "false"};
}

}  // namespace

std::string insert(tx& t, domain::organisation const& org) {
    return t.exec_one(insert_sql, params_of(org)).text(0);
}

std::optional<domain::organisation> find_by_slug(tx& t, std::string const& slug) {
    auto r = t.exec_maybe(find_sql, {slug});
    if (!r) return std::nullopt;
    return from_row(*r);
}

std::vector<domain::organisation> list_all(tx& t) {
    std::vector<domain::organisation> out;
    for (auto const& r : t.exec(list_sql)) out.push_back(from_row(r));
    return out;
}

std::optional<domain::organisation> find_for_update(tx& t, std::string const& slug) {
    auto r = t.exec_maybe(find_for_update_sql, {slug});
    if (!r) return std::nullopt;
    return from_row(*r);
}

bool update(tx& t, domain::organisation const& org) {
    return t.exec_maybe(update_sql, params_of(org)).has_value();
}

}  // namespace varde::store::organisation_store
