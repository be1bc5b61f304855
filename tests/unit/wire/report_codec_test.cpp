// decode_new_report: strict structure, every error collected, limits checked before parsing.
#include "domain/validation.hpp"
#include "wire/report_codec.hpp"

#include <gtest/gtest.h>
#include <set>
#include <string>
#include <vector>

namespace varde::wire {
namespace {

using domain::field_error;

std::vector<std::string> fields(std::vector<field_error> const& errors) {
    std::vector<std::string> out;
    for (auto const& e : errors)
        out.push_back(e.field);
    return out;
}

std::string message_for(std::vector<field_error> const& errors, std::string const& field) {
    for (auto const& e : errors)
        if (e.field == field) return e.message;
    return "(no error on " + field + ")";
}

decoded_report decode(std::string const& body, decode_limits const& limits = {}) {
    return decode_new_report(body, limits);
}

std::string const minimal = R"({"title":"t","summary":"s","tlp":"GREEN"})";

TEST(WithinDepth, CountsNestingOutsideStrings) {
    EXPECT_TRUE(within_depth(R"({"a":[1,{"b":[]}]})", 4));
    EXPECT_FALSE(within_depth(R"({"a":[1,{"b":[]}]})", 3));
    EXPECT_TRUE(within_depth(R"({"a":"[[[[[[{{{{"})", 1));
    EXPECT_TRUE(within_depth(R"({"a":"\"[[[[\\"})", 1));  // escaped quote and backslash
    EXPECT_FALSE(within_depth(R"({"a":"\\"}[[)", 1));    // the string ends at the second quote
    EXPECT_TRUE(within_depth("", 0));
}

TEST(ReportCodec, RefusesDeepNestingBeforeParsing) {
    std::string deep = R"({"title":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
    auto result = decode(deep);
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_EQ(result.errors[0].field, "");
    EXPECT_EQ(result.errors[0].message, "body nests deeper than 16 levels");
    EXPECT_FALSE(result.draft);
}

TEST(ReportCodec, RefusesOversizedBody) {
    auto result = decode(minimal, {.max_depth = 16, .max_body = 10});
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_EQ(result.errors[0].message, "body is larger than 10 bytes");
}

TEST(ReportCodec, RefusesInvalidJsonAndNonObjects) {
    auto bad = decode(R"({"title": )");
    ASSERT_EQ(bad.errors.size(), 1u);
    EXPECT_EQ(bad.errors[0].field, "");
    EXPECT_EQ(bad.errors[0].message.rfind("body is not valid JSON: parse error", 0), 0u);
    EXPECT_EQ(decode("[]").errors.at(0).message, "body must be a JSON object");
    EXPECT_EQ(decode("\"x\"").errors.at(0).message, "body must be a JSON object");
    EXPECT_EQ(
        decode("{\"title\":\"\xff\"}").errors.at(0).message.rfind("body is not valid JSON", 0), 0u);
}

TEST(ReportCodec, RefusesDuplicateKeys) {
    auto result = decode(R"({"title":"t","summary":"s","tlp":"RED","tlp":"CLEAR"})");
    EXPECT_EQ(result.errors.size(), 1u);
    EXPECT_EQ(message_for(result.errors, ""), "duplicate key \"tlp\"");
    EXPECT_FALSE(result.draft);
}

TEST(ReportCodec, DecodesMinimalReport) {
    auto result = decode(minimal);
    ASSERT_TRUE(result.draft) << result.errors.size();
    EXPECT_EQ(result.draft->level, domain::tlp::green);
    EXPECT_EQ(result.draft->attribution_mode, domain::attribution::anonymous);
}

TEST(ReportCodec, MissingTlpHasNoDefault) {
    auto result = decode(R"({"title":"t","summary":"s"})");
    EXPECT_EQ(fields(result.errors), std::vector<std::string>{"tlp"});
    EXPECT_EQ(message_for(result.errors, "tlp"), "required; there is no default TLP");
    EXPECT_FALSE(result.draft);
}

TEST(ReportCodec, AcceptsTlpPrefixAndRefusesUnknownLevels) {
    auto result = decode(R"({"title":"t","summary":"s","tlp":"TLP:AMBER","recipients":["org:a"]})");
    ASSERT_TRUE(result.draft);
    EXPECT_EQ(result.draft->level, domain::tlp::amber);
    auto bad = decode(R"({"title":"t","summary":"s","tlp":"ORANGE"})");
    EXPECT_EQ(message_for(bad.errors, "tlp"),
              "must be one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED");
    auto wrong = decode(R"({"title":"t","summary":"s","tlp":3})");
    EXPECT_EQ(message_for(wrong.errors, "tlp"), "must be a string");
}

TEST(ReportCodec, RefusesUnknownFieldsAtEveryLevel) {
    auto result = decode(R"({"title":"t","summary":"s","tlp":"GREEN","id":"x",
        "incident":{"category":"other","victim":"x"},
        "indicators":[{"type":"ipv4","value":"192.0.2.1"},{"type":"ipv4","value":"1","score":9}]})");
    EXPECT_EQ(fields(result.errors),
              (std::vector<std::string>{"id", "incident.victim", "indicators[1].score"}));
    for (auto const& e : result.errors)
        EXPECT_EQ(e.message, "unknown field");
}

TEST(ReportCodec, RefusesWrongTypesAndCollectsThemAll) {
    auto result = decode(R"({"title":1,"summary":null,"tlp":"GREEN","recipients":"org:a",
        "attribution":true,"incident":[],"threat_actors":["a",2],"malware":{},
        "cves":"CVE-2019-19781","indicators":[1,{"type":7,"value":[],"role":"x","note":0}]})");
    EXPECT_EQ(message_for(result.errors, "title"), "must be a string");
    EXPECT_EQ(message_for(result.errors, "summary"), "must be a string");
    EXPECT_EQ(message_for(result.errors, "recipients"), "must be an array of strings");
    EXPECT_EQ(message_for(result.errors, "attribution"), "must be a string");
    EXPECT_EQ(message_for(result.errors, "incident"), "must be an object");
    EXPECT_EQ(message_for(result.errors, "threat_actors[1]"), "must be a string");
    EXPECT_EQ(message_for(result.errors, "malware"), "must be an array of strings");
    EXPECT_EQ(message_for(result.errors, "cves"), "must be an array of strings");
    EXPECT_EQ(message_for(result.errors, "indicators[0]"), "must be an object");
    EXPECT_EQ(message_for(result.errors, "indicators[1].type"), "must be a string");
    EXPECT_EQ(message_for(result.errors, "indicators[1].value"), "must be a string");
    EXPECT_EQ(message_for(result.errors, "indicators[1].role"), "must be attacker or victim");
    EXPECT_EQ(message_for(result.errors, "indicators[1].note"), "must be a string");
    EXPECT_EQ(result.errors.size(), 13u);
    EXPECT_FALSE(result.draft);
}

TEST(ReportCodec, RequiresTitleSummaryAndIndicatorFields) {
    auto result =
        decode(R"({"tlp":"CLEAR","indicators":[{"note":"n"},{"type":"hash","value":"x"}]})");
    EXPECT_EQ(fields(result.errors),
              (std::vector<std::string>{"title", "summary", "indicators[0].type",
                                        "indicators[0].value", "indicators[1].type"}));
    EXPECT_EQ(message_for(result.errors, "title"), "required");
    EXPECT_EQ(message_for(result.errors, "indicators[1].type").rfind("unknown indicator type", 0),
              0u);
}

TEST(ReportCodec, ParsesRecipients) {
    auto result = decode(R"({"title":"t","summary":"s","tlp":"AMBER",
        "recipients":["org:nordkraft","sector: energy ","org:","nordkraft","ORG:x",4]})");
    EXPECT_EQ(fields(result.errors), (std::vector<std::string>{"recipients[2]", "recipients[3]",
                                                               "recipients[4]", "recipients[5]"}));
    EXPECT_EQ(message_for(result.errors, "recipients[3]"),
              "must be \"org:<slug>\" or \"sector:<name>\"");
    EXPECT_EQ(message_for(result.errors, "recipients[5]"), "must be a string");
    auto ok = decode(
        R"({"title":"t","summary":"s","tlp":"AMBER","recipients":["org:nordkraft","sector: energy "]})");
    ASSERT_TRUE(ok.draft);
    EXPECT_EQ(ok.draft->to.orgs, std::vector<std::string>{"nordkraft"});
    EXPECT_EQ(ok.draft->to.sectors, std::vector<std::string>{"energy"});
}

TEST(ReportCodec, AttributionIsOneOfThree) {
    auto ok = decode(R"({"title":"t","summary":"s","tlp":"GREEN","attribution":"attributed"})");
    ASSERT_TRUE(ok.draft);
    EXPECT_EQ(ok.draft->attribution_mode, domain::attribution::attributed);
    auto bad = decode(R"({"title":"t","summary":"s","tlp":"GREEN","attribution":"Anonymous"})");
    EXPECT_EQ(message_for(bad.errors, "attribution"),
              "must be anonymous, pseudonymous or attributed");
}

struct directory : domain::recipient_directory {
    bool org_exists(std::string_view slug) const override { return slug == "nordkraft"; }
    bool sector_exists(std::string_view s) const override { return s == "energy"; }
};

std::string const seed_report = R"json({
  "title": "Remote-access intrusion (APT10)",
  "summary": "Stolen credentials, then **DLL side-loading** of Trochilus.",
  "tlp": "TLP:amber",
  "recipients": ["org:nordkraft", "sector:energy"],
  "attribution": "pseudonymous",
  "incident": {"category": "Intrusion", "first_seen": "2017-11-01T00:00:00Z",
               "last_seen": "2018-09-30T23:59:59+02:00", "sector": "manufacturing",
               "country": "no"},
  "threat_actors": ["APT10", "menuPass"],
  "malware": ["Trochilus"],
  "attack_patterns": ["t1574.002", "T1078"],
  "cves": ["cve-2019-19781"],
  "references": ["https://www.us-cert.gov/ncas/alerts/TA17-117A"],
  "indicators": [
    {"type": "ipv4", "value": "192.0.2.10"},
    {"type": "domain", "value": "Update.Example.COM.", "role": "attacker", "note": "C2"},
    {"type": "cidr", "value": "2001:DB8:0::/48", "role": "victim"},
    {"type": "user-agent", "value": "Mozilla/4.0 (compatible)"},
    {"type": "domain", "value": "update.example.com"}
  ]
})json";

TEST(ReportCodec, FullReportDecodesValidatesAndRoundTrips) {
    auto decoded = decode(seed_report);
    ASSERT_TRUE(decoded.draft) << (decoded.errors.empty() ? "" : decoded.errors[0].field);
    auto draft = *decoded.draft;
    EXPECT_TRUE(domain::validate_and_normalise(draft, directory{}, {}).empty());
    EXPECT_EQ(draft.level, domain::tlp::amber);
    EXPECT_EQ(draft.attribution_mode, domain::attribution::pseudonymous);
    EXPECT_EQ(draft.what.category, "intrusion");
    EXPECT_EQ(draft.what.country, "NO");
    EXPECT_EQ(draft.attack_patterns[0], "T1574.002");
    EXPECT_EQ(draft.cves[0], "CVE-2019-19781");
    ASSERT_EQ(draft.indicators.size(), 4u);
    EXPECT_EQ(draft.indicators[1].value, "update.example.com");
    EXPECT_EQ(draft.indicators[1].note, "C2");
    EXPECT_EQ(draft.indicators[2].value, "2001:db8::/48");
    EXPECT_EQ(draft.indicators[2].role, domain::indicator_role::victim);
    EXPECT_EQ(draft.indicators[3].type, domain::indicator_type::user_agent);

    // Encoding the normalised draft and decoding it again gives the same draft.
    auto again = decode(encode_new_report(draft));
    ASSERT_TRUE(again.draft);
    auto const& d2 = *again.draft;
    EXPECT_EQ(d2.title, draft.title);
    EXPECT_EQ(d2.summary, draft.summary);
    EXPECT_EQ(d2.level, draft.level);
    EXPECT_EQ(d2.to.orgs, draft.to.orgs);
    EXPECT_EQ(d2.to.sectors, draft.to.sectors);
    EXPECT_EQ(d2.attribution_mode, draft.attribution_mode);
    EXPECT_EQ(d2.what.first_seen, draft.what.first_seen);
    EXPECT_EQ(d2.what.last_seen, draft.what.last_seen);
    EXPECT_EQ(d2.what.sector, draft.what.sector);
    EXPECT_EQ(d2.threat_actors, draft.threat_actors);
    EXPECT_EQ(d2.malware, draft.malware);
    EXPECT_EQ(d2.references, draft.references);
    ASSERT_EQ(d2.indicators.size(), draft.indicators.size());
    for (std::size_t i = 0; i < d2.indicators.size(); ++i) {
        EXPECT_EQ(d2.indicators[i].type, draft.indicators[i].type);
        EXPECT_EQ(d2.indicators[i].value, draft.indicators[i].value);
        EXPECT_EQ(d2.indicators[i].role, draft.indicators[i].role);
        EXPECT_EQ(d2.indicators[i].note, draft.indicators[i].note);
    }
}

TEST(ReportCodec, EncodingLeavesOutEmptyOptionalFields) {
    domain::report_draft d;
    d.title = "t";
    d.summary = "s";
    d.level = domain::tlp::clear;
    EXPECT_EQ(encode_new_report(d),
              R"({"attribution":"anonymous","summary":"s","title":"t","tlp":"CLEAR"})");
}

}  // namespace
}  // namespace varde::wire
