// The report views write the node's header fields by hand (no json object per list row): the
// bytes must equal what dumping the header as a nlohmann object gave, escapes included.
#include "wire/report_json.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace varde::wire {
namespace {

using json = nlohmann::json;

// The header as the views wrote it before: a json object, dumped, without its closing brace.
std::string object_header(report_header const& h) {
    json j{{"id", h.id}, {"status", h.status}, {"tlp", h.tlp}};
    if (!h.created_at.empty()) j["created_at"] = h.created_at;
    j["source"] = h.source ? json(*h.source) : json(nullptr);
    j["published_at"] = h.published_at ? json(*h.published_at) : json(nullptr);
    auto text = j.dump();
    text.pop_back();
    return text;
}

std::vector<report_header> headers() {
    report_header plain{"0b6c3a9e-8d1f-4c2a-9f3e-1a2b3c4d5e6f", "published", "AMBER+STRICT", std::nullopt,
                        "", std::string("2026-11-27T12:00:00.000Z")};
    auto owner = plain;
    owner.created_at = "2026-11-27T11:59:59.123Z";
    owner.source = "Nordkraft Energi AS";
    auto awkward = owner;
    awkward.source = "Quote \" back\\slash\ttab\nline \x01 ctrl \x7f del, Ærø, 東京, 🙂";
    awkward.published_at = std::nullopt;
    awkward.status = "pending";
    return {plain, owner, awkward};
}

TEST(ReportJson, HeaderBytesEqualTheJsonObjectDump) {
    for (auto const& h : headers()) {
        auto expected = object_header(h);
        EXPECT_EQ(member_view(h, R"({"title":"t"})"), expected + R"(,"title":"t"})");
        EXPECT_EQ(summary_view(h, "A \"title\"\n"), expected + R"(,"title":"A \"title\"\n"})");
        EXPECT_TRUE(json::parse(summary_view(h, "x")).is_object());
    }
}

TEST(ReportJson, InvalidUtf8StillThrowsAsNlohmannDoes) {
    auto h = headers()[1];
    h.source = std::string("bad \xff byte");
    EXPECT_THROW(member_view(h, R"({"title":"t"})"), json::exception);
}

}  // namespace
}  // namespace varde::wire
