#include "http/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace varde::http {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, AllowsTheBurstThenRefusesWithRetryAfter) {
    rate_limiter limiter({2, 3});
    auto t0 = rate_limiter::clock::time_point{} + 1h;
    std::chrono::seconds retry{0};
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.allow("alice", t0, retry));
    EXPECT_FALSE(limiter.allow("alice", t0, retry));
    EXPECT_EQ(retry, 1s);
    EXPECT_TRUE(limiter.allow("bob", t0, retry));  // buckets are per principal
    EXPECT_TRUE(limiter.allow("alice", t0 + 500ms, retry));  // refilled at 2 per second
    EXPECT_FALSE(limiter.allow("alice", t0 + 500ms, retry));
}

TEST(RateLimiter, ZeroRateMeansNoLimit) {
    rate_limiter limiter({0, 1});
    std::chrono::seconds retry{0};
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.allow("alice", rate_limiter::clock::now(), retry));
}

}  // namespace
}  // namespace varde::http
