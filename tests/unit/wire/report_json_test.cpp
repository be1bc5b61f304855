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

// The owner view as it was built before: the extras as a json object, stored JSON parsed, the
// whole dumped and spliced after the header and the content.
std::string owner_view_by_object(report_header const& h, std::string_view content, owner_extras const& x,
                                 std::optional<std::vector<std::string>> const& related) {
    json recipients = json::array();
    for (auto const& o : x.to.orgs) recipients.push_back("org:" + o);
    for (auto const& s : x.to.sectors) recipients.push_back("sector:" + s);
    json extra{{"recipients", recipients}, {"attribution", x.attribution},
               {"redactions", json::parse(x.redactions_json)}, {"warnings", json::parse(x.warnings_json)}};
    if (x.origin_org) extra["origin_org"] = *x.origin_org;
    if (x.reject_reason) extra["reject_reason"] = *x.reject_reason;
    if (x.original_body) extra["original"] = json::parse(*x.original_body, nullptr, false);
    auto text = extra.dump();
    std::string out = object_header(h) + ",";
    out.append(content.substr(1, content.size() - 2));
    out += ",";
    out.append(text, 1, text.size() - 2);
    if (related) out += ",\"related\":" + json(*related).dump();
    return out + "}";
}

std::vector<owner_extras> owner_extras_cases() {
    owner_extras member{{{}, {}}, "pseudonymous", "[]", "[]", std::nullopt, std::nullopt, std::nullopt};
    auto full = member;
    full.to = {{"havn", "nordkraft"}, {"energy", "finance"}};
    full.attribution = "attributed";
    // owner_extras holds views: the stored texts they show must outlive the cases.
    static std::string const redactions = encode_redactions({{"summary", "email", "ola.nordmann@example.no"},
                                                             {"title", "ipv4", "Ærø \"q\" \\ 東京 🙂\n"}});
    static std::string const warnings =
        encode_warnings({"fewer than 3 member organisations are in sector 'energy'", "tab\there"});
    full.redactions_json = redactions;
    full.warnings_json = warnings;
    full.reject_reason = "duplicate of \"another\"\n report";
    auto operator_view = full;
    operator_view.origin_org = "fjordbank";
    operator_view.original_body = R"({ "title" : "Spaced  out",  "tlp":"AMBER", "n": 1.50, "u": "\u00e6"})";
    auto unusual = full;
    unusual.to = {{"org \"with\" quotes"}, {}};
    unusual.attribution = "anonymous\x01";
    return {member, full, operator_view, unusual};
}

TEST(ReportJson, OwnerViewBytesEqualTheJsonObjectDump) {
    std::string content = R"({"summary":"s","title":"T \u00e6"})";
    for (auto const& h : headers())
        for (auto const& x : owner_extras_cases())
            for (auto const& related : {std::optional<std::vector<std::string>>{},
                                        std::optional<std::vector<std::string>>{{"a", "b"}}}) {
                auto got = owner_view(h, content, x, related);
                EXPECT_EQ(got, owner_view_by_object(h, content, x, related));
                EXPECT_TRUE(json::parse(got).is_object());
            }
}

}  // namespace
}  // namespace varde::wire
