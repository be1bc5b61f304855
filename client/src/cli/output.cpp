#include "cli/output.hpp"

#include <algorithm>
#include <ostream>

namespace varde::cli {

namespace {

// Display width, counting each UTF-8 character once.
std::size_t width_of(std::string const& s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

}  // namespace

void table::print(std::ostream& out) const {
    std::vector<std::size_t> widths;
    for (auto const& h : headings_) widths.push_back(width_of(h));
    for (auto const& row : rows_)
        for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], width_of(row[i]));
    auto print_row = [&](std::vector<std::string> const& row) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            out << row[i];
            if (i + 1 < row.size()) out << std::string(widths[i] - width_of(row[i]) + 2, ' ');
        }
        out << '\n';
    };
    print_row(headings_);
    for (auto const& row : rows_) print_row(row);
}

std::string cell(nlohmann::json const& value) {
    if (value.is_null()) return "-";
    if (value.is_string()) return value.get<std::string>().empty() ? "-" : value.get<std::string>();
    if (value.is_array()) {
        std::string out;
        for (auto const& v : value) out += (out.empty() ? "" : ",") + cell(v);
        return out.empty() ? "-" : out;
    }
    return value.dump();
}

std::string shorten(std::string const& text, std::size_t width) {
    std::string one_line = text;
    std::replace(one_line.begin(), one_line.end(), '\n', ' ');
    if (width_of(one_line) <= width) return one_line;
    std::size_t chars = 0, i = 0;
    for (; i < one_line.size(); ++i) {
        if ((static_cast<unsigned char>(one_line[i]) & 0xC0) != 0x80 && ++chars > width - 1) break;
    }
    return one_line.substr(0, i) + "…";
}

void print_json(std::ostream& out, nlohmann::json const& value) { out << value.dump(2) << '\n'; }

table report_table(nlohmann::json const& reports) {
    table t({"ID", "STATUS", "TLP", "PUBLISHED", "CATEGORY", "TITLE"});
    for (auto const& r : reports) {
        auto incident = r.value("incident", nlohmann::json::object());
        t.add({cell(r.value("id", nlohmann::json())), cell(r.value("status", nlohmann::json())),
               cell(r.value("tlp", nlohmann::json())), cell(r.value("published_at", nlohmann::json())),
               cell(incident.value("category", nlohmann::json())), shorten(r.value("title", ""), 60)});
    }
    return t;
}

}  // namespace varde::cli
