#pragma once
// Reads a list page (GET /v1/reports) for the list scenario: checks that the body is one
// well-formed JSON object, counts the elements of its top-level "items" array and takes its
// top-level "next_cursor" (a string, or null at the end).
//
// Why not nlohmann::json: a page of 100 full reports is a quarter of a megabyte, and
// nlohmann's lexer (even driving a SAX reader) cost the load generator ~1.5 ms of CPU per page,
// most of its core at ~480 pages/s: the generator, not the node, was what the list latency
// measured. This is a single pass that builds nothing; it still rejects anything that is not
// JSON (grammar of RFC 8259: structure, strings and their escapes, numbers, literals; bytes
// above 0x7f inside strings are taken as they come, UTF-8 is not checked).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace varde::bench {

struct page_summary {
    std::size_t items = 0;              // elements of the top-level "items" array
    bool saw_items = false;             // the top level has an "items" array
    bool saw_cursor = false;            // the top level has a "next_cursor" member
    std::optional<std::string> cursor;  // its value; nullopt when it is null
};

// Throws std::runtime_error (with the byte offset) when the body is not one JSON object, is
// nested deeper than max_depth, or next_cursor is neither a string nor null.
page_summary skim_page(std::string_view body, std::size_t max_depth = 64);

}  // namespace varde::bench
