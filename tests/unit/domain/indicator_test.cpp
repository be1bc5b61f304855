// Normalisation per indicator type: one table, every type, valid values to their canonical
// text and invalid ones to their message.
#include "domain/indicator.hpp"

#include <gtest/gtest.h>
#include <ostream>
#include <string>

namespace varde::domain {
namespace {

using t = indicator_type;

struct row {
    indicator_type type;
    std::string input;
    std::string value;  // expected canonical value; empty when an error is expected
    std::string error;  // expected message; empty when the value is valid

    friend std::ostream& operator<<(std::ostream& os, row const& r) {
        return os << to_string(r.type) << " \"" << r.input << "\"";
    }
};

std::string const sha256_upper(64, 'A');
std::string const sha256_lower(64, 'a');

// clang-format off
row const rows[] = {
    // IPv4: canonical dotted quad; leading zeros refused (inet_aton would read them as octal).
    {t::ipv4, "192.0.2.1", "192.0.2.1", ""},
    {t::ipv4, "  198.51.100.7\n", "198.51.100.7", ""},
    {t::ipv4, "0.0.0.0", "0.0.0.0", ""},
    {t::ipv4, "255.255.255.255", "255.255.255.255", ""},
    {t::ipv4, "010.1.1.1", "", "not a valid IPv4 address"},
    {t::ipv4, "256.1.1.1", "", "not a valid IPv4 address"},
    {t::ipv4, "1.2.3", "", "not a valid IPv4 address"},
    {t::ipv4, "1.2.3.4.5", "", "not a valid IPv4 address"},
    {t::ipv4, "1.2.3.", "", "not a valid IPv4 address"},
    {t::ipv4, "1..2.3", "", "not a valid IPv4 address"},
    {t::ipv4, "1.2.3.4/32", "", "not a valid IPv4 address"},
    {t::ipv4, "0x7f.0.0.1", "", "not a valid IPv4 address"},
    {t::ipv4, "", "", "must not be empty"},
    // IPv6 per RFC 5952.
    {t::ipv6, "2001:DB8::1", "2001:db8::1", ""},
    {t::ipv6, "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1", ""},
    {t::ipv6, "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", ""},  // first of equal runs
    {t::ipv6, "2001:db8:0:0:0:1:0:0", "2001:db8::1:0:0", ""},
    {t::ipv6, "2001:0:0:1:0:0:0:1", "2001:0:0:1::1", ""},       // longest run wins
    {t::ipv6, "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1", ""},  // one zero group stays
    {t::ipv6, "2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1", ""},
    {t::ipv6, "2001:db8::0:1:1:1:1:1", "", "not a valid IPv6 address"},  // "::" is >= 1 group
    {t::ipv6, "::", "::", ""},
    {t::ipv6, "::1", "::1", ""},
    {t::ipv6, "0:0:0:0:0:0:0:0", "::", ""},
    {t::ipv6, "fe80::", "fe80::", ""},
    {t::ipv6, "::ffff:192.0.2.1", "::ffff:192.0.2.1", ""},     // IPv4-mapped keeps dots (§5)
    {t::ipv6, "::FFFF:C000:0201", "::ffff:192.0.2.1", ""},
    {t::ipv6, "64:ff9b::192.0.2.33", "64:ff9b::c000:221", ""},
    {t::ipv6, "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8", ""},
    {t::ipv6, "1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0", ""},
    {t::ipv6, "1:2:3:4:5:6:7:8:9", "", "not a valid IPv6 address"},
    {t::ipv6, "1::2::3", "", "not a valid IPv6 address"},
    {t::ipv6, ":::", "", "not a valid IPv6 address"},
    {t::ipv6, "1:2:3:4:5:6:7:8::", "", "not a valid IPv6 address"},
    {t::ipv6, "12345::", "", "not a valid IPv6 address"},
    {t::ipv6, "g::1", "", "not a valid IPv6 address"},
    {t::ipv6, ":1:2:3:4:5:6:7", "", "not a valid IPv6 address"},
    {t::ipv6, "1:2:3:4:5:6:7:", "", "not a valid IPv6 address"},
    {t::ipv6, "fe80::1%eth0", "", "not a valid IPv6 address"},
    {t::ipv6, "192.0.2.1", "", "not a valid IPv6 address"},
    {t::ipv6, "::192.0.2.256", "", "not a valid IPv6 address"},
    {t::ipv6, "1.2.3.4::", "", "not a valid IPv6 address"},
    // CIDR: host bits refused, the message naming the network.
    {t::cidr, "192.0.2.0/24", "192.0.2.0/24", ""},
    {t::cidr, "0.0.0.0/0", "0.0.0.0/0", ""},
    {t::cidr, "192.0.2.1/32", "192.0.2.1/32", ""},
    {t::cidr, "198.51.100.128/25", "198.51.100.128/25", ""},
    {t::cidr, "2001:DB8:0:0::/32", "2001:db8::/32", ""},
    {t::cidr, "2001:db8::1/128", "2001:db8::1/128", ""},
    {t::cidr, "192.0.2.1/24", "", "not a valid CIDR block: host bits are set (the network is 192.0.2.0/24)"},
    {t::cidr, "2001:db8::1/64", "", "not a valid CIDR block: host bits are set (the network is 2001:db8::/64)"},
    {t::cidr, "192.0.2.0/33", "", "not a valid CIDR block: prefix length must be 0-32"},
    {t::cidr, "2001:db8::/129", "", "not a valid CIDR block: prefix length must be 0-128"},
    {t::cidr, "192.0.2.0/024", "", "not a valid CIDR block: prefix length must be 0-32"},
    {t::cidr, "192.0.2.0", "", "not a valid CIDR block: missing /prefix-length"},
    {t::cidr, "192.0.2/24", "", "not a valid CIDR block: not a valid IPv4 address"},
    // Domains.
    {t::domain, "Example.COM", "example.com", ""},
    {t::domain, "www.example.com.", "www.example.com", ""},
    {t::domain, "xn--bcher-kva.example", "xn--bcher-kva.example", ""},
    {t::domain, "a-b.c0.example", "a-b.c0.example", ""},
    {t::domain, "localhost", "", "not a valid domain name: needs at least two labels"},
    {t::domain, "example..com", "", "not a valid domain name: empty label"},
    {t::domain, "example.com..", "", "not a valid domain name: empty label"},
    {t::domain, "-bad.example", "", "not a valid domain name: label starts or ends with '-'"},
    {t::domain, "bad-.example", "", "not a valid domain name: label starts or ends with '-'"},
    {t::domain, "under_score.example", "", "not a valid domain name: only letters, digits and '-' are allowed in labels (use punycode)"},
    {t::domain, "bücher.example", "", "not a valid domain name: only letters, digits and '-' are allowed in labels (use punycode)"},
    {t::domain, "192.0.2.1", "", "not a valid domain name: top-level label is all-numeric"},
    {t::domain, std::string(64, 'a') + ".example", "", "not a valid domain name: label longer than 63 characters"},
    {t::domain, std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(62, 'd'), "", "not a valid domain name: longer than 253 characters"},
    // URLs.
    {t::url, "HTTP://Example.COM/Path?Q=A#F", "http://example.com/Path?Q=A#F", ""},
    {t::url, "https://user:Pw@EXAMPLE.com:8443/x", "https://user:Pw@example.com:8443/x", ""},
    {t::url, "http://192.0.2.1/a", "http://192.0.2.1/a", ""},
    {t::url, "http://[2001:DB8::0001]:8080/", "http://[2001:db8::1]:8080/", ""},
    {t::url, "ftp://files.example.org", "ftp://files.example.org", ""},
    {t::url, "http://example.com.?x", "http://example.com?x", ""},
    {t::url, "javascript:alert(1)", "", "not a valid URL: scheme must be http, https or ftp"},
    {t::url, "hxxp://example.com/", "", "not a valid URL: scheme must be http, https or ftp"},
    {t::url, "http://exa mple.com/", "", "not a valid URL: contains spaces or control characters"},
    {t::url, "http:///path", "", "not a valid URL: host must be a domain name or an IP address, with a valid port"},
    {t::url, "http://example.com:99999/", "", "not a valid URL: host must be a domain name or an IP address, with a valid port"},
    {t::url, "http://[::1/", "", "not a valid URL: host must be a domain name or an IP address, with a valid port"},
    {t::url, "http://example.com/" + std::string(2048, 'a'), "", "not a valid URL: longer than 2048 characters"},
    // E-mail: local part as written, domain normalised.
    {t::email, "John.Doe@Example.COM", "John.Doe@example.com", ""},
    {t::email, "a+tag@mail.example.org.", "a+tag@mail.example.org", ""},
    {t::email, "no-at-sign.example", "", "not a valid e-mail address: expected local@domain"},
    {t::email, "@example.com", "", "not a valid e-mail address: expected local@domain"},
    {t::email, "a@b@example.com", "", "not a valid e-mail address: expected local@domain"},
    {t::email, "a b@example.com", "", "not a valid e-mail address: local part must be printable ASCII without spaces"},
    {t::email, std::string(65, 'x') + "@example.com", "", "not a valid e-mail address: local part longer than 64 characters"},
    {t::email, "user@localhost", "", "not a valid e-mail address: domain needs at least two labels"},
    // Hashes.
    {t::md5, "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e", ""},
    {t::md5, "d41d8cd98f00b204e9800998ecf8427", "", "not a valid MD5 hash: expected 32 hexadecimal digits"},
    {t::md5, "z41d8cd98f00b204e9800998ecf8427e", "", "not a valid MD5 hash: expected 32 hexadecimal digits"},
    {t::sha1, "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", "da39a3ee5e6b4b0d3255bfef95601890afd80709", ""},
    {t::sha1, "d41d8cd98f00b204e9800998ecf8427e", "", "not a valid SHA-1 hash: expected 40 hexadecimal digits"},
    {t::sha256, sha256_upper, sha256_lower, ""},
    {t::sha256, sha256_lower + "0", "", "not a valid SHA-256 hash: expected 64 hexadecimal digits"},
    // File names and user agents.
    {t::filename, " Invoice 2018.pdf.exe ", "Invoice 2018.pdf.exe", ""},
    {t::filename, "C:\\Windows\\Temp\\dw20.exe", "C:\\Windows\\Temp\\dw20.exe", ""},
    {t::filename, "fakturå.doc", "fakturå.doc", ""},
    {t::filename, std::string("a\0b", 3), "", "not a valid file name: contains control characters"},
    {t::filename, "a\x1b[31mred", "", "not a valid file name: contains control characters"},
    {t::filename, std::string(256, 'f'), "", "not a valid file name: longer than 255 bytes"},
    {t::user_agent, "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", ""},
    {t::user_agent, "curl/7.88\r\nX-Evil: 1", "", "not a valid user agent: contains control characters"},
    {t::user_agent, std::string(1025, 'u'), "", "not a valid user agent: longer than 1024 bytes"},
    // AS numbers.
    {t::asn, "AS64496", "AS64496", ""},
    {t::asn, "as64496", "AS64496", ""},
    {t::asn, "64496", "AS64496", ""},
    {t::asn, "AS0", "AS0", ""},
    {t::asn, "AS4294967295", "AS4294967295", ""},
    {t::asn, "AS064496", "AS64496", ""},
    {t::asn, "AS4294967296", "", "not a valid AS number: expected AS0-AS4294967295"},
    {t::asn, "AS", "", "not a valid AS number: expected AS0-AS4294967295"},
    {t::asn, "AS 64496", "", "not a valid AS number: expected AS0-AS4294967295"},
    {t::asn, "AS1.10", "", "not a valid AS number: expected AS0-AS4294967295"},
    {t::asn, "-1", "", "not a valid AS number: expected AS0-AS4294967295"},
};
// clang-format on

class IndicatorNormalise : public ::testing::TestWithParam<row> {};

TEST_P(IndicatorNormalise, GivesCanonicalValueOrMessage) {
    auto const& r = GetParam();
    auto result = normalise_indicator(r.type, r.input);
    EXPECT_EQ(result.value, r.value);
    EXPECT_EQ(result.error, r.error);
    EXPECT_EQ(result.ok(), r.error.empty());
}

INSTANTIATE_TEST_SUITE_P(EveryType, IndicatorNormalise, ::testing::ValuesIn(rows));

TEST(IndicatorNormaliseIdempotence, CanonicalValuesStayCanonical) {
    for (auto const& r : rows) {
        if (!r.error.empty()) continue;
        EXPECT_EQ(normalise_indicator(r.type, r.value).value, r.value) << r;
    }
}

TEST(IndicatorType, WireNamesRoundTrip) {
    for (auto name : {"ipv4", "ipv6", "cidr", "domain", "url", "email", "md5", "sha1", "sha256",
                      "filename", "user-agent", "asn"}) {
        auto type = parse_indicator_type(name);
        ASSERT_TRUE(type.has_value()) << name;
        EXPECT_EQ(to_string(*type), name);
    }
    EXPECT_EQ(parse_indicator_type("user-agent"), indicator_type::user_agent);
    EXPECT_FALSE(parse_indicator_type("user_agent"));
    EXPECT_FALSE(parse_indicator_type("IPV4"));
    EXPECT_FALSE(parse_indicator_type(""));
}

TEST(IndicatorRole, ParsesAttackerAndVictimOnly) {
    EXPECT_EQ(parse_indicator_role("attacker"), indicator_role::attacker);
    EXPECT_EQ(parse_indicator_role("victim"), indicator_role::victim);
    EXPECT_FALSE(parse_indicator_role("bystander"));
    EXPECT_EQ(to_string(indicator_role::victim), "victim");
    EXPECT_EQ(indicator{}.role, indicator_role::attacker);
}

}  // namespace
}  // namespace varde::domain
