#pragma once
// Request rate per principal (SPEC §8): a token bucket per key. Over the rate, a request is
// answered 429 with Retry-After. Thread-safe; memory is bounded by forgetting idle buckets.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace varde::http {

struct rate_limit {
    double per_second = 50;  // sustained rate; 0 turns limiting off
    double burst = 100;      // bucket size
};

class rate_limiter {
public:
    using clock = std::chrono::steady_clock;

    explicit rate_limiter(rate_limit limit) : limit_(limit) {}

    // Takes one token for `key`. When none is left, returns false and sets `retry_after` to
    // the whole seconds until one is.
    bool allow(std::string const& key, clock::time_point now, std::chrono::seconds& retry_after);

private:
    struct bucket {
        double tokens;
        clock::time_point updated;
    };
    void forget_idle(clock::time_point now);

    rate_limit limit_;
    std::mutex mutex_;
    std::unordered_map<std::string, bucket> buckets_;
    static constexpr std::size_t max_buckets = 100000;
};

}  // namespace varde::http
