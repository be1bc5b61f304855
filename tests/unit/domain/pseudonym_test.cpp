#include "domain/pseudonym.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace varde::domain {
namespace {

// Deterministic stand-in for HMAC-SHA256: FNV-1a over key and message, as 32 hex digits.
class fake_keyed_hash : public keyed_hash {
public:
    explicit fake_keyed_hash(std::string key) : key_(std::move(key)) {}

    std::string hex_mac(std::string_view message) const override {
        last_message_ = std::string(message);
        std::string out;
        for (std::uint64_t seed : {1469598103934665603ull, 1099511628211ull}) {
            std::uint64_t h = seed;
            for (char c : key_ + "|" + std::string(message)) {
                h ^= static_cast<unsigned char>(c);
                h *= 1099511628211ull;
            }
            char buf[17];
            std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
            out += buf;
        }
        return out;
    }

    mutable std::string last_message_;

private:
    std::string key_;
};

class short_keyed_hash : public keyed_hash {
public:
    std::string hex_mac(std::string_view) const override { return "abc"; }
};

organisation org(std::string slug, std::string name) {
    organisation o;
    o.slug = std::move(slug);
    o.name = std::move(name);
    return o;
}

TEST(Pseudonym, AnonymousShowsNoSource) {
    fake_keyed_hash const mac{"secret"};
    EXPECT_EQ(source_display(attribution::anonymous, org("nordkraft", "Nordkraft AS"), mac),
              std::nullopt);
}

TEST(Pseudonym, AttributedShowsTheName) {
    fake_keyed_hash const mac{"secret"};
    EXPECT_EQ(source_display(attribution::attributed, org("nordkraft", "Nordkraft AS"), mac),
              "Nordkraft AS");
}

TEST(Pseudonym, PseudonymIsStableAndShaped) {
    fake_keyed_hash const mac{"secret"};
    auto const a = source_display(attribution::pseudonymous, org("nordkraft", "Nordkraft AS"), mac);
    auto const b = source_display(attribution::pseudonymous, org("nordkraft", "Renamed AS"), mac);
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a, b);
    ASSERT_EQ(a->size(), 17u);
    EXPECT_EQ(a->substr(0, 7), "member-");
    EXPECT_EQ(a->find_first_not_of("0123456789abcdef", 7), std::string::npos);
    EXPECT_EQ(mac.last_message_, "pseudonym:v1:nordkraft");
}

TEST(Pseudonym, PseudonymDiffersPerSlugAndPerSecret) {
    fake_keyed_hash const mac{"secret"};
    fake_keyed_hash const other_node{"another secret"};
    auto const nordkraft = org("nordkraft", "Nordkraft AS");
    auto const a = source_display(attribution::pseudonymous, nordkraft, mac);
    EXPECT_NE(a, source_display(attribution::pseudonymous, org("vestnett", "Vestnett"), mac));
    EXPECT_NE(a, source_display(attribution::pseudonymous, nordkraft, other_node));
}

TEST(Pseudonym, PseudonymRevealsNeitherNameNorSlug) {
    fake_keyed_hash const mac{"secret"};
    auto const p = source_display(attribution::pseudonymous, org("nordkraft", "Nordkraft AS"), mac);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->find("nordkraft"), std::string::npos);
    EXPECT_EQ(p->find("Nordkraft"), std::string::npos);
}

TEST(Pseudonym, ShortMacIsRefused) {
    short_keyed_hash const mac;
    EXPECT_THROW(source_display(attribution::pseudonymous, org("x", "X"), mac),
                 std::invalid_argument);
}

TEST(Pseudonym, AttributionRoundTrips) {
    for (auto a : {attribution::anonymous, attribution::pseudonymous, attribution::attributed})
        EXPECT_EQ(parse_attribution(to_string(a)), a);
    EXPECT_EQ(to_string(attribution::pseudonymous), "pseudonymous");
    EXPECT_EQ(parse_attribution("Anonymous"), std::nullopt);
    EXPECT_EQ(parse_attribution(""), std::nullopt);
    EXPECT_EQ(parse_attribution("named"), std::nullopt);
}

}  // namespace
}  // namespace varde::domain
