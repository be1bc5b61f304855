#include "store/errors.hpp"
#include "store/tx.hpp"

namespace varde::store {

std::string to_pg_array(std::vector<std::string> const& items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        out += '"';
        for (char c : items[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    out += '}';
    return out;
}

std::string to_pg_array_with_nulls(std::vector<std::string> const& items, std::vector<bool> const& is_null) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        if (i < is_null.size() && is_null[i]) {
            out += "NULL";  // unquoted: SQL NULL ("NULL" quoted would be the text)
            continue;
        }
        auto one = to_pg_array({items[i]});
        out.append(one, 1, one.size() - 2);
    }
    out += '}';
    return out;
}

namespace {

// Reads one element starting at pos (just after '{' or ','); returns the position after it.
std::size_t read_element(std::string_view s, std::size_t pos, std::vector<std::string>& out) {
    std::string item;
    if (pos < s.size() && s[pos] == '"') {
        for (++pos; pos < s.size() && s[pos] != '"'; ++pos) {
            if (s[pos] == '\\' && pos + 1 < s.size()) ++pos;
            item += s[pos];
        }
        ++pos;  // closing quote
    } else {
        while (pos < s.size() && s[pos] != ',' && s[pos] != '}') item += s[pos++];
    }
    out.push_back(std::move(item));
    return pos;
}

}  // namespace

std::vector<std::string> parse_pg_array(std::string_view s) {
    std::vector<std::string> out;
    if (s.size() < 2 || s.front() != '{' || s.back() != '}')
        throw failure(error_kind::internal, "not a one-dimensional array literal");
    if (s == "{}") return out;
    std::size_t pos = 1;
    while (pos < s.size()) {
        pos = read_element(s, pos, out);
        if (pos >= s.size() || s[pos] == '}') break;
        ++pos;  // ','
    }
    return out;
}

}  // namespace varde::store
