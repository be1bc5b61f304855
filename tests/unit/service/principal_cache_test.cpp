// The principal cache answers only while on, only with fresh entries, and never stores what
// a lookup read before a change it raced with.
#include <gtest/gtest.h>

#include "service/principal_cache.hpp"

namespace varde::service {
namespace {

using namespace std::chrono_literals;

domain::principal named(std::string name) {
    domain::principal p;
    p.name = std::move(name);
    return p;
}

TEST(PrincipalCache, OffUntilEnabledAndRemembersNothingMeanwhile) {
    principal_cache cache;
    cache.remember("fp", named("bob"), cache.current());
    EXPECT_FALSE(cache.find("fp"));
    cache.set_enabled(true);
    EXPECT_FALSE(cache.find("fp"));
    cache.remember("fp", named("bob"), cache.current());
    ASSERT_TRUE(cache.find("fp"));
    EXPECT_EQ(cache.find("fp")->name, "bob");
}

TEST(PrincipalCache, DisablingForgetsEverything) {
    principal_cache cache;
    cache.set_enabled(true);
    cache.remember("fp", named("bob"), cache.current());
    cache.set_enabled(false);
    cache.set_enabled(true);
    EXPECT_FALSE(cache.find("fp"));
}

TEST(PrincipalCache, ALookupThatRacedWithAChangeIsNotStored) {
    principal_cache cache;
    cache.set_enabled(true);
    auto before = cache.current();  // a lookup starts, reads the old row ...
    cache.forget_all();             // ... a revocation is heard ...
    cache.remember("fp", named("bob"), before);  // ... and the old row must not come back
    EXPECT_FALSE(cache.find("fp"));
    cache.remember("fp", named("bob"), cache.current());
    EXPECT_TRUE(cache.find("fp"));
}

TEST(PrincipalCache, EntriesAgeOut) {
    principal_cache cache(2s);
    cache.set_enabled(true);
    auto t0 = principal_cache::clock::now();
    cache.remember("fp", named("bob"), cache.current(), t0);
    EXPECT_TRUE(cache.find("fp", t0 + 1999ms));
    EXPECT_FALSE(cache.find("fp", t0 + 2s));
}

TEST(PrincipalCache, ForgetAllEmptiesIt) {
    principal_cache cache;
    cache.set_enabled(true);
    cache.remember("a", named("alice"), cache.current());
    cache.remember("b", named("bob"), cache.current());
    cache.forget_all();
    EXPECT_FALSE(cache.find("a"));
    EXPECT_FALSE(cache.find("b"));
}

}  // namespace
}  // namespace varde::service
