#pragma once
// Reconnection delays: exponential from `base`, capped at `cap`, with jitter (each delay is
// drawn between half and all of the current step), so many followers of a restarted node do
// not all come back in the same instant.
#include <chrono>
#include <random>

namespace varde::cli {

class backoff {
public:
    backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap) : base_(base), cap_(cap) {}
    std::chrono::milliseconds next();
    void reset() { step_ = 0; }

private:
    std::chrono::milliseconds base_, cap_;
    int step_ = 0;
    std::mt19937 random_{std::random_device{}()};
};

}  // namespace varde::cli
