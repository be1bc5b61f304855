#pragma once
// What a use case answers: a value, or an error the HTTP boundary turns into a problem
// response. Errors are values here; only the edges (store, net) throw.
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "domain/validation.hpp"

namespace varde::service {

enum class error_code {
    not_found,    // 404, also for what exists but may not be seen
    conflict,     // 409
    invalid,      // 400 / 422 with a detail naming the field
    forbidden,    // 403
    unavailable,  // 503: the database is unreachable
    internal,     // 500: a bug; detail is logged, never sent
};

struct error {
    error_code code;
    std::string detail;                      // safe to show to the caller, except for internal
    std::vector<domain::field_error> fields = {};  // for invalid: every offending field
    unsigned status_hint = 0;                // a more precise HTTP status (413, 410, 422), if any
};

template <typename T>
class outcome {
public:
    outcome(T value) : state_(std::move(value)) {}
    outcome(error e) : state_(std::move(e)) {}

    bool ok() const { return std::holds_alternative<T>(state_); }
    explicit operator bool() const { return ok(); }
    T const& value() const& { return std::get<T>(state_); }
    T&& value() && { return std::get<T>(std::move(state_)); }
    error const& err() const { return std::get<error>(state_); }

private:
    std::variant<T, error> state_;
};

struct done {};  // for use cases that answer nothing but success

}  // namespace varde::service
