// validate_and_normalise: one test per rule, each asserting the exact field path, and a test
// that every fault in one draft is reported together.
#include "domain/validation.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <set>
#include <string>
#include <vector>

namespace varde::domain {
namespace {

struct fake_directory : recipient_directory {
    std::set<std::string, std::less<>> orgs{"nordkraft", "fjordbank"};
    std::set<std::string, std::less<>> sectors{"energy", "finance"};
    bool org_exists(std::string_view slug) const override { return orgs.contains(slug); }
    bool sector_exists(std::string_view s) const override { return sectors.contains(s); }
};

report_draft valid_draft() {
    report_draft d;
    d.title = "Remote access abused";
    d.summary = "Attackers logged in through **Citrix** with stolen credentials.\n";
    d.level = tlp::green;
    return d;
}

std::vector<field_error> check(report_draft& d, validation_limits const& limits = {}) {
    return validate_and_normalise(d, fake_directory{}, limits);
}

std::vector<std::string> fields(std::vector<field_error> const& errors) {
    std::vector<std::string> out;
    for (auto const& e : errors)
        out.push_back(e.field);
    return out;
}

// The one error expected, as "field: message".
std::string only_error(report_draft d, validation_limits const& limits = {}) {
    auto errors = check(d, limits);
    if (errors.size() != 1) return std::to_string(errors.size()) + " errors";
    return errors[0].field + ": " + errors[0].message;
}

TEST(Validation, AcceptsAMinimalGreenReport) {
    auto d = valid_draft();
    EXPECT_TRUE(check(d).empty());
    EXPECT_EQ(d.attribution_mode, attribution::anonymous);
}

TEST(Validation, TitleIsRequiredTrimmedAndBounded) {
    auto d = valid_draft();
    d.title = "   ";
    EXPECT_EQ(only_error(d), "title: required");
    d.title = std::string(201, 'x');
    EXPECT_EQ(only_error(d), "title: longer than 200 bytes");
    d.title = "two\nlines";
    EXPECT_EQ(only_error(d), "title: must be one line without control characters");
    d.title = "  padded  ";
    EXPECT_TRUE(check(d).empty());
    EXPECT_EQ(d.title, "padded");
}

TEST(Validation, SummaryIsRequiredAndBounded) {
    auto d = valid_draft();
    d.summary = "\n\t ";
    EXPECT_EQ(only_error(d), "summary: required");
    d.summary = std::string(65537, 'x');
    EXPECT_EQ(only_error(d), "summary: longer than 65536 bytes");
    d.summary = "bell\a";
    EXPECT_EQ(only_error(d), "summary: contains control characters");
}

// The wire decoder refuses unknown words; every value of the enum is a valid choice.
TEST(Validation, EveryAttributionModeIsAccepted) {
    for (auto mode : {attribution::anonymous, attribution::pseudonymous, attribution::attributed}) {
        auto d = valid_draft();
        d.attribution_mode = mode;
        EXPECT_TRUE(check(d).empty());
    }
}

TEST(Validation, RecipientsRequiredForAmberAndStricter) {
    for (auto level : {tlp::amber, tlp::amber_strict, tlp::red}) {
        auto d = valid_draft();
        d.level = level;
        auto errors = check(d);
        ASSERT_EQ(errors.size(), 1u);
        EXPECT_EQ(errors[0].field, "recipients");
        EXPECT_NE(errors[0].message.find("required for TLP:"), std::string::npos);
        d.to.orgs = {"nordkraft"};
        EXPECT_TRUE(check(d).empty());
    }
}

TEST(Validation, RecipientsRefusedForClearAndGreen) {
    for (auto level : {tlp::clear, tlp::green}) {
        auto d = valid_draft();
        d.level = level;
        d.to.orgs = {"nordkraft"};
        auto errors = check(d);
        ASSERT_EQ(errors.size(), 1u);
        EXPECT_EQ(errors[0].field, "recipients");
        EXPECT_EQ(errors[0].message.find("not allowed for TLP:"), 0u);
    }
}

TEST(Validation, SectorsOnlyForPlainAmber) {
    auto d = valid_draft();
    d.level = tlp::amber;
    d.to = {{"nordkraft"}, {"energy"}};
    EXPECT_TRUE(check(d).empty());
    for (auto level : {tlp::amber_strict, tlp::red}) {
        d.level = level;
        // recipients[i] counts the organisations first, then the sectors.
        EXPECT_EQ(only_error(d), "recipients[1]: sectors are not allowed for TLP:" +
                                     std::string(to_string(level)) + "; name organisations");
    }
}

TEST(Validation, UnknownOrganisationsAndSectorsRefused) {
    auto d = valid_draft();
    d.level = tlp::amber;
    d.to = {{"nordkraft", "ghost", " fjordbank "}, {"mining", "energy"}};
    auto errors = check(d);
    ASSERT_EQ(fields(errors), (std::vector<std::string>{"recipients[1]", "recipients[3]"}));
    EXPECT_EQ(errors[0].message, "unknown organisation \"ghost\"");
    EXPECT_EQ(errors[1].message, "unknown sector \"mining\"");
    EXPECT_EQ(d.to.orgs[2], "fjordbank");
}

TEST(Validation, DuplicateRecipientsDroppedSilently) {
    auto d = valid_draft();
    d.level = tlp::red;
    d.to.orgs = {"nordkraft", "fjordbank", "nordkraft"};
    EXPECT_TRUE(check(d).empty());
    EXPECT_EQ(d.to.orgs, (std::vector<std::string>{"nordkraft", "fjordbank"}));
}

TEST(Validation, CategoryMustBeKnown) {
    auto d = valid_draft();
    d.what.category = " Data-Leak ";
    EXPECT_TRUE(check(d).empty());
    EXPECT_EQ(d.what.category, "data-leak");
    d.what.category = "espionage";
    EXPECT_EQ(only_error(d).rfind("incident.category: must be one of intrusion, ", 0), 0u);
}

TEST(Validation, SeenTimesMustBeRfc3339DateTimes) {
    auto const message = "incident.first_seen: must be an RFC 3339 date-time such as "
                         "2018-09-30T12:00:00Z";
    for (auto bad : {"2018-09-30", "2018-09-30 12:00:00Z", "2018-09-30T12:00Z",
                     "2018-09-30T12:00:00", "2018-13-01T00:00:00Z", "2018-02-29T00:00:00Z",
                     "2018-04-31T00:00:00Z", "2018-01-01T24:00:00Z", "2018-01-01T23:60:00Z",
                     "2018-01-01T23:59:60Z", "2018-01-01T00:00:00.Z", "2018-01-01T00:00:00+0100",
                     "2018-01-01T00:00:00+24:00", "2018-01-01T00:00:00.1234567890Z",
                     "2018-01-01T00:00:00Zx", "18-01-01T00:00:00Z", "2018-1-01T00:00:00Z"}) {
        auto d = valid_draft();
        d.what.first_seen = bad;
        EXPECT_EQ(only_error(d), message) << bad;
    }
    for (auto good :
         {"2016-02-29T00:00:00Z", "2000-02-29T23:59:59.999999999Z", "2018-09-30t12:00:00z",
          "2018-09-30T12:00:00+05:30", "2018-09-30T12:00:00-00:00"}) {
        auto d = valid_draft();
        d.what.first_seen = good;
        EXPECT_TRUE(check(d).empty()) << good;
    }
}

TEST(Validation, SeenTimesUpperCasedInPlace) {
    auto d = valid_draft();
    d.what.last_seen = " 2018-09-30t12:00:00z ";
    EXPECT_TRUE(check(d).empty());
    EXPECT_EQ(d.what.last_seen, "2018-09-30T12:00:00Z");
}

TEST(Validation, FirstSeenNotAfterLastSeenComparedInUtc) {
    auto d = valid_draft();
    d.what.first_seen = "2018-01-01T01:00:00+02:00";  // 2017-12-31T23:00Z
    d.what.last_seen = "2017-12-31T23:30:00Z";
    EXPECT_TRUE(check(d).empty());
    d.what.last_seen = "2017-12-31T22:59:59.5Z";
    EXPECT_EQ(only_error(d), "incident.last_seen: must not be earlier than incident.first_seen");
    d.what.last_seen = "2017-12-31T23:00:00.000000001Z";
    EXPECT_TRUE(check(d).empty());
    d.what.first_seen = "2017-12-31T23:00:00.5Z";
    d.what.last_seen = "2017-12-31T23:00:00.25Z";
    EXPECT_EQ(only_error(d), "incident.last_seen: must not be earlier than incident.first_seen");
}

TEST(Validation, CountryIsTwoLettersUpperCased) {
    auto d = valid_draft();
    d.what.country = "no";
    EXPECT_TRUE(check(d).empty());
    EXPECT_EQ(d.what.country, "NO");
    for (auto bad : {"NOR", "N", "1A", "N-"}) {
        d.what.country = bad;
        EXPECT_EQ(only_error(d), "incident.country: must be an ISO 3166-1 alpha-2 code such as NO");
    }
}

TEST(Validation, IncidentSectorBounded) {
    auto d = valid_draft();
    d.what.sector = std::string(257, 's');
    EXPECT_EQ(only_error(d), "incident.sector: longer than 256 bytes");
}

TEST(Validation, AttackPatternsAreAttackIds) {
    auto d = valid_draft();
    d.attack_patterns = {"T1574.002", "t1078", "T1574.02", "TA0001", "T15740", "T1574.0021"};
    auto errors = check(d);
    EXPECT_EQ(fields(errors),
              (std::vector<std::string>{"attack_patterns[2]", "attack_patterns[3]",
                                        "attack_patterns[4]", "attack_patterns[5]"}));
    EXPECT_EQ(errors[0].message, "must be a MITRE ATT&CK technique id such as T1574 or T1574.002");
    EXPECT_EQ(d.attack_patterns[1], "T1078");
}

TEST(Validation, CvesAreUpperCasedIds) {
    auto d = valid_draft();
    d.cves = {"cve-2019-19781", "CVE-2021-44228", "CVE-2019-123", "CVE-19-12345", "CVE-2019-1234x"};
    auto errors = check(d);
    EXPECT_EQ(fields(errors), (std::vector<std::string>{"cves[2]", "cves[3]", "cves[4]"}));
    EXPECT_EQ(errors[0].message, "must be a CVE id such as CVE-2019-19781");
    EXPECT_EQ(d.cves[0], "CVE-2019-19781");
}

TEST(Validation, ReferencesAreHttpUrls) {
    auto d = valid_draft();
    d.references = {"HTTPS://US-CERT.gov/ncas/alerts/TA17-117A", "ftp://example.org/x",
                    "mailto:a@example.org", "https://example.org/a"};
    auto errors = check(d);
    EXPECT_EQ(fields(errors), (std::vector<std::string>{"references[1]", "references[2]"}));
    EXPECT_EQ(errors[0].message, "must be an http or https URL");
    EXPECT_EQ(d.references[0], "https://us-cert.gov/ncas/alerts/TA17-117A");
}

TEST(Validation, FreeTextListsTrimmedBoundedAndDeduplicated) {
    auto d = valid_draft();
    d.threat_actors = {" APT10 ", "APT10", "menuPass", ""};
    d.malware = {std::string(257, 'm')};
    auto errors = check(d);
    EXPECT_EQ(fields(errors), (std::vector<std::string>{"threat_actors[3]", "malware[0]"}));
    EXPECT_EQ(errors[1].message, "longer than 256 bytes");
    EXPECT_EQ(d.threat_actors, (std::vector<std::string>{"APT10", "menuPass", ""}));
}

TEST(Validation, TooManyListItems) {
    auto d = valid_draft();
    d.cves.assign(3, "CVE-2019-19781");
    EXPECT_EQ(only_error(d, {.max_list_items = 2}), "cves: too many items: at most 2");
}

TEST(Validation, TooManyIndicatorsNamesTheLimit) {
    auto d = valid_draft();
    d.indicators.assign(4, indicator{indicator_type::ipv4, "not an address"});
    EXPECT_EQ(only_error(d, {.max_indicators = 3}),
              "indicators: too many indicators: at most 3 per report");
}

TEST(Validation, IndicatorValuesNormalisedAndDeduplicated) {
    auto d = valid_draft();
    d.indicators = {{indicator_type::domain, "EVIL.example.", indicator_role::attacker, "first"},
                    {indicator_type::ipv6, "2001:DB8::0001"},
                    {indicator_type::domain, "evil.example", indicator_role::victim, "second"},
                    {indicator_type::ipv6, "2001:db8::1"}};
    EXPECT_TRUE(check(d).empty());
    ASSERT_EQ(d.indicators.size(), 2u);
    EXPECT_EQ(d.indicators[0].value, "evil.example");
    EXPECT_EQ(d.indicators[0].note, "first");
    EXPECT_EQ(d.indicators[1].value, "2001:db8::1");
}

TEST(Validation, IndicatorErrorsNameTheirIndex) {
    auto d = valid_draft();
    d.indicators = {
        {indicator_type::ipv4, "192.0.2.1"},
        {indicator_type::ipv4, "192.0.2.1"},
        {indicator_type::md5, "abc"},
        {indicator_type::ipv4, "300.1.1.1", indicator_role::attacker, std::string(2001, 'n')}};
    auto errors = check(d);
    EXPECT_EQ(fields(errors),
              (std::vector<std::string>{"indicators[2].value", "indicators[3].value",
                                        "indicators[3].note"}));
    EXPECT_EQ(errors[1].message, "not a valid IPv4 address");
    EXPECT_EQ(errors[2].message, "longer than 2000 bytes");
}

TEST(Validation, CollectsEveryErrorTogether) {
    report_draft d;
    d.level = tlp::amber_strict;
    d.to.sectors = {"energy"};
    d.what = {"espionage", "2018-09-31T00:00:00Z", "yesterday", "", "Norway"};
    d.attack_patterns = {"X1"};
    d.cves = {"CVE-1"};
    d.references = {"file:///etc/passwd"};
    d.indicators = {{indicator_type::cidr, "192.0.2.1/24"}};
    auto errors = check(d);
    EXPECT_EQ(fields(errors),
              (std::vector<std::string>{
                  "title", "summary", "recipients[0]", "incident.category",
                  "incident.first_seen", "incident.last_seen", "incident.country",
                  "attack_patterns[0]", "cves[0]", "references[0]", "indicators[0].value"}));
}

}  // namespace
}  // namespace varde::domain
