// The membership cache answers only while on, only with fresh entries, and never stores what
// a lookup read before a change it raced with.
#include <gtest/gtest.h>

#include "service/membership_cache.hpp"

namespace varde::service {
namespace {

using namespace std::chrono_literals;

domain::principal named(std::string name) {
    domain::principal p;
    p.name = std::move(name);
    return p;
}

TEST(MembershipCache, OffUntilEnabledAndRemembersNothingMeanwhile) {
    membership_cache cache;
    cache.remember("fp", named("bob"), cache.current());
    EXPECT_FALSE(cache.find("fp"));
    cache.set_enabled(true);
    EXPECT_FALSE(cache.find("fp"));
    cache.remember("fp", named("bob"), cache.current());
    ASSERT_TRUE(cache.find("fp"));
    EXPECT_EQ(cache.find("fp")->name, "bob");
}

TEST(MembershipCache, DisablingForgetsEverything) {
    membership_cache cache;
    cache.set_enabled(true);
    cache.remember("fp", named("bob"), cache.current());
    cache.set_enabled(false);
    cache.set_enabled(true);
    EXPECT_FALSE(cache.find("fp"));
}

TEST(MembershipCache, ALookupThatRacedWithAChangeIsNotStored) {
    membership_cache cache;
    cache.set_enabled(true);
    auto before = cache.current();  // a lookup starts, reads the old row ...
    cache.forget_all();             // ... a revocation is heard ...
    cache.remember("fp", named("bob"), before);  // ... and the old row must not come back
    EXPECT_FALSE(cache.find("fp"));
    cache.remember("fp", named("bob"), cache.current());
    EXPECT_TRUE(cache.find("fp"));
}

TEST(MembershipCache, EntriesAgeOut) {
    membership_cache cache(2s);
    cache.set_enabled(true);
    auto t0 = membership_cache::clock::now();
    cache.remember("fp", named("bob"), cache.current(), t0);
    EXPECT_TRUE(cache.find("fp", t0 + 1999ms));
    EXPECT_FALSE(cache.find("fp", t0 + 2s));
}

TEST(MembershipCache, ForgetAllEmptiesIt) {
    membership_cache cache;
    cache.set_enabled(true);
    cache.remember("a", named("alice"), cache.current());
    cache.remember("b", named("bob"), cache.current());
    cache.forget_all();
    EXPECT_FALSE(cache.find("a"));
    EXPECT_FALSE(cache.find("b"));
}

}  // namespace
}  // namespace varde::service

namespace varde::service {
namespace {

using namespace std::chrono_literals;

membership_cache::organisations one_org(std::string slug) {
    domain::organisation o;
    o.slug = std::move(slug);
    return std::make_shared<std::vector<domain::organisation> const>(std::vector<domain::organisation>{o});
}

TEST(MembershipCache, OrganisationsFollowTheSameRules) {
    membership_cache cache(2s);
    auto t0 = membership_cache::clock::now();
    cache.remember_organisations(one_org("a"), cache.current(), t0);
    EXPECT_FALSE(cache.all_organisations(t0));  // off
    cache.set_enabled(true);
    auto before = cache.current();
    cache.forget_all();
    cache.remember_organisations(one_org("a"), before, t0);  // raced with a change
    EXPECT_FALSE(cache.all_organisations(t0));
    cache.remember_organisations(one_org("a"), cache.current(), t0);
    ASSERT_TRUE(cache.all_organisations(t0));
    EXPECT_EQ(cache.all_organisations(t0)->front().slug, "a");
    EXPECT_FALSE(cache.all_organisations(t0 + 2s));  // aged out
    cache.forget_all();
    EXPECT_FALSE(cache.all_organisations(t0));
}

}  // namespace
}  // namespace varde::service
