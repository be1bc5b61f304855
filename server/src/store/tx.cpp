#include "store/tx.hpp"

#include <charconv>

#include "store/errors.hpp"
#include "store/tx_impl.hpp"

namespace varde::store {

namespace {

std::vector<row> to_rows(pqxx::result const& result) {
    std::vector<row> rows;
    rows.reserve(result.size());
    for (auto const& r : result) {
        std::vector<std::optional<std::string>> cells;
        cells.reserve(r.size());
        for (auto const& f : r) {
            if (f.is_null()) cells.emplace_back();
            else cells.emplace_back(std::string(f.c_str(), f.size()));
        }
        rows.emplace_back(std::move(cells));
    }
    return rows;
}

}  // namespace

std::string const& row::text(std::size_t i) const {
    auto const& cell = cells_.at(i);
    if (!cell) throw failure(error_kind::internal, "unexpected NULL in column " + std::to_string(i));
    return *cell;
}

std::string row::take_text(std::size_t i) {
    auto& cell = cells_.at(i);
    if (!cell) throw failure(error_kind::internal, "unexpected NULL in column " + std::to_string(i));
    return std::move(*cell);
}

std::int64_t row::int64(std::size_t i) const {
    auto const& t = text(i);
    std::int64_t v = 0;
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || ptr != t.data() + t.size())
        throw failure(error_kind::internal, "not an integer in column " + std::to_string(i));
    return v;
}

bool row::boolean(std::size_t i) const { return text(i) == "t"; }

std::vector<std::string> row::text_array(std::size_t i) const { return parse_pg_array(text(i)); }

void tx::impl::count_statement() {
    if (statements_left == 0)
        throw failure(error_kind::internal, "a second statement in a single-statement read");
    if (statements_left > 0) --statements_left;
}

std::vector<row> tx::exec(statement const& s, std::vector<param> const& params) {
    impl_.count_statement();
    std::string name(s.name);
    if (!impl_.prepared.contains(name)) {
        impl_.conn.prepare(name, std::string(s.sql));
        impl_.prepared.insert(name);
    }
    std::vector<char const*> values;
    values.reserve(params.size());
    for (auto const& p : params) values.push_back(p ? p->c_str() : nullptr);
    auto result = impl_.work.exec_prepared(name, pqxx::prepare::make_dynamic_params(values));
    impl_.statement_returned = true;
    return to_rows(result);
}

row tx::exec_one(statement const& s, std::vector<param> const& params) {
    auto rows = exec(s, params);
    if (rows.size() != 1)
        throw failure(error_kind::internal, std::string(s.name) + ": expected one row, got " +
                                                std::to_string(rows.size()));
    return std::move(rows.front());
}

std::optional<row> tx::exec_maybe(statement const& s, std::vector<param> const& params) {
    auto rows = exec(s, params);
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

void tx::exec_script(std::string_view sql) {
    impl_.count_statement();
    impl_.work.exec(std::string(sql));
    impl_.statement_returned = true;
}

}  // namespace varde::store
