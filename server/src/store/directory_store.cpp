#include "store/directory_store.hpp"

namespace varde::store::directory_store {

namespace {

constexpr statement orgs_sql{"directory_orgs", "SELECT slug FROM organisation"};
constexpr statement sectors_sql{"directory_sectors",
                                "SELECT DISTINCT unnest(sectors) FROM organisation"};
constexpr statement count_sql{"directory_count", R"(
    SELECT count(*) FROM organisation WHERE $1 = ANY (sectors) AND country = upper($2))"};

}  // namespace

directory load(tx& t) {
    directory d;
    for (auto const& r : t.exec(orgs_sql)) d.org_slugs.insert(r.text(0));
    for (auto const& r : t.exec(sectors_sql)) d.sectors.insert(r.text(0));
    return d;
}

std::int64_t count_orgs(tx& t, std::string const& sector, std::string const& country) {
    return t.exec_one(count_sql, {sector, country}).int64(0);
}

}  // namespace varde::store::directory_store
