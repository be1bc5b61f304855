#include "cli/follow/backoff.hpp"

#include <algorithm>

namespace varde::cli {

std::chrono::milliseconds backoff::next() {
    auto full = base_.count() << std::min(step_, 20);
    auto ceiling = std::min<long long>(full, cap_.count());
    if (full < cap_.count()) ++step_;
    std::uniform_int_distribution<long long> pick(ceiling / 2, ceiling);
    return std::chrono::milliseconds(pick(random_));
}

}  // namespace varde::cli
