#include "domain/tlp.hpp"

#include <gtest/gtest.h>

namespace varde::domain {
namespace {

TEST(Tlp, ParsesEveryLevelWithAndWithoutPrefix) {
    EXPECT_EQ(parse_tlp("CLEAR"), tlp::clear);
    EXPECT_EQ(parse_tlp("TLP:GREEN"), tlp::green);
    EXPECT_EQ(parse_tlp("amber"), tlp::amber);
    EXPECT_EQ(parse_tlp("TLP:AMBER+STRICT"), tlp::amber_strict);
    EXPECT_EQ(parse_tlp("tlp:red"), tlp::red);
}

TEST(Tlp, RefusesUnknownAndTlp1Names) {
    EXPECT_FALSE(parse_tlp(""));
    EXPECT_FALSE(parse_tlp("WHITE"));  // TLP 1.0 name, replaced by CLEAR in TLP 2.0
    EXPECT_FALSE(parse_tlp("AMBER STRICT"));
    EXPECT_FALSE(parse_tlp("TLP:"));
}

TEST(Tlp, RoundTripsCanonicalNames) {
    for (auto level : {tlp::clear, tlp::green, tlp::amber, tlp::amber_strict, tlp::red})
        EXPECT_EQ(parse_tlp(to_string(level)), level);
    EXPECT_EQ(to_string(tlp::amber_strict), "AMBER+STRICT");
}

TEST(Tlp, OrdersByStrictness) {
    EXPECT_TRUE(is_stricter(tlp::red, tlp::amber_strict));
    EXPECT_TRUE(is_stricter(tlp::amber_strict, tlp::amber));
    EXPECT_TRUE(is_stricter(tlp::amber, tlp::green));
    EXPECT_TRUE(is_stricter(tlp::green, tlp::clear));
    EXPECT_FALSE(is_stricter(tlp::clear, tlp::clear));
}

TEST(Tlp, RecipientRules) {
    EXPECT_FALSE(needs_recipients(tlp::clear));
    EXPECT_FALSE(needs_recipients(tlp::green));
    EXPECT_TRUE(needs_recipients(tlp::amber));
    EXPECT_TRUE(needs_recipients(tlp::red));
    EXPECT_TRUE(allows_sector_recipients(tlp::amber));
    EXPECT_FALSE(allows_sector_recipients(tlp::amber_strict));
    EXPECT_FALSE(allows_sector_recipients(tlp::red));
}

}  // namespace
}  // namespace varde::domain
