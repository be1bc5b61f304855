#pragma once
// The store's one error type. libpqxx exceptions never leave store/: they are translated
// by type (store/pg_errors.cpp) into one of these kinds, which the service layer maps to
// its own answers (conflict -> 409, unavailable -> 503, ...).
#include <stdexcept>
#include <string>

namespace varde::store {

enum class error_kind {
    conflict,     // a unique or exclusion constraint: the thing exists already
    invalid,      // a check or foreign-key constraint: the data is not acceptable
    retryable,    // serialization failure or deadlock: the transaction may be run again
    unavailable,  // no connection, or the outcome of a commit is unknown
    internal,     // anything else: a bug, logged with its detail
};

class failure : public std::runtime_error {
public:
    failure(error_kind kind, std::string const& detail) : std::runtime_error(detail), kind_(kind) {}
    error_kind kind() const { return kind_; }

private:
    error_kind kind_;
};

}  // namespace varde::store
