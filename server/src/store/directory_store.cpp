#include "store/directory_store.hpp"

namespace varde::store::directory_store {

namespace {

constexpr statement orgs_sql{"directory_orgs", "SELECT slug FROM organisation"};
constexpr statement sectors_sql{"directory_sectors",
                                "SELECT DISTINCT unnest(sectors) FROM organisation"};

}  // namespace

directory load(tx& t) {
    directory d;
    for (auto const& r : t.exec(orgs_sql)) d.org_slugs.insert(r.text(0));
    for (auto const& r : t.exec(sectors_sql)) d.sectors.insert(r.text(0));
    return d;
}

}  // namespace varde::store::directory_store
