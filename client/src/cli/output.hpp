#pragma once
// What commands print: readable tables for people, JSON for scripts (--json).
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace varde::cli {

class table {
public:
    explicit table(std::vector<std::string> headings) : headings_(std::move(headings)) {}
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    bool empty() const { return rows_.empty(); }
    // Columns padded to their widest cell; the last column is not padded.
    void print(std::ostream& out) const;

private:
    std::vector<std::string> headings_;
    std::vector<std::vector<std::string>> rows_;
};

// A JSON value as text for a table cell: strings bare, null as "-", arrays comma-joined.
std::string cell(nlohmann::json const& value);

// At most `width` characters (UTF-8 aware enough not to cut a character), with "…" if cut.
std::string shorten(std::string const& text, std::size_t width);

// Pretty-printed JSON and a newline.
void print_json(std::ostream& out, nlohmann::json const& value);

// The common columns of a list of reports.
table report_table(nlohmann::json const& reports);

}  // namespace varde::cli
