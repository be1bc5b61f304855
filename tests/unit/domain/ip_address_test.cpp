// The shared IP component: what indicators (strict) and the anonymiser (lenient, defanged
// text) rely on. Formatting per RFC 5952 is covered in detail by indicator_test.cpp.
#include "domain/ip_address.hpp"

#include <gtest/gtest.h>

namespace varde::domain {
namespace {

ip_address v4(std::string_view text) { return parse_ipv4(text).value(); }
ip_address v6(std::string_view text) { return parse_ipv6(text).value(); }

TEST(IpAddress, LeadingZerosOnlyWhenAllowed) {
    EXPECT_FALSE(parse_ipv4("10.0.0.01"));
    EXPECT_EQ(parse_ipv4("10.0.0.01", leading_zeros::allowed), v4("10.0.0.1"));
    EXPECT_FALSE(parse_ipv6("::ffff:010.0.0.1"));
    EXPECT_EQ(parse_ipv6("::ffff:010.0.0.1", leading_zeros::allowed), v6("::ffff:10.0.0.1"));
    EXPECT_EQ(parse_cidr("10.0.0.0/08").error, cidr_error::bad_prefix);
    EXPECT_EQ(parse_cidr("10.0.0.0/08", leading_zeros::allowed).network.prefix, 8u);
}

TEST(IpAddress, ReadsADottedQuadInsideText) {
    auto const r = read_ipv4("at 10.0.0[.]7:445", 3, leading_zeros::allowed, true);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->address, v4("10.0.0.7"));
    EXPECT_EQ(r->end, 13u);
    EXPECT_FALSE(read_ipv4("10.0.0[.]7", 0, leading_zeros::allowed));  // not defanged
    EXPECT_FALSE(read_ipv4("10.0.0", 0, leading_zeros::allowed));
}

TEST(IpAddress, ParsesEitherFamily) {
    EXPECT_FALSE(parse_ip("192.0.2.1")->v6);
    EXPECT_TRUE(parse_ip("2001:db8::1")->v6);
    EXPECT_FALSE(parse_ip("fe80::1%eth0"));
    EXPECT_EQ(to_string(v6("2001:0DB8:0:0:0:0:0:1")), "2001:db8::1");
    EXPECT_EQ(to_string(v4("192.0.2.1")), "192.0.2.1");
}

TEST(IpAddress, CidrErrorsNameTheFamilyTheTextLookedLike) {
    EXPECT_EQ(parse_cidr("192.0.2.0").error, cidr_error::missing_prefix);
    auto const prefix = parse_cidr("2001:db8::/129");
    EXPECT_EQ(prefix.error, cidr_error::bad_prefix);
    EXPECT_TRUE(prefix.network.address.v6);
    auto const address = parse_cidr("192.0.2/24");
    EXPECT_EQ(address.error, cidr_error::bad_address);
    EXPECT_FALSE(address.network.address.v6);
    auto const ok = parse_cidr("192.0.2.1/24");  // host bits are the caller's concern
    EXPECT_EQ(ok.error, cidr_error::none);
    EXPECT_EQ(network_of(ok.network.address, ok.network.prefix), v4("192.0.2.0"));
}

TEST(IpAddress, ContainsComparesFamilyAndPrefixBits) {
    ip_network const net{v4("198.51.100.0"), 25};
    EXPECT_TRUE(contains(net, v4("198.51.100.127")));
    EXPECT_FALSE(contains(net, v4("198.51.100.128")));
    EXPECT_FALSE(contains(net, v6("::ffff:198.51.100.1")));
    EXPECT_TRUE(contains(net, unmapped(v6("::ffff:198.51.100.1"))));
    EXPECT_TRUE(contains({v4("0.0.0.0"), 0}, v4("203.0.113.9")));
    EXPECT_TRUE(contains({v6("2001:67c:1234::"), 48}, v6("2001:67c:1234:5::10")));
}

TEST(IpAddress, InternalAddresses) {
    for (auto text : {"10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "127.0.0.1",
                      "169.254.10.20"})
        EXPECT_TRUE(is_internal(v4(text))) << text;
    for (auto text : {"172.32.0.1", "8.8.8.8", "192.0.2.1"})
        EXPECT_FALSE(is_internal(v4(text))) << text;
    for (auto text : {"::1", "fe80::1", "febf::1", "fc00::1", "fd12:3456::1", "::ffff:10.0.0.1"})
        EXPECT_TRUE(is_internal(v6(text))) << text;
    for (auto text : {"2001:db8::1", "fec0::1", "::", "::ffff:8.8.8.8"})
        EXPECT_FALSE(is_internal(v6(text))) << text;
}

}  // namespace
}  // namespace varde::domain
