#pragma once
// Organisations: the members of the exchange and their identifying terms.
#include <optional>
#include <string>
#include <vector>

#include "domain/identity.hpp"
#include "store/tx.hpp"

namespace varde::store::organisation_store {

// Returns the new organisation's id. failure{conflict} if the slug is taken.
std::string insert(tx& t, domain::organisation const& org);
std::optional<domain::organisation> find_by_slug(tx& t, std::string const& slug);
std::vector<domain::organisation> list_all(tx& t);

}  // namespace varde::store::organisation_store
