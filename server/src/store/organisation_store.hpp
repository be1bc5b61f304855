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
// The same as find_by_slug, and locks the row until the transaction ends, so a read-modify-
// write (update with before/after in the audit log) cannot lose a concurrent change.
std::optional<domain::organisation> find_for_update(tx& t, std::string const& slug);
// Writes every field but the slug; returns false if no organisation has org.slug.
bool update(tx& t, domain::organisation const& org);

}  // namespace varde::store::organisation_store
