#pragma once
// An open database transaction, as the rest of the node sees it: statements go in with
// text parameters and rows come back as text. No libpqxx type appears here, so only
// store/*.cpp depend on libpqxx, and a service can span several repositories in one tx.
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace varde::store {

// A named SQL statement, prepared once per connection on first use.
struct statement {
    std::string_view name;
    std::string_view sql;
};

using param = std::optional<std::string>;  // nullopt is SQL NULL

class row {
public:
    explicit row(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}
    bool is_null(std::size_t i) const { return !cells_.at(i).has_value(); }
    std::string const& text(std::size_t i) const;  // throws failure{internal} on NULL
    std::optional<std::string> const& opt_text(std::size_t i) const { return cells_.at(i); }
    // Move a cell's text out (a row about to be dropped: a report's content is kilobytes).
    std::string take_text(std::size_t i);  // throws failure{internal} on NULL
    std::optional<std::string> take_opt_text(std::size_t i) { return std::move(cells_.at(i)); }
    std::int64_t int64(std::size_t i) const;
    bool boolean(std::size_t i) const;
    std::vector<std::string> text_array(std::size_t i) const;  // a PostgreSQL text[] column
    std::size_t size() const { return cells_.size(); }

private:
    std::vector<std::optional<std::string>> cells_;
};

class tx {
public:
    class impl;
    explicit tx(impl& i) : impl_(i) {}
    tx(tx const&) = delete;
    tx& operator=(tx const&) = delete;

    std::vector<row> exec(statement const& s, std::vector<param> const& params = {});
    // Exactly one row, or failure{internal}.
    row exec_one(statement const& s, std::vector<param> const& params = {});
    std::optional<row> exec_maybe(statement const& s, std::vector<param> const& params = {});
    // Unprepared, parameterless SQL (migrations, DDL). Never with user input.
    void exec_script(std::string_view sql);

private:
    impl& impl_;
};

// PostgreSQL array literal for a text[] parameter: {"a","b\"c"}.
std::string to_pg_array(std::vector<std::string> const& items);
// The same, with SQL NULL where is_null is true (for nullable columns passed as arrays).
std::string to_pg_array_with_nulls(std::vector<std::string> const& items, std::vector<bool> const& is_null);
// Parses a one-dimensional text[] value as PostgreSQL prints it.
std::vector<std::string> parse_pg_array(std::string_view literal);

}  // namespace varde::store
