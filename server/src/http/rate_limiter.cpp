#include "http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace varde::http {

bool rate_limiter::allow(std::string const& key, clock::time_point now, std::chrono::seconds& retry_after) {
    if (limit_.per_second <= 0) return true;
    std::lock_guard lock(mutex_);
    if (buckets_.size() >= max_buckets) forget_idle(now);
    auto [it, fresh] = buckets_.try_emplace(key, bucket{limit_.burst, now});
    auto& b = it->second;
    if (!fresh) {
        double elapsed = std::chrono::duration<double>(now - b.updated).count();
        b.tokens = std::min(limit_.burst, b.tokens + std::max(0.0, elapsed) * limit_.per_second);
        b.updated = now;
    }
    if (b.tokens >= 1) {
        b.tokens -= 1;
        return true;
    }
    retry_after = std::chrono::seconds(static_cast<long>(std::ceil((1 - b.tokens) / limit_.per_second)));
    return false;
}

// A bucket that has been idle long enough to be full again carries no information.
void rate_limiter::forget_idle(clock::time_point now) {
    auto full_after = std::chrono::duration<double>(limit_.burst / limit_.per_second);
    std::erase_if(buckets_, [&](auto const& entry) { return now - entry.second.updated > full_after; });
}

}  // namespace varde::http
